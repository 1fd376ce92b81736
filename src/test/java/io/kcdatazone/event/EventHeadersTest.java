package io.kcdatazone.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;
import org.junit.jupiter.api.Test;

/** The routing headers and the request's context on each kind of event, and the context field beside them. */
class EventHeadersTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:09Z");
    private static final RequestCoordinates REQUEST = new RequestCoordinates("requests", 4, 1234L);
    /** Ordered, as the ledger entry keeps it: the context headers follow the request's order. */
    private static final Map<String, String> CONTEXT = new LinkedHashMap<>();
    private static final DataSourceRef SOURCE = new DataSourceRef("dzd_demo", "sales_glue");

    private final DataSourceRunEvents events = new DataSourceRunEvents(false);

    static {
        CONTEXT.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        CONTEXT.put("dag", "harvest_sales");
    }

    private static RunSnapshot run(String status) {
        return new RunSnapshot("run-1", "dzd_demo", "sales_glue", "demo_project", status, "PRIORITIZED", NOW, NOW,
                null, NOW, null, null, null);
    }

    @Test
    void aRunStartedCarriesItsRequestsContextAndIsNeitherTerminalNorFailed() {
        Struct event = events.result(LedgerEntry.started(REQUEST, "token-1", run("REQUESTED"), null, NOW)
                .withContext(CONTEXT), NOW);
        event.validate();

        assertThat(event.getMap("context")).isEqualTo(CONTEXT);
        assertThat(text(EventHeaders.of(event, false))).containsExactly(
                Map.entry("datazone.eventType", "RUN_STARTED"), Map.entry("datazone.status", "REQUESTED"),
                Map.entry("datazone.terminal", "false"), Map.entry("datazone.domainId", "dzd_demo"),
                Map.entry("datazone.dataSourceId", "sales_glue"),
                Map.entry("traceparent", CONTEXT.get("traceparent")), Map.entry("dag", "harvest_sales"));
    }

    /** A client token DataZone knew: its run had already ended, so the RUN_STARTED is the request's last event. */
    @Test
    void aRunStartedOfAnEndedRunIsTerminalAndFailedUnlessItSucceeded() {
        Struct failed = events.result(LedgerEntry.started(REQUEST, "token-1", run("FAILED"), null, NOW), NOW);
        Struct succeeded = events.result(LedgerEntry.started(REQUEST, "token-1", run("SUCCESS"), null, NOW), NOW);

        assertThat(text(EventHeaders.of(failed, true))).containsEntry("datazone.eventType", "RUN_STARTED")
                .containsEntry("datazone.terminal", "true").containsEntry("datazone.failed", "true");
        assertThat(text(EventHeaders.of(succeeded, true))).containsEntry("datazone.terminal", "true")
                .doesNotContainKey("datazone.failed");
    }

    @Test
    void aRequestWithoutContextGetsNoContextFieldAndNoContextHeaders() {
        Struct event = events.result(LedgerEntry.started(REQUEST, "token-1", run("REQUESTED"), null, NOW), NOW);

        assertThat(event.get("context")).isNull();
        assertThat(text(EventHeaders.of(event, false))).allSatisfy((name, value) ->
                assertThat(name).startsWith(EventHeaders.PREFIX));
    }

    @Test
    void aRunStartFailedIsATerminalFailureEvenWithoutADataSource() {
        Struct event = events.result(LedgerEntry.failed(REQUEST, null, null, null,
                new RunError("VALIDATION_EXCEPTION", "the record has no key"), null, NOW).withContext(CONTEXT), NOW);

        assertThat(event.getMap("context")).isEqualTo(CONTEXT);
        assertThat(text(EventHeaders.of(event, true))).containsEntry("datazone.eventType", "RUN_START_FAILED")
                .containsEntry("datazone.terminal", "true").containsEntry("datazone.failed", "true")
                .containsEntry("traceparent", CONTEXT.get("traceparent"))
                .doesNotContainKeys("datazone.status", "datazone.domainId", "datazone.dataSourceId");
    }

    @Test
    void onlyARunsLastEventIsTerminalAndOnlyAnUnsuccessfulOneFailed() {
        Struct running = DataSourceRunEvents.withContext(events.statusChanged("token-1", REQUEST, run("RUNNING"),
                "REQUESTED", NOW), CONTEXT);
        Struct success = events.statusChanged("token-1", REQUEST, run("SUCCESS"), "RUNNING", NOW);
        Struct partial = events.statusChanged("token-1", REQUEST, run("PARTIALLY_SUCCEEDED"), "RUNNING", NOW);
        Struct vanished = DataSourceRunEvents.withContext(events.vanished("token-1", REQUEST, SOURCE, "run-1",
                "RUNNING", "not found", NOW), CONTEXT);
        Struct stopped = events.trackingStopped("token-1", REQUEST, SOURCE, "run-1", "RUNNING", "limit", NOW);

        assertThat(running.getMap("context")).isEqualTo(CONTEXT);
        assertThat(text(EventHeaders.of(running, false))).containsEntry("datazone.terminal", "false")
                .containsEntry("dag", "harvest_sales").doesNotContainKey("datazone.failed");
        assertThat(text(EventHeaders.of(success, true))).containsEntry("datazone.status", "SUCCESS")
                .containsEntry("datazone.terminal", "true").doesNotContainKey("datazone.failed");
        assertThat(text(EventHeaders.of(partial, true))).containsEntry("datazone.failed", "true");
        assertThat(text(EventHeaders.of(vanished, true))).containsEntry("datazone.eventType", "RUN_VANISHED")
                .containsEntry("datazone.failed", "true").containsEntry("traceparent", CONTEXT.get("traceparent"));
        assertThat(text(EventHeaders.of(stopped, true))).containsEntry("datazone.failed", "true");
    }

    private static Map<String, String> text(Headers headers) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Header header : headers) {
            text.put(header.key(), (String) header.value());
        }
        return text;
    }
}
