package io.kcdatazone.source;

import io.kcdatazone.datazone.RunSnapshot;
import java.util.Set;

/**
 * Where a status stands in a data source run's lifecycle, REQUESTED, then RUNNING, then a terminal status: what ends
 * the tracking of a run, and which observations are older than what was already published.
 */
final class RunLifecycle {

    private static final String REQUESTED = "REQUESTED";
    private static final Set<String> TERMINAL = Set.of("SUCCESS", "FAILED", "PARTIALLY_SUCCEEDED");
    private static final Set<String> IN_PROGRESS = Set.of(REQUESTED, "RUNNING");

    private RunLifecycle() {
    }

    /**
     * DataZone's terminal statuses end a run, and so does any status of a run that has a stop time: DataZone may add
     * statuses (the SDK passes unknown values through), and a run that stopped in one must not be tracked forever.
     */
    static boolean isTerminal(RunSnapshot run) {
        return TERMINAL.contains(run.status()) || run.stoppedAt() != null;
    }

    /** Whether {@code status} is one of the statuses DataZone documents for a run. */
    static boolean isKnown(String status) {
        return IN_PROGRESS.contains(status) || TERMINAL.contains(status);
    }

    /**
     * Whether {@code observed} lies before {@code published} in the lifecycle: a stale read (an answer from a replica
     * behind the one that answered before), never a real change, since no run goes back to REQUESTED. Publishing it
     * would put a run's statuses out of order. A terminal status is never published before a later one, as it ends
     * the tracking.
     */
    static boolean isStale(String published, String observed) {
        return REQUESTED.equals(observed) && published != null && !REQUESTED.equals(published);
    }
}
