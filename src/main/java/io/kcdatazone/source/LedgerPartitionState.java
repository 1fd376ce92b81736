package io.kcdatazone.source;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.ProgressMark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a source task has published for one ledger partition, and how a restart finds it again in Connect's source
 * offsets, at a cost per event that does not grow with the runs followed (docs/design/source-state.md).
 *
 * <p>Two kinds of source partition carry it. The ledger partition's own ({@link PartitionOffset}), on every result
 * event: the next entry to take, which requests have their result out ({@link PublishedResults}), and the
 * <em>low</em>: every entry below it is done, its result and the last event of the run it revealed acknowledged. And
 * one per run slot ({@link SlotOffset}), on every status event of the run in the slot: that run and its last status.
 * The low moves only on acknowledgements (Connect's {@code commitRecord}), never on emission: at-least-once commits
 * each source partition's acknowledged prefix independently, so a low moved on emission could be stored while the run's
 * last event was never delivered. Because an acknowledged low is a fact about delivered events, every record carries
 * the low of when it was made, and a restart takes the highest low it finds.
 *
 * <p>A restart reads the ledger partition's offset and every slot, takes the runs the slots hold, and replays the
 * ledger from the low: entries below the stored position publish nothing again (their results are out) but rebuild
 * what no offset holds, the runs whose first status event never got stored (only their result was). A slot is reused
 * only after the low passed every entry of its last run, so the replay always finds the slot of a run that ended.
 *
 * <p>Not thread-safe: the task's polling thread alone calls it.
 */
final class LedgerPartitionState {

    /** How many ended runs each ledger partition remembers in memory (never stored) to drop stale second outcomes. */
    static final int RECENTLY_ENDED_CAPACITY = 1_024;
    /** How many slot keys one read of the stored offsets asks for. */
    static final int SLOT_READ_CHUNK = 1_000;
    /** How format 1 offsets named an ended run among result event ids in {@code recent}. */
    private static final String ENDED_MARKER = "run:";

    private final String ledgerTopic;
    private final int partition;
    private final Map<String, Object> sourcePartition;
    private final PublishedResults results;
    private final SlotTable slots;
    /** Entries not done yet, with how many things (their result, the runs they revealed) still hold them. */
    private final TreeMap<Long, Integer> holds = new TreeMap<>();
    /** Runs followed, by run id. */
    private final Map<String, FollowedRun> runs = new HashMap<>();
    /** Runs followed without a slot (restored from a format 1 offset): the ledger partition's own offset holds them. */
    private final Map<String, FollowedRun> runsInPartitionOffset = new LinkedHashMap<>();
    /** Runs in slots, followed or ended and waiting for the low to pass their entries, by slot. */
    private final Map<Integer, FollowedRun> slotRuns = new HashMap<>();
    /** Ended runs whose slot is still held, by run id: an entry that reveals one again follows nothing. */
    private final Map<String, FollowedRun> endedInSlots = new HashMap<>();
    /**
     * Ended runs whose slot is free but not reused yet, so it still stores them: by slot, and by run id (an entry that
     * reveals one again takes its slot back until the low passes that entry, so a replay of it finds the run ended).
     */
    private final Map<Integer, FollowedRun> freeSlotContents = new HashMap<>();
    private final Map<String, FollowedRun> inFreeSlots = new HashMap<>();
    private final LinkedHashSet<String> recentlyEnded = new LinkedHashSet<>();
    private long generation;
    /** Whether an offset of this generation is stored: then slots written by older generations may be reused. */
    private boolean generationStored;
    /** The next ledger offset to take. */
    private long readCursor;
    /** Entries below it were taken before the restart: their results are out, and replaying them publishes nothing. */
    private long replayUntil;
    /** Entries below it were done before the restart. */
    private long replayLow;
    /** Entries from here on are not in the stored {@code progress} yet: a replay adds them. */
    private long resultsStoredUntil;
    private boolean fromLogStart;

    private LedgerPartitionState(String ledgerTopic, int partition, int slotLimit, PublishedResults results,
                                 long generation) {
        this.ledgerTopic = ledgerTopic;
        this.partition = partition;
        this.sourcePartition = PartitionOffset.key(ledgerTopic, partition);
        this.slots = new SlotTable(slotLimit);
        this.results = results;
        this.generation = generation;
    }

    /** A ledger partition nothing was stored for: it is read from the log's start, wherever that is now. */
    static LedgerPartitionState fresh(String ledgerTopic, int partition, int slotLimit, long generation) {
        LedgerPartitionState state = new LedgerPartitionState(ledgerTopic, partition, slotLimit,
                new PublishedResults(), generation);
        state.fromLogStart = true;
        return state;
    }

    /**
     * Restores the state from Connect's stored offsets: the ledger partition's offset (format 1 or 2) and its run
     * slots, all of them, read in chunks (a slot of at-least-once mode may be stored while a lower one is not).
     *
     * @param slotLimit the most slots in use at once; every slot below it (or below the stored high-water) is read
     * @param nowMs the current time, for a new generation and for runs of offsets that did not store their start
     * @throws IllegalArgumentException naming the offset and field that is wrong
     */
    static LedgerPartitionState restore(String ledgerTopic, int partition, int slotLimit, StoredOffsets stored,
                                        long nowMs) {
        Map<String, Object> key = PartitionOffset.key(ledgerTopic, partition);
        Map<String, Object> raw = stored.read(List.of(key)).get(key);
        PartitionOffset offset;
        try {
            offset = raw == null ? null : PartitionOffset.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the offset of " + key + ": " + e.getMessage(), e);
        }
        Map<Integer, SlotOffset> slotOffsets = readSlots(ledgerTopic, partition,
                Math.max(slotLimit, offset == null ? 0 : offset.slots()), stored);
        if (offset == null || offset.formatOne()) {
            long newest = slotOffsets.values().stream().mapToLong(SlotOffset::generation).max().orElse(-1);
            long generation = Math.max(nowMs, newest + 1);
            LedgerPartitionState state = offset == null ? fresh(ledgerTopic, partition, slotLimit, generation)
                    : fromFormatOne(ledgerTopic, partition, slotLimit, offset, generation, nowMs);
            slotOffsets.keySet().forEach(state.slots::markForeign);
            return state;
        }
        LedgerPartitionState state = new LedgerPartitionState(ledgerTopic, partition, slotLimit,
                new PublishedResults(offset.progress(), List.of()), offset.generation());
        state.generationStored = true;
        long low = offset.low();
        for (SlotOffset slot : slotOffsets.values()) {
            if (slot.generation() == offset.generation()) {
                low = Math.max(low, slot.low());
            }
        }
        state.replayLow = low;
        state.replayUntil = Math.max(offset.position(), low);
        state.resultsStoredUntil = offset.position();
        state.readCursor = Math.min(low, offset.position());
        offset.runs().forEach(run -> state.followInPartitionOffset(run, nowMs));
        slotOffsets.forEach((slot, stored1) -> {
            if (stored1.generation() == offset.generation()) {
                state.restoreSlot(slot, stored1);
            }
        });
        return state;
    }

    private static Map<Integer, SlotOffset> readSlots(String ledgerTopic, int partition, int atLeast,
                                                      StoredOffsets stored) {
        Map<Integer, SlotOffset> found = new TreeMap<>();
        boolean foundInChunk = true;
        // Past the slots the limit allows, on while slots are found: the limit may have been lowered.
        for (int from = 0; from < atLeast || foundInChunk; from += SLOT_READ_CHUNK) {
            List<Map<String, Object>> keys = new ArrayList<>(SLOT_READ_CHUNK);
            for (int slot = from; slot < from + SLOT_READ_CHUNK; slot++) {
                keys.add(SlotOffset.key(ledgerTopic, partition, slot));
            }
            Map<Map<String, Object>, Map<String, Object>> offsets = stored.read(keys);
            foundInChunk = false;
            for (int slot = from; slot < from + SLOT_READ_CHUNK; slot++) {
                Map<String, Object> key = keys.get(slot - from);
                Map<String, Object> offset = offsets.get(key);
                if (offset != null) {
                    try {
                        found.put(slot, SlotOffset.parse(offset));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("the offset of " + key + ": " + e.getMessage(), e);
                    }
                    foundInChunk = true;
                }
            }
        }
        return found;
    }

    /**
     * Upgrades a format 1 offset: its runs stay followed, stored in this partition's own offset with their last
     * status until each ends, so a crash before they end loses none; the slots start a new generation.
     */
    private static LedgerPartitionState fromFormatOne(String ledgerTopic, int partition, int slotLimit,
                                                      PartitionOffset offset, long generation, long nowMs) {
        List<String> resultIds = offset.recent().stream().filter(id -> !id.startsWith(ENDED_MARKER))
                .collect(Collectors.toList());
        LedgerPartitionState state = new LedgerPartitionState(ledgerTopic, partition, slotLimit,
                new PublishedResults(offset.progress(), resultIds), generation);
        offset.recent().stream().filter(id -> id.startsWith(ENDED_MARKER))
                .forEach(id -> state.rememberEnded(id.substring(ENDED_MARKER.length())));
        state.readCursor = offset.position();
        state.replayUntil = offset.position();
        state.replayLow = offset.position();
        state.resultsStoredUntil = offset.position();
        offset.runs().forEach(run -> state.followInPartitionOffset(run, nowMs));
        return state;
    }

    private void followInPartitionOffset(TrackedRun run, long nowMs) {
        // Offsets written before the tracking age limit existed: the run's clock starts now.
        FollowedRun followed = FollowedRun.fromFormatOne(this,
                run.trackedSinceMs() == null ? run.trackedSince(nowMs) : run);
        runs.put(run.runId(), followed);
        runsInPartitionOffset.put(run.runId(), followed);
    }

    private void restoreSlot(int slot, SlotOffset stored) {
        String runId = stored.run().runId();
        if (runs.containsKey(runId) || endedInSlots.containsKey(runId) || inFreeSlots.containsKey(runId)) {
            return; // a run of at-least-once mode stored in two slots: the other one is taken
        }
        FollowedRun followed = new FollowedRun(this, stored.run(), slot, stored.entry());
        if (stored.entry() < replayLow) {
            // Done, whatever the slot says: the low passed every entry of its run. The slot is free.
            followed.end();
            followed.endAcknowledged(true);
            freeSlotContents.put(slot, followed);
            inFreeSlots.put(runId, followed);
            rememberEnded(runId);
            slots.keep(slot);
            return;
        }
        slots.occupy(slot);
        slotRuns.put(slot, followed);
        if (stored.ended()) {
            followed.end();
            followed.endAcknowledged(true);
            endedInSlots.put(runId, followed);
            rememberEnded(runId);
            slots.holdUntilLowPasses(slot, stored.entry());
        } else {
            runs.put(runId, followed);
            hold(stored.entry());
        }
    }

    Map<String, Object> sourcePartition() {
        return sourcePartition;
    }

    int partition() {
        return partition;
    }

    /** Where the task reads the ledger from: empty for the log's start. */
    OptionalLong seekPosition() {
        return fromLogStart ? OptionalLong.empty() : OptionalLong.of(readCursor);
    }

    /** Whether the entry at {@code ledgerOffset} was taken already (the consumer hands it over again after a seek). */
    boolean alreadyTaken(long ledgerOffset) {
        return ledgerOffset < readCursor;
    }

    /** Whether the entry was taken before the restart: taking it again publishes nothing. */
    boolean replays(long ledgerOffset) {
        return ledgerOffset < replayUntil;
    }

    /** Whether taking the entry could start following a run, and so needs room ({@link #hasSlotRoom()}). */
    boolean needsRoom(long ledgerOffset, LedgerEntry entry) {
        RunSnapshot run = entry.run();
        return !replays(ledgerOffset) && run != null && run.id() != null && !RunLifecycle.isTerminal(run)
                && !runs.containsKey(run.id()) && !endedInSlots.containsKey(run.id())
                && !inFreeSlots.containsKey(run.id())
                && !recentlyEnded.contains(run.id());
    }

    /** Whether a run could start being followed in this ledger partition now. */
    boolean hasSlotRoom() {
        return slots.hasRoom();
    }

    /**
     * Takes an outcome entry: publishes its result unless the request's result is already out, and follows the run it
     * reveals unless that run is followed, ended, or the run the published result revealed. A replayed entry (taken
     * before the restart) publishes nothing and resumes its run from the entry when no slot holds it.
     *
     * @param resultEventId the id of the result event the entry makes
     * @param nowMs when a run it starts following is tracked since
     */
    EntryOutcome take(long ledgerOffset, LedgerEntry entry, String resultEventId, long nowMs) {
        boolean replay = replays(ledgerOffset);
        moveCursorPast(ledgerOffset);
        EntryOutcome outcome = replay ? replay(ledgerOffset, entry, resultEventId, nowMs)
                : takeNew(ledgerOffset, entry, resultEventId, nowMs);
        freeSlotsBelowLow();
        return outcome;
    }

    private EntryOutcome takeNew(long ledgerOffset, LedgerEntry entry, String resultEventId, long nowMs) {
        PublishedResults.Verdict verdict = results.accept(entry, resultEventId);
        FollowedRun followed = null;
        RunSnapshot run = entry.run();
        if (run != null && run.id() != null && !revealedAgain(entry, ledgerOffset)) {
            if (RunLifecycle.isTerminal(run)) {
                rememberEnded(run.id());
            } else if (verdict.mayFollowRun() && !recentlyEnded.contains(run.id())) {
                followed = follow(entry, ledgerOffset, nowMs);
            }
        }
        Emission result = null;
        if (verdict.publish()) {
            hold(ledgerOffset);
            result = Emission.result(this, sourcePartition, partitionOffset(), entry, ledgerOffset);
        }
        return new EntryOutcome(result, followed, false, !verdict.publish(), verdict.forgotOlderResult());
    }

    private EntryOutcome replay(long ledgerOffset, LedgerEntry entry, String resultEventId, long nowMs) {
        if (ledgerOffset >= resultsStoredUntil) {
            // Published, and acknowledged (it is below the low), after the last stored progress.
            results.accept(entry, resultEventId);
        }
        RunSnapshot run = entry.run();
        if (run == null || run.id() == null || ledgerOffset < replayLow) {
            if (run != null && run.id() != null && !runs.containsKey(run.id())) {
                rememberEnded(run.id());
            }
            return EntryOutcome.NOTHING;
        }
        if (revealedAgain(entry, ledgerOffset) || recentlyEnded.contains(run.id())) {
            return EntryOutcome.NOTHING;
        }
        if (RunLifecycle.isTerminal(run)) {
            rememberEnded(run.id());
            return EntryOutcome.NOTHING;
        }
        // Its result is out, its first status event is not stored: it resumes from the status the entry shows, and
        // from when the sink recorded it (the tracking age limit holds however often the task restarts).
        Instant recorded = entry.recordedAt();
        long since = recorded == null ? nowMs : Math.min(nowMs, recorded.toEpochMilli());
        return new EntryOutcome(null, follow(entry, ledgerOffset, since), true, false, false);
    }

    /**
     * Whether the run is one this state follows or ended with its slot still held: then {@code ledgerOffset} joins the
     * run's entries, so its slot is kept until the low passes this entry too and a replay of it finds the slot. A run
     * without context (restored from an offset that did not store it) takes the entry's.
     */
    private boolean revealedAgain(LedgerEntry entry, long ledgerOffset) {
        String runId = entry.run().id();
        FollowedRun followed = runs.get(runId);
        if (followed == null) {
            followed = endedInSlots.get(runId);
        }
        if (followed == null) {
            followed = inFreeSlots.remove(runId);
            if (followed == null) {
                return false;
            }
            freeSlotContents.remove(followed.slot());
            slots.occupy(followed.slot());
            slotRuns.put(followed.slot(), followed);
            endedInSlots.put(runId, followed);
            slots.holdUntilLowPasses(followed.slot(), followed.lastEntry());
        }
        if (followed.run().context() == null && entry.context() != null) {
            followed.published(followed.run().withContext(entry.context()));
        }
        if (!followed.hasSlot()) {
            return true;
        }
        long lastEntry = followed.lastEntry();
        if (followed.addEntry(ledgerOffset)) {
            if (followed.endAcknowledged()) {
                slots.holdLonger(followed.slot(), lastEntry, ledgerOffset);
            } else {
                hold(ledgerOffset);
            }
        }
        return true;
    }

    private FollowedRun follow(LedgerEntry entry, long ledgerOffset, long sinceMs) {
        RunSnapshot run = entry.run();
        TrackedRun tracked = new TrackedRun(run.id(), run.domainId(), run.dataSourceId(), entry.clientToken(),
                entry.requestTopic(), entry.requestPartition(), entry.requestOffset(), run.status(), sinceMs,
                entry.context());
        int slot = slots.take();
        FollowedRun previous = freeSlotContents.remove(slot);
        if (previous != null) {
            inFreeSlots.remove(previous.runId());
        }
        FollowedRun followed = new FollowedRun(this, tracked, slot, ledgerOffset);
        runs.put(run.id(), followed);
        slotRuns.put(slot, followed);
        hold(ledgerOffset);
        return followed;
    }

    private void moveCursorPast(long ledgerOffset) {
        readCursor = ledgerOffset + 1;
        fromLogStart = false;
        if (readCursor >= replayUntil) {
            // Every entry taken before the restart was seen again: a slot no replayed entry took back is not needed.
            slots.releaseKept();
        }
    }

    /** Takes a progress mark of the sink: what it covers needs no result again. Replayed marks change nothing. */
    void takeMark(long ledgerOffset, ProgressMark mark) {
        moveCursorPast(ledgerOffset);
        mark.marks().forEach(results::mark);
        freeSlotsBelowLow();
    }

    /** Passes over an entry that cannot be read: only ever one taken before the restart (see the task). */
    void skip(long ledgerOffset) {
        moveCursorPast(ledgerOffset);
        freeSlotsBelowLow();
    }

    /**
     * Reading goes on from {@code ledgerOffset}: the ledger's log does not hold the next entry any more (a gap).
     * Above the next entry, the entries in between are gone and reading goes on past them. Below it, the log was
     * recreated or truncated below what was read: what the stored offsets say of ledger offsets describes another log,
     * so a new generation starts, and the runs followed move to this partition's own offset, which carries them until
     * each ends.
     */
    void readFrom(long ledgerOffset, long nowMs) {
        if (ledgerOffset >= readCursor || fromLogStart) {
            readCursor = ledgerOffset;
            fromLogStart = false;
            if (readCursor >= replayUntil) {
                slots.releaseKept();
            }
            freeSlotsBelowLow();
            return;
        }
        generation = Math.max(nowMs, generation + 1);
        generationStored = false;
        for (FollowedRun followed : runs.values()) {
            if (followed.hasSlot()) {
                followed.moveToPartitionOffset();
                runsInPartitionOffset.put(followed.runId(), followed);
            }
        }
        slots.startOver();
        slotRuns.clear();
        endedInSlots.clear();
        freeSlotContents.clear();
        inFreeSlots.clear();
        holds.clear();
        readCursor = ledgerOffset;
        replayUntil = ledgerOffset;
        replayLow = ledgerOffset;
        resultsStoredUntil = ledgerOffset;
    }

    /** The runs followed, in no order. */
    Collection<FollowedRun> runs() {
        return Collections.unmodifiableCollection(runs.values());
    }

    /** The run was seen in a new status; {@code ends} when that status is terminal. */
    Emission statusChanged(FollowedRun followed, RunSnapshot snapshot, boolean ends) {
        return publish(EventType.RUN_STATUS_CHANGED, followed, snapshot, null, ends);
    }

    /** The run's last event without a terminal status: {@code RUN_VANISHED} or {@code RUN_TRACKING_STOPPED}. */
    Emission ended(EventType type, FollowedRun followed, String detail) {
        return publish(type, followed, null, detail, true);
    }

    private Emission publish(EventType type, FollowedRun followed, RunSnapshot snapshot, String detail,
                             boolean ends) {
        TrackedRun before = followed.run();
        if (snapshot != null) {
            followed.published(before.withLastStatus(snapshot.status()));
        }
        if (ends) {
            followed.end();
            runs.remove(followed.runId());
            runsInPartitionOffset.remove(followed.runId());
            rememberEnded(followed.runId());
            if (followed.hasSlot()) {
                endedInSlots.put(followed.runId(), followed);
            }
        }
        if (!followed.hasSlot()) {
            return Emission.ofRun(type, sourcePartition, partitionOffset(), followed, before, snapshot, detail, ends);
        }
        Map<String, Object> offset = SlotOffset.format(generation, low(), followed.lastEntry(), ends,
                followed.run());
        return Emission.ofRun(type, SlotOffset.key(ledgerTopic, partition, followed.slot()), offset, followed,
                before, snapshot, detail, ends);
    }

    /**
     * Connect acknowledged the record of {@code emission}: in exactly-once mode its transaction committed, in
     * at-least-once mode the broker has it. A result stops holding its entry; a run's last event frees the run's
     * entries, and its slot once the low passes them.
     */
    void acknowledged(Emission emission) {
        if (emission.sourcePartition() == sourcePartition && !generationStored) {
            generationStored = true;
            slots.releaseForeign();
        }
        if (emission.ledgerOffset() >= 0) {
            release(emission.ledgerOffset());
        }
        FollowedRun followed = emission.followed();
        if (emission.endsRun() && followed.hasSlot() && slotRuns.get(followed.slot()) == followed) {
            followed.endAcknowledged(true);
            for (long entry : followed.entries()) {
                release(entry);
            }
            slots.holdUntilLowPasses(followed.slot(), followed.lastEntry());
        }
        freeSlotsBelowLow();
    }

    private void hold(long ledgerOffset) {
        holds.merge(ledgerOffset, 1, Integer::sum);
    }

    private void release(long ledgerOffset) {
        holds.computeIfPresent(ledgerOffset, (entry, count) -> count == 1 ? null : count - 1);
    }

    private void freeSlotsBelowLow() {
        for (int slot : slots.freeBelow(low())) {
            FollowedRun ended = slotRuns.remove(slot);
            if (ended != null) {
                endedInSlots.remove(ended.runId());
                freeSlotContents.put(slot, ended);
                inFreeSlots.put(ended.runId(), ended);
            }
            if (readCursor < replayUntil) {
                slots.keep(slot); // an entry still to replay may reveal its run again
            }
        }
    }

    /**
     * Every entry below it is done. A fact about acknowledged events, whichever record carries it: so it is the
     * larger of what the stored offsets said and what this task's acknowledgements say.
     */
    long low() {
        long firstHeld = holds.isEmpty() ? readCursor : Math.min(holds.firstKey(), readCursor);
        return Math.max(replayLow, firstHeld);
    }

    /** The next entry to take as new: every entry below it has its result out. */
    long position() {
        return Math.max(readCursor, replayUntil);
    }

    private Map<String, Object> partitionOffset() {
        List<TrackedRun> inOffset = new ArrayList<>(runsInPartitionOffset.size());
        runsInPartitionOffset.values().forEach(run -> inOffset.add(run.run()));
        return PartitionOffset.format(generation, position(), low(), slots.highWater(), results.toJson(), inOffset);
    }

    private void rememberEnded(String runId) {
        recentlyEnded.remove(runId);
        recentlyEnded.add(runId);
        Iterator<String> oldest = recentlyEnded.iterator();
        while (recentlyEnded.size() > RECENTLY_ENDED_CAPACITY) {
            oldest.next();
            oldest.remove();
        }
    }

    /** What taking one outcome entry did. */
    static final class EntryOutcome {

        static final EntryOutcome NOTHING = new EntryOutcome(null, null, false, false, false);

        private final Emission result;
        private final FollowedRun followed;
        private final boolean resumed;
        private final boolean secondOutcome;
        private final boolean forgotOlderResult;

        EntryOutcome(Emission result, FollowedRun followed, boolean resumed, boolean secondOutcome,
                     boolean forgotOlderResult) {
            this.result = result;
            this.followed = followed;
            this.resumed = resumed;
            this.secondOutcome = secondOutcome;
            this.forgotOlderResult = forgotOlderResult;
        }

        /** The result event to publish, null when there is none. */
        Emission result() {
            return result;
        }

        /** The run the entry made this state follow, null when none. */
        FollowedRun followed() {
            return followed;
        }

        /** Whether that run was followed before the restart already (its entry replayed). */
        boolean resumed() {
            return resumed;
        }

        /** Whether the entry is a second outcome of a request whose result is out. */
        boolean secondOutcome() {
            return secondOutcome;
        }

        /** Whether an older published result was forgotten to stay bounded (see {@link PublishedResults}). */
        boolean forgotOlderResult() {
            return forgotOlderResult;
        }
    }
}
