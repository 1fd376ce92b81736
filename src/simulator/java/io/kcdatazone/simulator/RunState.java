package io.kcdatazone.simulator;

import java.time.Instant;
import java.util.Optional;

/**
 * What a run looks like at one instant: its status and the fields that change with it.
 *
 * @param status the status string as sent on the wire
 * @param inProgress whether the run is REQUESTED or RUNNING
 * @param startedAt when the run started, once it has
 * @param stoppedAt when the run stopped, once it has
 * @param updatedAt the time of the latest transition
 * @param statistics the asset counts, once the run is terminal
 * @param error the error message of a failed or partially successful run, once it is terminal
 * @param lineage the lineage import status, once the run is RUNNING, if the run imports lineage
 */
record RunState(String status, boolean inProgress, Optional<Instant> startedAt, Optional<Instant> stoppedAt,
        Instant updatedAt, Optional<RunStatistics> statistics, Optional<RunError> error,
        Optional<Lineage.ImportStatus> lineage) {
}
