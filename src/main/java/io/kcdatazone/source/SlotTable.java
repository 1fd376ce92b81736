package io.kcdatazone.source;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which run slots of one ledger partition are in use. A slot is taken when its run starts being followed, and stays
 * taken after the run ended until the ledger partition's acknowledged low passes every entry that revealed the run:
 * until then a restart replays those entries and must find the run's slot to know it ended. Slots are handed out
 * lowest first, so the slot keys stay few (as many as runs were in use at once, at most the limit) and a restart
 * reads them all.
 *
 * <p>Slots written by an older generation (see {@link SlotOffset}) are <em>foreign</em> until the ledger partition's
 * offset of the new generation is stored: overwriting one earlier could lose a run that a restart from the older
 * offset still needs.
 */
final class SlotTable {

    private final int limit;
    private final BitSet taken = new BitSet();
    private final BitSet foreign = new BitSet();
    /** Free slots a replay may still need as they are: not reused until {@link #releaseKept()}. */
    private final BitSet kept = new BitSet();
    /** Slots of ended runs, by the largest entry that revealed the run: free once the low passes it. */
    private final TreeMap<Long, List<Integer>> heldUntil = new TreeMap<>();
    private int inUse;
    private int highWater;

    /** @param limit the most slots in use at once (foreign ones not counted) */
    SlotTable(int limit) {
        this.limit = limit;
    }

    /** Whether a run could start being followed now. */
    boolean hasRoom() {
        return inUse < limit;
    }

    /** Takes the lowest free slot for a run; past the limit too (a run resumed after a restart must get one). */
    int take() {
        int slot = taken.nextClearBit(0);
        while (foreign.get(slot) || kept.get(slot)) {
            slot = taken.nextClearBit(slot + 1);
        }
        occupy(slot);
        return slot;
    }

    /** The stored offsets put a run (followed, or ended and held) in {@code slot}. */
    void occupy(int slot) {
        kept.clear(slot);
        taken.set(slot);
        inUse++;
        highWater = Math.max(highWater, slot + 1);
    }

    /** A slot written in an older generation: not reused until {@link #releaseForeign()}. */
    void markForeign(int slot) {
        if (!taken.get(slot)) {
            foreign.set(slot);
            highWater = Math.max(highWater, slot + 1);
        }
    }

    void releaseForeign() {
        foreign.clear();
    }

    /**
     * A free slot whose stored run ended below the restored low: until the replay of the entries taken before the
     * restart is over, one of them may reveal that run again (a second outcome), and must find it there.
     */
    void keep(int slot) {
        kept.set(slot);
        highWater = Math.max(highWater, slot + 1);
    }

    void releaseKept() {
        kept.clear();
    }

    /** A new generation: every slot in use is foreign to it (mark them first), none is in use. */
    void startOver() {
        foreign.or(taken);
        taken.clear();
        kept.clear();
        heldUntil.clear();
        inUse = 0;
    }

    /** The run in {@code slot} ended: the slot is free once the low passes {@code lastEntry}. */
    void holdUntilLowPasses(int slot, long lastEntry) {
        heldUntil.computeIfAbsent(lastEntry, entry -> new ArrayList<>(1)).add(slot);
    }

    /** A later entry revealed the ended run of {@code slot}: it is held until the low passes that one too. */
    void holdLonger(int slot, long lastEntry, long laterEntry) {
        List<Integer> slots = heldUntil.get(lastEntry);
        if (slots != null && slots.remove((Integer) slot)) {
            if (slots.isEmpty()) {
                heldUntil.remove(lastEntry);
            }
            holdUntilLowPasses(slot, laterEntry);
        }
    }

    /** Frees the held slots whose runs' entries are all below {@code low}; answers them. */
    List<Integer> freeBelow(long low) {
        NavigableMap<Long, List<Integer>> passed = heldUntil.headMap(low, false);
        if (passed.isEmpty()) {
            return List.of();
        }
        List<Integer> freed = new ArrayList<>();
        for (Iterator<Map.Entry<Long, List<Integer>>> it = passed.entrySet().iterator(); it.hasNext(); ) {
            for (int slot : it.next().getValue()) {
                taken.clear(slot);
                inUse--;
                freed.add(slot);
            }
            it.remove();
        }
        return freed;
    }

    /** One past the highest slot ever used: a restart reads at least this many slot keys. */
    int highWater() {
        return highWater;
    }

    int inUse() {
        return inUse;
    }
}
