package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunLifecycleTest {

    private static RunSnapshot run(String status, Instant stoppedAt) {
        Instant created = Instant.parse("2026-03-02T10:00:00Z");
        return new RunSnapshot("run-1", "dzd_demo", "sales_glue", "demo_project", status, "PRIORITIZED", created,
                created, stoppedAt, created, null, null, null);
    }

    @Test
    void knownTerminalStatusesAndAnyStatusWithAStopTimeEndARun() {
        assertThat(RunLifecycle.isTerminal(run("SUCCESS", null))).isTrue();
        assertThat(RunLifecycle.isTerminal(run("PARTIALLY_SUCCEEDED", null))).isTrue();
        assertThat(RunLifecycle.isTerminal(run("FAILED", null))).isTrue();
        assertThat(RunLifecycle.isTerminal(run("CANCELLED", Instant.parse("2026-03-02T10:05:00Z")))).isTrue();
        assertThat(RunLifecycle.isTerminal(run("CANCELLED", null))).isFalse();
        assertThat(RunLifecycle.isTerminal(run("RUNNING", null))).isFalse();
        assertThat(RunLifecycle.isTerminal(run("REQUESTED", null))).isFalse();
    }

    @Test
    void requestedAfterAnyLaterStatusIsAStaleRead() {
        assertThat(RunLifecycle.isStale("RUNNING", "REQUESTED")).isTrue();
        assertThat(RunLifecycle.isStale("SOME_NEW_STATUS", "REQUESTED")).isTrue();
    }

    @Test
    void forwardChangesAndFirstObservationsAreNotStale() {
        assertThat(RunLifecycle.isStale(null, "REQUESTED")).isFalse();
        assertThat(RunLifecycle.isStale("REQUESTED", "REQUESTED")).isFalse();
        assertThat(RunLifecycle.isStale("REQUESTED", "RUNNING")).isFalse();
        assertThat(RunLifecycle.isStale("REQUESTED", "SUCCESS")).isFalse();
        assertThat(RunLifecycle.isStale("RUNNING", "FAILED")).isFalse();
    }
}
