package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerRecord;
import io.kcdatazone.ledger.ProgressMark;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Time;

/**
 * The run-tracking state machine of one source task, free of Kafka's clients and of Connect: ledger entries go in,
 * events to publish come out ({@link Emission}s, with the source partition and offset each carries), status answers
 * go in, and Connect's acknowledgements of the events go back in. The task around it keeps the ledger consumer, the
 * poll loop and Connect's API.
 *
 * <p>Bounded: at most {@code maxTrackedRuns} runs are followed (a ledger partition whose next entry would follow one
 * more waits), and each ledger partition keeps at most that many run slots. Every operation costs the same whatever
 * the number of runs followed: runs are indexed by data source and by tracking start.
 *
 * <p>Not thread-safe: the task's polling thread alone calls it.
 */
final class RunTracker {

    private static final Comparator<FollowedRun> BY_TRACKING_START = Comparator
            .comparingLong((FollowedRun followed) -> followed.run().trackedSinceMs())
            .thenComparingInt(followed -> followed.state().partition())
            .thenComparing(FollowedRun::runId);

    private final Map<Integer, LedgerPartitionState> states = new TreeMap<>();
    private final Map<DataSourceRef, Map<String, FollowedRun>> bySource = new HashMap<>();
    private final TreeSet<FollowedRun> byTrackingStart = new TreeSet<>(BY_TRACKING_START);
    private final int maxTrackedRuns;
    private final long maxRunTrackingMs;
    private final Time time;

    private RunTracker(int maxTrackedRuns, long maxRunTrackingMs, Time time) {
        this.maxTrackedRuns = maxTrackedRuns;
        this.maxRunTrackingMs = maxRunTrackingMs;
        this.time = time;
    }

    /**
     * Restores the state of the task's ledger partitions from Connect's stored offsets.
     *
     * @param maxTrackedRuns the most runs followed at once, and the most run slots of one ledger partition
     * @param maxRunTrackingMs how long a run is followed at most
     * @throws IllegalArgumentException when a stored offset is invalid, naming it
     */
    static RunTracker restore(String ledgerTopic, Collection<Integer> partitions, int maxTrackedRuns,
                              long maxRunTrackingMs, StoredOffsets stored, Time time) {
        RunTracker tracker = new RunTracker(maxTrackedRuns, maxRunTrackingMs, time);
        for (int partition : partitions) {
            LedgerPartitionState state = LedgerPartitionState.restore(ledgerTopic, partition, maxTrackedRuns, stored,
                    time.milliseconds());
            tracker.states.put(partition, state);
            state.runs().forEach(tracker::index);
        }
        return tracker;
    }

    /** Where to read a ledger partition from: empty for the log's start. */
    OptionalLong seekPosition(int partition) {
        return states.get(partition).seekPosition();
    }

    /**
     * Offers the ledger record at {@code ledgerOffset}: taken (an outcome entry or a progress mark), held back for
     * lack of room (read it again once {@link #hasRoom} says so), or ignored (taken already, or not this task's).
     *
     * @param resultEventId the id of the result event an outcome entry makes
     */
    Offer offer(int partition, long ledgerOffset, LedgerRecord record, String resultEventId) {
        LedgerPartitionState state = states.get(partition);
        if (state == null || state.alreadyTaken(ledgerOffset)) {
            return Offer.IGNORED;
        }
        if (record instanceof ProgressMark) {
            state.takeMark(ledgerOffset, (ProgressMark) record);
            return Offer.TAKEN;
        }
        LedgerEntry entry = (LedgerEntry) record;
        if (state.needsRoom(ledgerOffset, entry) && !hasRoom(partition)) {
            return Offer.HELD_BACK;
        }
        LedgerPartitionState.EntryOutcome outcome = state.take(ledgerOffset, entry, resultEventId,
                time.milliseconds());
        if (outcome.followed() != null) {
            index(outcome.followed());
        }
        return new Offer(outcome);
    }

    /** Whether the ledger partition may take an entry that follows one more run. */
    boolean hasRoom(int partition) {
        return byTrackingStart.size() < maxTrackedRuns && states.get(partition).hasSlotRoom();
    }

    /**
     * Whether the unreadable entry at {@code ledgerOffset} is one to pass over: only one taken before the restart
     * (an operator moved the stored position past it); any other must stop the task, or its result would be lost.
     */
    boolean passesOverUnreadable(int partition, long ledgerOffset) {
        LedgerPartitionState state = states.get(partition);
        if (state == null || !state.replays(ledgerOffset)) {
            return false;
        }
        state.skip(ledgerOffset);
        return true;
    }

    /** Reading a ledger partition goes on from {@code ledgerOffset}, after a gap in its log. */
    void readFrom(int partition, long ledgerOffset) {
        LedgerPartitionState state = states.get(partition);
        if (state != null) {
            state.readFrom(ledgerOffset, time.milliseconds());
        }
    }

    int trackedRunCount() {
        return byTrackingStart.size();
    }

    /** The runs followed, in no order. */
    Collection<FollowedRun> runs() {
        return Collections.unmodifiableCollection(byTrackingStart);
    }

    /** The ids of the runs followed of a data source, empty when none. */
    Set<String> runIdsOf(DataSourceRef dataSource) {
        Map<String, FollowedRun> runs = bySource.get(dataSource);
        return runs == null ? Set.of() : Collections.unmodifiableSet(runs.keySet());
    }

    /** The data sources with runs followed. */
    Set<DataSourceRef> dataSources() {
        return Collections.unmodifiableSet(bySource.keySet());
    }

