package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run slot's offset carries the run's request context across a restart, in primitive offset values only. */
class SlotOffsetTest {

    private static final Map<String, String> CONTEXT = Map.of("traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "dag", "harvest_sales");

    @Test
    void aRunsContextSurvivesTheOffsetAsJsonText() {
        TrackedRun run = new TrackedRun("run-1", "dzd_demo", "sales_glue", "token-1", "requests", 2, 41, "RUNNING",
                1_000L, CONTEXT);

        Map<String, Object> offset = SlotOffset.format(3, 10, 12, false, run);
        SlotOffset parsed = SlotOffset.parse(offset);

        // Connect's offset store takes primitive values only: collections travel as JSON text.
        assertThat(offset.get("context")).isInstanceOf(String.class);
        assertThat(parsed.run()).isEqualTo(run);
        assertThat(parsed.run().context()).isEqualTo(CONTEXT);
    }

    @Test
    void aRunWithoutContextStoresNoneAndOffsetsWrittenBeforeContextExistedReadAsNone() {
        TrackedRun run = new TrackedRun("run-1", "dzd_demo", "sales_glue", "token-1", "requests", 2, 41, "RUNNING",
                1_000L, null);

        Map<String, Object> offset = SlotOffset.format(3, 10, 12, false, run);

        assertThat(offset).doesNotContainKey("context");
        assertThat(SlotOffset.parse(offset).run().context()).isNull();
    }

    @Test
    void theOffsetOfARunsLastEventStoresNoContext() {
        TrackedRun run = new TrackedRun("run-1", "dzd_demo", "sales_glue", "token-1", "requests", 2, 41, "SUCCESS",
                1_000L, CONTEXT);

        assertThat(SlotOffset.format(3, 10, 12, true, run)).containsEntry("ended", true)
                .doesNotContainKey("context");
    }

    @Test
    void nullValuesInAStoredContextAreLeftOut() {
        TrackedRun run = new TrackedRun("run-1", "dzd_demo", "sales_glue", "token-1", "requests", 2, 41, "RUNNING",
                1_000L, CONTEXT);
        Map<String, Object> offset = new HashMap<>(SlotOffset.format(3, 10, 12, false, run));

        offset.put("context", "{\"dag\": null, \"task\": \"t\"}");
        assertThat(SlotOffset.parse(offset).run().context()).containsExactly(Map.entry("task", "t"));
        offset.put("context", "{\"dag\": null}");
        assertThat(SlotOffset.parse(offset).run().context()).isNull();
    }
}
