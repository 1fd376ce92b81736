package io.kcdatazone.source;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerEntry;
import java.util.Map;

/**
 * An event the state decided to publish, with the Connect source partition and offset it is to carry. The task turns
 * it into a record and hands it back to {@link RunTracker#acknowledged} once Connect acknowledges that record: only
 * acknowledged events move what a restart may skip (the ledger partition's low).
 */
final class Emission {

    private final EventType type;
    private final LedgerPartitionState state;
    private final Map<String, Object> sourcePartition;
    private final Map<String, Object> sourceOffset;
    private final LedgerEntry entry;
    private final long ledgerOffset;
    private final FollowedRun followed;
    private final TrackedRun before;
    private final RunSnapshot snapshot;
    private final String detail;
    private final boolean endsRun;

    private Emission(EventType type, LedgerPartitionState state, Map<String, Object> sourcePartition,
                     Map<String, Object> sourceOffset, LedgerEntry entry, long ledgerOffset, FollowedRun followed,
                     TrackedRun before, RunSnapshot snapshot, String detail, boolean endsRun) {
        this.type = type;
        this.state = state;
        this.sourcePartition = sourcePartition;
        this.sourceOffset = sourceOffset;
        this.entry = entry;
        this.ledgerOffset = ledgerOffset;
        this.followed = followed;
        this.before = before;
        this.snapshot = snapshot;
        this.detail = detail;
        this.endsRun = endsRun;
    }

    /** The result event (RUN_STARTED or RUN_START_FAILED) of the entry at {@code ledgerOffset}. */
    static Emission result(LedgerPartitionState state, Map<String, Object> sourcePartition,
                           Map<String, Object> sourceOffset, LedgerEntry entry, long ledgerOffset) {
        EventType type = entry.outcome() == LedgerEntry.Outcome.RUN_STARTED ? EventType.RUN_STARTED
                : EventType.RUN_START_FAILED;
        return new Emission(type, state, sourcePartition, sourceOffset, entry, ledgerOffset, null, null, null, null,
                false);
    }

    /**
     * An event of a followed run: a status change ({@code snapshot}), or its end without one ({@code detail}).
     *
     * @param before the run as it was before this event
     * @param endsRun whether it is the run's last event
     */
    static Emission ofRun(EventType type, Map<String, Object> sourcePartition, Map<String, Object> sourceOffset,
                          FollowedRun followed, TrackedRun before, RunSnapshot snapshot, String detail,
                          boolean endsRun) {
        return new Emission(type, followed.state(), sourcePartition, sourceOffset, null, -1, followed, before,
                snapshot, detail, endsRun);
    }

    EventType type() {
        return type;
    }

    LedgerPartitionState state() {
        return state;
    }

    Map<String, Object> sourcePartition() {
        return sourcePartition;
    }

    Map<String, Object> sourceOffset() {
        return sourceOffset;
    }

    /** The outcome entry of a result event. */
    LedgerEntry entry() {
        return entry;
    }

    /** The ledger offset of a result event's entry, -1 for run events. */
    long ledgerOffset() {
        return ledgerOffset;
    }

    /** The run of a run event, null for results. */
    FollowedRun followed() {
        return followed;
    }

    /** The run as it was before a run event: its last status is the event's previous status. */
    TrackedRun before() {
        return before;
    }

    /** What DataZone answered, for a status change. */
    RunSnapshot snapshot() {
        return snapshot;
    }

    /** Why the run ended without a terminal status: DataZone's not-found answer, or the tracking time limit. */
    String detail() {
        return detail;
    }

    /** The record key: the client token of the request (for a run: of the request that revealed it). */
    String key() {
        return entry != null ? entry.clientToken() : before.clientToken();
    }

    /** Whether this is the last event of its run. */
    boolean endsRun() {
        return endsRun;
    }

    /**
     * Whether this is the last event of its request and its run: what the routing headers call terminal. A RUN_STARTED
     * whose run had already ended when the sink started it (a client token DataZone knew) is one: the source does not
     * follow that run, so no event comes after it.
     */
    boolean terminal() {
        return type == EventType.RUN_START_FAILED || endsRun
                || type == EventType.RUN_STARTED && RunLifecycle.isTerminal(entry.run());
    }
}