    /**
     * What a status poll of {@code dataSource} saw: a new status of a run is published once, in order; a status
     * before the one published is a stale read and ignored; a run DataZone no longer knows ends with RUN_VANISHED.
     */
    Observed observe(DataSourceRef dataSource, Map<String, RunObservation> observations) {
        Map<String, FollowedRun> runs = bySource.get(dataSource);
        Observed observed = new Observed();
        if (runs == null) {
            return observed;
        }
        for (FollowedRun followed : new ArrayList<>(runs.values())) {
            RunObservation observation = observations.get(followed.runId());
            if (observation == null) {
                continue;
            }
            TrackedRun run = followed.run();
            if (observation.snapshot().isEmpty()) {
                observed.changed = true;
                unindex(followed);
                observed.emissions.add(followed.state().ended(EventType.RUN_VANISHED, followed,
                        observation.notFoundDetail()));
                continue;
            }
            RunSnapshot snapshot = observation.snapshot().get();
            if (snapshot.status() == null || snapshot.status().equals(run.lastStatus())) {
                continue;
            }
            if (RunLifecycle.isStale(run.lastStatus(), snapshot.status())) {
                observed.staleReads.put(run, snapshot.status());
                continue;
            }
            observed.changed = true;
            boolean ends = RunLifecycle.isTerminal(snapshot);
            if (ends) {
                unindex(followed);
            }
            observed.emissions.add(followed.state().statusChanged(followed, snapshot, ends));
        }
        return observed;
    }

    /**
     * Ends the tracking of runs followed for {@code max.run.tracking.ms} without being seen ending, each with a
     * RUN_TRACKING_STOPPED event: whatever DataZone answers, every run closes in bounded time. A run is stopped only
     * once its data source has been asked since this task took it ({@code lookedAt}): the limit counts across
     * restarts, and a task that took a run over after a long restart (or a rebalance while Kafka was degraded) must
     * not close it without having asked DataZone even once.
     */
    List<Emission> stopOverdueRuns(Predicate<DataSourceRef> lookedAt) {
        long now = time.milliseconds();
        List<Emission> stopped = new ArrayList<>();
        List<FollowedRun> overdue = new ArrayList<>();
        for (FollowedRun followed : byTrackingStart) {
            if (now - followed.run().trackedSinceMs() < maxRunTrackingMs) {
                break;
            }
            if (lookedAt.test(followed.run().dataSource())) {
                overdue.add(followed);
            }
        }
        for (FollowedRun run : overdue) {
            String status = run.run().lastStatus();
            String reason = "Not seen ending within max.run.tracking.ms (" + maxRunTrackingMs + " ms) of tracking;"
                    + " last status published: " + status + (RunLifecycle.isKnown(status) ? ""
                    : " (a status this connector does not know, reported without a stoppedAt)");
            unindex(run);
            stopped.add(run.state().ended(EventType.RUN_TRACKING_STOPPED, run, reason));
        }
        return stopped;
    }

    /** Connect acknowledged the record of {@code emission} (see {@link LedgerPartitionState#acknowledged}). */
    void acknowledged(Emission emission) {
        emission.state().acknowledged(emission);
    }

    private void index(FollowedRun followed) {
        bySource.computeIfAbsent(followed.run().dataSource(), ds -> new LinkedHashMap<>())
                .put(followed.runId(), followed);
        byTrackingStart.add(followed);
    }

    private void unindex(FollowedRun followed) {
        DataSourceRef dataSource = followed.run().dataSource();
        Map<String, FollowedRun> runs = bySource.get(dataSource);
        if (runs != null) {
            runs.remove(followed.runId());
            if (runs.isEmpty()) {
                bySource.remove(dataSource);
            }
        }
        byTrackingStart.remove(followed);
    }

    /** What {@link #offer} did with a ledger record. */
    static final class Offer {

        static final Offer IGNORED = new Offer(null);
        static final Offer TAKEN = new Offer(LedgerPartitionState.EntryOutcome.NOTHING);
        static final Offer HELD_BACK = new Offer(null);

        private final LedgerPartitionState.EntryOutcome outcome;

        private Offer(LedgerPartitionState.EntryOutcome outcome) {
            this.outcome = outcome;
        }

        boolean taken() {
            return outcome != null;
        }

        boolean heldBack() {
            return this == HELD_BACK;
        }

        /** The result event to publish, null when there is none. */
        Emission result() {
            return outcome == null ? null : outcome.result();
        }

        /** A run the entry made the task follow, null when none. */
        FollowedRun followed() {
            return outcome == null ? null : outcome.followed();
        }

        /** Whether that run was followed before the restart already. */
        boolean resumed() {
            return outcome != null && outcome.resumed();
        }

        /** Whether the entry was a second outcome of a request whose result is out. */
        boolean secondOutcome() {
            return outcome != null && outcome.secondOutcome();
        }

        boolean forgotOlderResult() {
            return outcome != null && outcome.forgotOlderResult();
        }
    }

    /** What a status poll changed. */
    static final class Observed {

        private final List<Emission> emissions = new ArrayList<>();
        private final Map<TrackedRun, String> staleReads = new LinkedHashMap<>();
        private boolean changed;

        List<Emission> emissions() {
            return emissions;
        }

        /** Runs DataZone answered in a status before the one published, with that status: ignored. */
        Map<TrackedRun, String> staleReads() {
            return staleReads;
        }

        /** Whether any run changed (for the poll schedule's backoff). */
        boolean changed() {
            return changed;
        }
    }
}
