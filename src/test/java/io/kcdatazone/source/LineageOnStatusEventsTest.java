package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.LineageSummary;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;

/**
 * Events are per run status: the lineage import status rides on the status events as observed with them, and a change
 * of it alone publishes nothing and writes no offset.
 */
class LineageOnStatusEventsTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final DataSourceRef SOURCE = new DataSourceRef("dzd_demo", "sales_glue");

    private final RunTracker tracker = RunTracker.restore("ledger", List.of(0), 10, Long.MAX_VALUE / 2,
            partitions -> Map.of(), new MockTime());

    @Test
    void aLineageChangeAloneIsNoEventAndTheTerminalEventCarriesTheLatestLineageStatus() {
        RunTracker.Offer started = tracker.offer(0, 0, LedgerEntry.started(new RequestCoordinates("requests", 0, 5),
                "token-1", run("REQUESTED", null), null, NOW), "result-1");
        tracker.acknowledged(started.result());

        List<Emission> running = observe(run("RUNNING", "IN_PROGRESS"));
        List<Emission> lineageOnly = observe(run("RUNNING", "FAILED"));
        List<Emission> ended = observe(run("SUCCESS", "SUCCESS"));

        assertThat(running).singleElement().satisfies(emission -> {
            assertThat(emission.snapshot().lineageSummary().importStatus()).isEqualTo("IN_PROGRESS");
            // A restart re-reads the run from DataZone: the lineage status is no part of the offsets.
            assertThat(emission.sourceOffset().toString()).doesNotContain("IN_PROGRESS").doesNotContain("lineage");
        });
        assertThat(lineageOnly).isEmpty();
        assertThat(ended).singleElement().satisfies(emission ->
                assertThat(emission.snapshot().lineageSummary().importStatus()).isEqualTo("SUCCESS"));
    }

    private List<Emission> observe(RunSnapshot snapshot) {
        List<Emission> emissions = tracker.observe(SOURCE, Map.of(snapshot.id(), RunObservation.of(snapshot)))
                .emissions();
        emissions.forEach(tracker::acknowledged);
        return emissions;
    }

    private static RunSnapshot run(String status, String lineageImportStatus) {
        boolean ended = "SUCCESS".equals(status);
        return new RunSnapshot("run-1", SOURCE.domainId(), SOURCE.dataSourceId(), "project", status, "PRIORITIZED",
                NOW, NOW, ended ? NOW : null, NOW, null, null, null,
                lineageImportStatus == null ? null : new LineageSummary(lineageImportStatus));
    }
}
