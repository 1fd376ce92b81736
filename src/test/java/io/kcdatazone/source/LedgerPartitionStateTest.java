package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.config.DataSourceRunSourceConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LedgerPartitionStateTest {

    private static final String TOPIC = "ledger";

    private static TrackedRun run(String runId, String status) {
        return new TrackedRun(runId, "dzd_demo", "sales_glue", "token-" + runId, "requests", 2, 41L, status,
                1_772_445_600_000L);
    }

    @Test
    void anOffsetRestoresPositionTrackedRunsAndRecentIds() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 3);
        state.advancePast(41);
        state.track(run("run-a", "REQUESTED"));
        state.track(run("run-b", "RUNNING"));
        state.rememberPublished("result-1");
        state.finish("run-c");

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 3, state.toOffset());

        assertThat(restored.position()).isEqualTo(42);
        assertThat(restored.runs()).containsExactly(run("run-a", "REQUESTED"), run("run-b", "RUNNING"));
        assertThat(restored.run("run-b")).hasValueSatisfying(r -> {
            assertThat(r.lastStatus()).isEqualTo("RUNNING");
            assertThat(r.request().topic()).isEqualTo("requests");
            assertThat(r.request().offset()).isEqualTo(41L);
        });
        assertThat(restored.published("result-1")).isTrue();
        assertThat(restored.finished("run-c")).isTrue();
        assertThat(restored.finished("run-a")).isFalse();
        assertThat(restored.sourcePartition()).isEqualTo(Map.of("ledgerTopic", TOPIC, "ledgerPartition", 3));
    }

    @Test
    void anOffsetReadBackFromJsonWithLongNumbersIsAccepted() {
        // Connect's offset store hands numbers back as Long, whatever was written.
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.advancePast(6);
        Map<String, Object> offset = new HashMap<>(state.toOffset());
        offset.put("version", 1L);

        assertThat(LedgerPartitionState.fromOffset(TOPIC, 0, offset).position()).isEqualTo(7);
    }

    @Test
    void aTrackedRunKeepsWhenItsTrackingBeganAndAnOffsetWrittenBeforeThatFieldStillLoads() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.track(run("run-a", "RUNNING"));
        assertThat(LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset()).run("run-a"))
                .map(TrackedRun::trackedSinceMs).hasValue(1_772_445_600_000L);

        Map<String, Object> older = new HashMap<>(state.toOffset());
        older.put("runs", "[{\"r\":\"run-a\",\"d\":\"dzd_demo\",\"s\":\"sales_glue\",\"k\":\"token-a\","
                + "\"t\":\"requests\",\"p\":2,\"o\":41,\"l\":\"RUNNING\"}]");
        TrackedRun restored = LedgerPartitionState.fromOffset(TOPIC, 0, older).run("run-a").orElseThrow();

        assertThat(restored.trackedSinceMs()).isNull();
        assertThat(restored.lastStatus()).isEqualTo("RUNNING");
        assertThat(restored.trackedSince(5L).trackedSinceMs()).isEqualTo(5L);
    }

    @Test
    void noStoredOffsetStartsAtTheBeginningWithNothingTracked() {
        LedgerPartitionState state = LedgerPartitionState.fromOffset(TOPIC, 0, null);

        assertThat(state.position()).isZero();
        assertThat(state.runs()).isEmpty();
    }

    @Test
    void theRecentSetKeepsOnlyTheNewestIds() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        int total = LedgerPartitionState.RECENT_CAPACITY + 10;
        for (int i = 0; i < total; i++) {
            state.rememberPublished("id-" + i);
        }

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());

        assertThat(restored.published("id-9")).isFalse();
        assertThat(restored.published("id-10")).isTrue();
        assertThat(restored.published("id-" + (total - 1))).isTrue();
        assertThat((String) state.toOffset().get("recent")).hasSizeLessThan(LedgerPartitionState.RECENT_CAPACITY * 12);
    }

    @Test
    void theLargestDefaultOffsetFitsInOneRecordOfTheOffsetsTopic() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        String longestTopic = "t".repeat(249);
        String longestToken = "k".repeat(128);
        for (int i = 0; i < DataSourceRunSourceConfig.DEFAULT_MAX_TRACKED_RUNS; i++) {
            String id = String.format("%036d", i);
            state.track(new TrackedRun(id, "dzd_" + id.substring(4), id, longestToken, longestTopic,
                    Integer.MAX_VALUE, Long.MAX_VALUE, "PARTIALLY_SUCCEEDED", Long.MAX_VALUE));
        }
        for (int i = 0; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            state.rememberPublished(UUID.randomUUID().toString());
        }

        int size = state.toOffset().values().stream().mapToInt(value -> String.valueOf(value).length()).sum();

        assertThat(size).isLessThan(1_000_000);
    }

    @Test
    void rememberingAnIdAgainMakesItTheNewest() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.rememberPublished("first");
        for (int i = 1; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            state.rememberPublished("id-" + i);
        }
        state.rememberPublished("first");
        state.rememberPublished("newest");

        assertThat(state.published("first")).isTrue();
        assertThat(state.published("id-1")).isFalse();
    }

    @Test
    void finishingARunStopsTrackingIt() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.track(run("run-a", "RUNNING"));

        state.finish("run-a");

        assertThat(state.runs()).isEmpty();
        assertThat(state.finished("run-a")).isTrue();
    }

    @Test
    void thePositionNeverMovesBack() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.advancePast(10);
        state.advancePast(3);

        assertThat(state.position()).isEqualTo(11);
    }

    @Test
    void invalidOffsetsAreRefusedNamingTheField() {
        Map<String, Object> valid = new LedgerPartitionState(TOPIC, 0).toOffset();

        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "version", 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset field 'version' must be 1, got 7");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "position", -1)))
                .hasMessage("offset field 'position' must be a non-negative ledger offset, got -1");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "position", "12")))
                .hasMessage("offset field 'position' must be a non-negative ledger offset, got 12");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "runs", 5)))
                .hasMessage("offset field 'runs' must be a JSON string");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "runs", "[{\"d\":\"x\"}]")))
                .hasMessageStartingWith("offset field 'runs' is not valid: ");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "recent", "{")))
                .hasMessageStartingWith("offset field 'recent' is not valid: ");
    }

    private static Map<String, Object> with(Map<String, Object> offset, String field, Object value) {
        Map<String, Object> changed = new HashMap<>(offset);
        changed.put(field, value);
        return changed;
    }
}
