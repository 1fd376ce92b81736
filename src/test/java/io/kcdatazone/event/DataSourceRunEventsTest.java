package io.kcdatazone.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.LineageSummary;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class DataSourceRunEventsTest {

    private static final Instant CREATED = Instant.parse("2026-03-02T10:00:00.123Z");
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:09Z");
    private static final RequestCoordinates REQUEST = new RequestCoordinates("requests", 4, 1234L);

    private final DataSourceRunEvents events = new DataSourceRunEvents(false);

    private static RunSnapshot run(String status, RunError error, RunStatistics stats, Instant stoppedAt) {
        return new RunSnapshot("run-1", "dzd_demo", "sales_glue", "demo_project", status, "PRIORITIZED", CREATED,
                CREATED.plusSeconds(2), stoppedAt, CREATED.plusSeconds(3), error, stats, "{\"glue\":{}}");
    }

    private static LedgerEntry started() {
        return LedgerEntry.started(REQUEST, "token-1", run("REQUESTED", null, null, null), "req-1", NOW);
    }

    @Test
    void aStartedRunBecomesRunStartedWithTheRequestAndTheRun() {
        Struct event = events.result(started(), NOW);
        event.validate();

        assertThat(event.getString("eventType")).isEqualTo("RUN_STARTED");
        assertThat(event.get("eventTime")).isEqualTo(Date.from(NOW));
        assertThat(event.getString("clientToken")).isEqualTo("token-1");
        assertThat(event.getString("requestTopic")).isEqualTo("requests");
        assertThat(event.getInt32("requestPartition")).isEqualTo(4);
        assertThat(event.getInt64("requestOffset")).isEqualTo(1234L);
        assertThat(event.getString("domainId")).isEqualTo("dzd_demo");
        assertThat(event.getString("dataSourceId")).isEqualTo("sales_glue");
        assertThat(event.getString("projectId")).isEqualTo("demo_project");
        assertThat(event.getString("runId")).isEqualTo("run-1");
        assertThat(event.getString("status")).isEqualTo("REQUESTED");
        assertThat(event.getString("type")).isEqualTo("PRIORITIZED");
        assertThat(event.get("createdAt")).isEqualTo(Date.from(CREATED));
        assertThat(event.get("startedAt")).isEqualTo(Date.from(CREATED.plusSeconds(2)));
        assertThat(event.get("stoppedAt")).isNull();
        assertThat(event.getString("previousStatus")).isNull();
        assertThat(event.get("errorMessage")).isNull();
        assertThat(event.get("dataSourceConfigurationSnapshot")).isNull();
    }

    @Test
    void aVanishedRunGetsALastEventNamingTheRunItsLastStatusAndDataZonesAnswer() {
        DataSourceRef source = new DataSourceRef("dzd_demo", "sales_glue");
        Struct event = events.vanished("token-1", REQUEST, source, "run-1", "RUNNING", "not found (request id r-9)",
                NOW);
        event.validate();

        assertThat(event.getString("eventType")).isEqualTo("RUN_VANISHED");
        assertThat(event.getString("runId")).isEqualTo("run-1");
        assertThat(event.getString("dataSourceId")).isEqualTo("sales_glue");
        assertThat(event.getString("previousStatus")).isEqualTo("RUNNING");
        assertThat(event.getString("status")).isNull();
        assertThat(event.getInt64("requestOffset")).isEqualTo(1234L);
        assertThat(event.getStruct("errorMessage").getString("errorType")).isEqualTo("RESOURCE_NOT_FOUND_EXCEPTION");
        assertThat(event.getStruct("errorMessage").getString("errorDetail")).contains("r-9");
        // named by the run alone, so a repeat after a crash carries the same id
        assertThat(event.getString("eventId")).isEqualTo(events.vanished("token-1", REQUEST, source, "run-1",
                "REQUESTED", "another answer", NOW.plusSeconds(5)).getString("eventId"));
    }

    @Test
    void aFailedStartBecomesRunStartFailedWithTheError() {
        LedgerEntry failed = LedgerEntry.failed(REQUEST, "token-2", "dzd_demo", "no_such_source",
                new RunError("RESOURCE_NOT_FOUND_EXCEPTION", "Data source no_such_source not found"), "req-2", NOW);

        Struct event = events.result(failed, NOW);
        event.validate();

        assertThat(event.getString("eventType")).isEqualTo("RUN_START_FAILED");
        assertThat(event.getString("dataSourceId")).isEqualTo("no_such_source");
        assertThat(event.getString("runId")).isNull();
        assertThat(event.getString("status")).isNull();
        Struct error = event.getStruct("errorMessage");
        assertThat(error.getString("errorType")).isEqualTo("RESOURCE_NOT_FOUND_EXCEPTION");
        assertThat(error.getString("errorDetail")).isEqualTo("Data source no_such_source not found");
    }

    @Test
    void aTerminalStatusCarriesStatisticsErrorAndPreviousStatus() {
        RunSnapshot ended = run("PARTIALLY_SUCCEEDED", new RunError("ACCESS_DENIED_EXCEPTION", "no access"),
                new RunStatistics(3, 1, 0, 2, 4), CREATED.plusSeconds(7));

        Struct event = events.statusChanged("token-1", REQUEST, ended, "RUNNING", NOW);
        event.validate();

        assertThat(event.getString("eventType")).isEqualTo("RUN_STATUS_CHANGED");
        assertThat(event.getString("status")).isEqualTo("PARTIALLY_SUCCEEDED");
        assertThat(event.getString("previousStatus")).isEqualTo("RUNNING");
        assertThat(event.get("stoppedAt")).isEqualTo(Date.from(CREATED.plusSeconds(7)));
        assertThat(event.getStruct("errorMessage").getString("errorType")).isEqualTo("ACCESS_DENIED_EXCEPTION");
        Struct stats = event.getStruct("runStatisticsForAssets");
        assertThat(stats.getInt32("added")).isEqualTo(3);
        assertThat(stats.getInt32("failed")).isEqualTo(1);
        assertThat(stats.getInt32("skipped")).isEqualTo(0);
        assertThat(stats.getInt32("unchanged")).isEqualTo(2);
        assertThat(stats.getInt32("updated")).isEqualTo(4);
        assertThat(event.getInt64("requestOffset")).isEqualTo(1234L);
    }

    @Test
    void aStatusChangeCarriesTheLineageImportStatusAsObservedAndARunWithoutLineageNone() {
        RunSnapshot plain = run("RUNNING", null, null, null);
        Struct importing = events.statusChanged("token-1", REQUEST, withLineage(plain, "IN_PROGRESS"), "REQUESTED",
                NOW);
        Struct newerValue = events.statusChanged("token-1", REQUEST, withLineage(plain, "CANCELLED"), "REQUESTED",
                NOW);
        Struct without = events.statusChanged("token-1", REQUEST, plain, "REQUESTED", NOW);
        importing.validate();

        assertThat(importing.getStruct("lineageSummary").getString("importStatus")).isEqualTo("IN_PROGRESS");
        // A string, as DataZone sent it: a value newer than the SDK is passed on, not dropped.
        assertThat(newerValue.getStruct("lineageSummary").getString("importStatus")).isEqualTo("CANCELLED");
        assertThat(without.get("lineageSummary")).isNull();
        // The event reports the run's status; the lineage status is what was seen with it, not part of its name.
        assertThat(importing.getString("eventId")).isEqualTo(without.getString("eventId"));
    }

    private static RunSnapshot withLineage(RunSnapshot run, String importStatus) {
        return new RunSnapshot(run.id(), run.domainId(), run.dataSourceId(), run.projectId(), run.status(),
                run.type(), run.createdAt(), run.startedAt(), run.stoppedAt(), run.updatedAt(), run.errorMessage(),
                run.runStatisticsForAssets(), run.dataSourceConfigurationSnapshot(), new LineageSummary(importStatus));
    }

    @Test
    void theSnapshotIsIncludedOnlyWhenConfigured() {
        Struct with = new DataSourceRunEvents(true).result(started(), NOW);

        assertThat(with.getString("dataSourceConfigurationSnapshot")).isEqualTo("{\"glue\":{}}");
    }

    @Test
    void eventIdsNameWhatIsReportedNotWhenItWasSeen() {
        Instant later = NOW.plusSeconds(3600);
        String result = events.result(started(), NOW).getString("eventId");
        String running = events.statusChanged("token-1", REQUEST, run("RUNNING", null, null, null), "REQUESTED", NOW)
                .getString("eventId");

        assertThat(events.result(started(), later).getString("eventId")).isEqualTo(result);
        assertThat(events.statusChanged("token-1", REQUEST, run("RUNNING", null, null, null), "REQUESTED", later)
                .getString("eventId")).isEqualTo(running);
        assertThat(UUID.fromString(result).version()).isEqualTo(3);
    }

    @Test
    void eventIdsDifferForDifferentRequestsStatusesAndRuns() {
        String result = events.result(started(), NOW).getString("eventId");
        LedgerEntry otherRequest = LedgerEntry.started(new RequestCoordinates("requests", 4, 1235L), "token-1",
                run("REQUESTED", null, null, null), "req-1", NOW);
        String running = events.statusChanged("token-1", REQUEST, run("RUNNING", null, null, null), "REQUESTED", NOW)
                .getString("eventId");
        String success = events.statusChanged("token-1", REQUEST, run("SUCCESS", null, null, null), "RUNNING", NOW)
                .getString("eventId");
        RunSnapshot otherRun = new RunSnapshot("run-2", "dzd_demo", "sales_glue", "demo_project", "RUNNING", null,
                CREATED, null, null, null, null, null, null);
        String otherRunning = events.statusChanged("token-1", REQUEST, otherRun, "REQUESTED", NOW)
                .getString("eventId");

        assertThat(java.util.List.of(result, events.result(otherRequest, NOW).getString("eventId"), running,
                success, otherRunning)).doesNotHaveDuplicates();
    }
}
