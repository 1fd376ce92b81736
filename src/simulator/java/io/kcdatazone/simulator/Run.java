package io.kcdatazone.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A data source run. Immutable: its status is a function of time, computed by {@link #stateAt(Instant)}, so the
 * lifecycle advances exactly with the simulator's clock and needs no background thread.
 *
 * @param sequence the store-wide creation order, used for newest-first listing and stable paging
 * @param id the run id
 * @param domainId the domain
 * @param projectId the project owning the data source
 * @param dataSourceId the data source
 * @param clientToken the idempotency token the run was started with, or null if none was sent
 * @param createdAt when StartDataSourceRun created the run
 * @param requestedFor how long the run stays REQUESTED
 * @param runningFor how long the run stays RUNNING
 * @param outcome the terminal status the run reaches
 * @param type how the run was started
 * @param assets how many assets end in each status, reported at the terminal state
 * @param error the error reported at a FAILED or PARTIALLY_SUCCEEDED terminal state
 * @param script scripted behaviour of this run, including its lineage import
 * @param configurationSnapshot the {@code dataSourceConfigurationSnapshot} (JSON text)
 */
record Run(long sequence, String id, String domainId, String projectId, String dataSourceId, String clientToken,
        RunType type, Instant createdAt, Duration requestedFor, Duration runningFor, Outcome outcome,
        AssetCounts assets, RunError error, RunScript script, String configurationSnapshot) {

    RunState stateAt(Instant now) {
        Instant startedAt = createdAt.plus(requestedFor);
        Instant stoppedAt = startedAt.plus(runningFor);
        if (now.isBefore(stoppedAt) && (script.skipRunning() || now.isBefore(startedAt))) {
            return new RunState("REQUESTED", true, Optional.empty(), Optional.empty(), createdAt, Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
        if (now.isBefore(stoppedAt)) {
            return new RunState("RUNNING", true, Optional.of(startedAt), Optional.empty(), startedAt, Optional.empty(),
                    Optional.empty(), lineageAt(now, stoppedAt));
        }
        Optional<RunError> reportedError = outcome == Outcome.SUCCESS ? Optional.empty() : Optional.of(error);
        return new RunState(script.terminalStatus().orElse(outcome.name()), false,
                Optional.of(script.skipRunning() ? stoppedAt : startedAt), Optional.of(stoppedAt), stoppedAt,
                Optional.of(assets.statistics()), reportedError, lineageAt(now, stoppedAt));
    }

    /** The lineage import status at {@code now}, once the run is RUNNING: in progress until it settles. */
    private Optional<Lineage.ImportStatus> lineageAt(Instant now, Instant stoppedAt) {
        return script.lineage().map(lineage -> now.isBefore(stoppedAt.plus(lineage.lag()))
                ? Lineage.ImportStatus.IN_PROGRESS : lineage.finalStatus());
    }
}
