package io.kcdatazone.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * What a source task has published for one ledger partition, which is also its Connect source offset: the next ledger
 * position to read, the runs it still tracks with the last status it published for each, which requests already have
 * their result out, and a bounded memory of finished runs (to drop the duplicate ledger entries a sink restart or a
 * rebalance can write).
 *
 * <p>Which requests have their result out is exact, not a window: per request partition, what the sink's
 * {@link io.kcdatazone.ledger.ProgressMark progress marks} cover (every request below the latest mark's end except
 * the few still pending when the marks were made) plus the requests no mark covers yet whose result was published.
 * The sink marks its progress at every offset commit, past slow requests too, so that set holds about one commit
 * interval of results; without marks (a sink older than marks, or one whose commits are stuck) it is capped at
 * {@value #MAX_RESULTS_ABOVE_MARKS}, beyond which the oldest are forgotten.
 *
 * <p>One source partition per ledger partition keeps Connect's offset store bounded by the ledger's partition count;
 * each offset is bounded by {@code max.tracked.runs}, {@value #RECENT_CAPACITY} and {@value #MAX_RESULTS_ABOVE_MARKS}.
 * Offsets hold only primitive values, so the collections are JSON strings.
 */
public final class LedgerPartitionState {

    /**
     * How many finished run ids the state remembers. Offsets written before progress marks existed also hold result
     * event ids here; they are still honoured, and make room for finished runs as those come.
     */
    public static final int RECENT_CAPACITY = 256;
    /** How many published results no progress mark covers the state remembers at most. */
    public static final int MAX_RESULTS_ABOVE_MARKS = 4_096;

    static final String LEDGER_TOPIC_KEY = "ledgerTopic";
    static final String LEDGER_PARTITION_KEY = "ledgerPartition";
    static final String VERSION_KEY = "version";
    static final String POSITION_KEY = "position";
    static final String RUNS_KEY = "runs";
    static final String RECENT_KEY = "recent";
    static final String PROGRESS_KEY = "progress";
    /**
     * When each tracked run's tracking began, by run id: a field of its own, since the previous plugin version refuses
     * unknown fields inside {@code runs} and a rolling upgrade can move a task back to it.
     */
    static final String TRACKED_SINCE_KEY = "since";
    static final int OFFSET_VERSION = 1;

    /** Reads on past fields it does not know, so offsets a later version adds to stay readable by this one. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<List<TrackedRun>> RUN_LIST = new TypeReference<List<TrackedRun>>() { };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<List<String>>() { };
    private static final TypeReference<List<RequestProgress>> PROGRESS_LIST =
            new TypeReference<List<RequestProgress>>() { };
    private static final TypeReference<Map<String, Long>> SINCE_MAP = new TypeReference<Map<String, Long>>() { };

    private final String ledgerTopic;
    private final int partition;
    private long position;
    private final Map<String, TrackedRun> runs = new LinkedHashMap<>();
    private final LinkedHashSet<String> recent = new LinkedHashSet<>();
    private final Map<TopicPartition, RequestProgress> progress = new HashMap<>();
    private int resultsAboveMarks;

    public LedgerPartitionState(String ledgerTopic, int partition) {
        this.ledgerTopic = ledgerTopic;
        this.partition = partition;
    }

    /** Connect's source partition for a ledger partition. */
    public static Map<String, Object> sourcePartition(String ledgerTopic, int partition) {
        Map<String, Object> key = new HashMap<>();
        key.put(LEDGER_TOPIC_KEY, ledgerTopic);
        key.put(LEDGER_PARTITION_KEY, partition);
        return key;
    }

    /**
     * Restores the state from a stored offset.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public static LedgerPartitionState fromOffset(String ledgerTopic, int partition, Map<String, ?> offset) {
        LedgerPartitionState state = new LedgerPartitionState(ledgerTopic, partition);
        if (offset == null) {
            return state;
        }
        Object version = offset.get(VERSION_KEY);
        if (!(version instanceof Number) || ((Number) version).intValue() != OFFSET_VERSION) {
            throw new IllegalArgumentException("offset field '" + VERSION_KEY + "' must be " + OFFSET_VERSION
                    + ", got " + version);
        }
        Object position = offset.get(POSITION_KEY);
        if (!(position instanceof Number) || ((Number) position).longValue() < 0) {
            throw new IllegalArgumentException("offset field '" + POSITION_KEY
                    + "' must be a non-negative ledger offset, got " + position);
        }
        state.position = ((Number) position).longValue();
        Map<String, Long> since = parse(offset.get(TRACKED_SINCE_KEY), TRACKED_SINCE_KEY, SINCE_MAP,
                Collections.emptyMap());
        for (TrackedRun run : parse(offset.get(RUNS_KEY), RUNS_KEY, RUN_LIST)) {
            Long sinceMs = since.get(run.runId());
            state.runs.put(run.runId(), sinceMs == null ? run : run.trackedSince(sinceMs));
        }
        state.recent.addAll(parse(offset.get(RECENT_KEY), RECENT_KEY, STRING_LIST));
        for (RequestProgress request : parse(offset.get(PROGRESS_KEY), PROGRESS_KEY, PROGRESS_LIST)) {
            state.progress.put(new TopicPartition(request.topic(), request.partition()), request);
            state.resultsAboveMarks += request.size();
        }
        return state;
    }

    private static <T> List<T> parse(Object field, String name, TypeReference<List<T>> type) {
        return parse(field, name, type, Collections.emptyList());
    }

    /** An offset field holding JSON text, or {@code absent} when it is missing or JSON null. */
    private static <T> T parse(Object field, String name, TypeReference<T> type, T absent) {
        if (field == null) {
            return absent;
        }
        if (!(field instanceof String)) {
            throw new IllegalArgumentException("offset field '" + name + "' must be a JSON string");
        }
        try {
            T value = JSON.readValue((String) field, type);
            return value != null ? value : absent;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("offset field '" + name + "' is not valid: " + e.getMessage(), e);
        }
    }

    public Map<String, Object> sourcePartition() {
        return sourcePartition(ledgerTopic, partition);
    }

    /** The offset to store with a record emitted now. */
    public Map<String, Object> toOffset() {
        Map<String, Object> offset = new HashMap<>();
        offset.put(VERSION_KEY, OFFSET_VERSION);
        offset.put(POSITION_KEY, position);
        try {
            offset.put(RUNS_KEY, JSON.writeValueAsString(new ArrayList<>(runs.values())));
            Map<String, Long> since = new LinkedHashMap<>();
            runs.values().stream().filter(run -> run.trackedSinceMs() != null)
                    .forEach(run -> since.put(run.runId(), run.trackedSinceMs()));
            offset.put(TRACKED_SINCE_KEY, JSON.writeValueAsString(since));
            offset.put(RECENT_KEY, JSON.writeValueAsString(new ArrayList<>(recent)));
            offset.put(PROGRESS_KEY, JSON.writeValueAsString(new ArrayList<>(progress.values())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the source offset", e);
        }
        return offset;
    }

    public int partition() {
        return partition;
    }

    public long position() {
        return position;
    }

    /** Reading goes on from {@code ledgerOffset}, above or below the position: the ledger's log moved (a gap). */
    public void readFrom(long ledgerOffset) {
        position = ledgerOffset;
    }

    /** The ledger entry at {@code ledgerOffset} is handled: reading resumes after it. */
    public void advancePast(long ledgerOffset) {
        position = Math.max(position, ledgerOffset + 1);
    }

    public Collection<TrackedRun> runs() {
        return Collections.unmodifiableCollection(runs.values());
    }

    public Optional<TrackedRun> run(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    public void track(TrackedRun run) {
        runs.put(run.runId(), run);
    }

    /** The run reached its terminal status (or vanished): stop tracking it and remember it finished. */
    public void finish(String runId) {
        runs.remove(runId);
        remember(finishedMarker(runId));
    }

    public boolean finished(String runId) {
        return recent.contains(finishedMarker(runId));
    }

    /**
     * Takes an outcome entry in: its result is to be published unless the request's result is already out (below the
     * request partition's progress mark, published since, or, in offsets written before progress marks, its result
     * event id remembered). Either way, a run the entry reveals starts being tracked unless it is tracked, recently
     * finished, the run the published result revealed, or terminal already: a second outcome can reveal a run the first
     * did not (a start that failed in one task and succeeded in another, across a rebalance).
     *
     * @param resultEventId the id of the result event the entry makes
     */
    public EntryVerdict accept(LedgerEntry entry, String resultEventId) {
        RequestCoordinates request = entry.request();
        RequestProgress known = progress.computeIfAbsent(requestPartition(request),
                partition -> new RequestProgress(partition.topic(), partition.partition()));
        RunSnapshot run = entry.run();
        String runId = run != null ? run.id() : null;
        if (known.covers(request.offset()) || recent.contains(resultEventId)) {
            // The same coordinates carry the same client token, so every outcome that revealed a run revealed this one.
            boolean sameRun = runId == null || known.revealedRun(request.offset());
            return new EntryVerdict(false, sameRun ? null : follow(entry), false);
        }
        int before = known.size();
        known.remember(request.offset(), runId != null);
        resultsAboveMarks += known.size() - before;
        return new EntryVerdict(true, follow(entry), forgetBeyondCapacity());
    }

    /**
     * Whether taking in an entry that reveals {@code run} could start tracking it: a run this state neither tracks nor
     * knows as finished, and not terminal already.
     */
    public boolean wouldTrack(RunSnapshot run) {
        return isNew(run) && !RunLifecycle.isTerminal(run);
    }

    private boolean isNew(RunSnapshot run) {
        return run != null && run.id() != null && !runs.containsKey(run.id()) && !finished(run.id());
    }

    private TrackedRun follow(LedgerEntry entry) {
        RunSnapshot run = entry.run();
        if (!isNew(run)) {
            return null;
        }
        if (RunLifecycle.isTerminal(run)) {
            finish(run.id());
            return null;
        }
        TrackedRun tracked = new TrackedRun(run.id(), run.domainId(), run.dataSourceId(), entry.clientToken(),
                entry.requestTopic(), entry.requestPartition(), entry.requestOffset(), run.status(), null);
        track(tracked);
        return tracked;
    }

    /** Keeps the published results within {@value #MAX_RESULTS_ABOVE_MARKS}: reached only without progress marks. */
    private boolean forgetBeyondCapacity() {
        if (resultsAboveMarks <= MAX_RESULTS_ABOVE_MARKS) {
            return false;
        }
        Collections.max(progress.values(), Comparator.comparingInt(RequestProgress::size)).forgetLowest();
        resultsAboveMarks--;
        return true;
    }

    /** What {@link #accept} decided about an outcome entry. */
    public static final class EntryVerdict {

        private final boolean publish;
        private final TrackedRun newlyTracked;
        private final boolean forgotOlderResult;

        EntryVerdict(boolean publish, TrackedRun newlyTracked, boolean forgotOlderResult) {
            this.publish = publish;
            this.newlyTracked = newlyTracked;
            this.forgotOlderResult = forgotOlderResult;
        }

        /** Whether the entry's result event is to be published: false for a second outcome of a request. */
        public boolean publish() {
            return publish;
        }

        /** The run the entry revealed and that is tracked from now on, if any. */
        public Optional<TrackedRun> newlyTracked() {
            return Optional.ofNullable(newlyTracked);
        }

        /** Whether an older published result was forgotten to stay bounded (see {@link #MAX_RESULTS_ABOVE_MARKS}). */
        public boolean forgotOlderResult() {
            return forgotOlderResult;
        }
    }

    /** Takes in one request partition's part of a sink's progress mark. */
    public void markProgress(ProgressMark.Below mark) {
        RequestProgress known = progress.computeIfAbsent(
                new TopicPartition(mark.requestTopic(), mark.requestPartition()),
                partition -> new RequestProgress(partition.topic(), partition.partition()));
        int before = known.size();
        known.mark(mark);
        resultsAboveMarks -= before - known.size();
    }

    private static TopicPartition requestPartition(RequestCoordinates request) {
        return new TopicPartition(request.topic(), request.partition());
    }

    private void remember(String id) {
        recent.remove(id);
        recent.add(id);
        Iterator<String> oldest = recent.iterator();
        while (recent.size() > RECENT_CAPACITY) {
            oldest.next();
            oldest.remove();
        }
    }

    private static String finishedMarker(String runId) {
        return "run:" + runId;
    }
}
