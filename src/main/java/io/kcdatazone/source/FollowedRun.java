package io.kcdatazone.source;

import java.util.Arrays;

/**
 * A run a ledger partition's state follows: its {@link TrackedRun} (last published status included), the slot whose
 * offset stores it (or none: a run restored from a format 1 offset, stored in the ledger partition's own offset), and
 * the ledger entries that revealed it, which it holds back from the low until its last event is acknowledged.
 */
final class FollowedRun {

    private static final int NO_SLOT = -1;

    private final LedgerPartitionState state;
    private TrackedRun run;
    private int slot;
    /** Usually one; a second outcome of the request adds its own. */
    private long[] entries;
    private boolean ended;
    private boolean endAcknowledged;

    FollowedRun(LedgerPartitionState state, TrackedRun run, int slot, long entry) {
        this.state = state;
        this.run = run;
        this.slot = slot;
        this.entries = new long[] {entry};
    }

    /** A run of a format 1 offset: no slot, no entry (its ledger entry is below the position that offset stored). */
    static FollowedRun fromFormatOne(LedgerPartitionState state, TrackedRun run) {
        FollowedRun followed = new FollowedRun(state, run, NO_SLOT, 0);
        followed.entries = new long[0];
        return followed;
    }

    LedgerPartitionState state() {
        return state;
    }

    TrackedRun run() {
        return run;
    }

    String runId() {
        return run.runId();
    }

    void published(TrackedRun updated) {
        run = updated;
    }

    boolean hasSlot() {
        return slot != NO_SLOT;
    }

    int slot() {
        return slot;
    }

    /** From now on the ledger partition's own offset stores the run (see {@link LedgerPartitionState#readFrom}). */
    void moveToPartitionOffset() {
        slot = NO_SLOT;
        entries = new long[0];
    }

    long[] entries() {
        return entries;
    }

    /** Answers whether {@code entry} is new to the run. */
    boolean addEntry(long entry) {
        for (long known : entries) {
            if (known == entry) {
                return false;
            }
        }
        entries = Arrays.copyOf(entries, entries.length + 1);
        entries[entries.length - 1] = entry;
        return true;
    }

    /** The largest ledger offset of an entry that revealed the run, -1 for none. */
    long lastEntry() {
        return Arrays.stream(entries).max().orElse(-1);
    }

    boolean ended() {
        return ended;
    }

    void end() {
        ended = true;
    }

    /** Whether the run's last event is acknowledged: then its slot waits only for the low to pass its entries. */
    boolean endAcknowledged() {
        return endAcknowledged;
    }

    void endAcknowledged(boolean acknowledged) {
        endAcknowledged = acknowledged;
    }

    @Override
    public String toString() {
        return run.toString();
    }
}
