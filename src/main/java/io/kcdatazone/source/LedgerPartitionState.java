package io.kcdatazone.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a source task has published for one ledger partition, which is also its Connect source offset: the next ledger
 * position to read, the runs it still tracks with the last status it published for each, and a bounded memory of
 * recently published results and finished runs (to drop the duplicate ledger entries a sink restart can write).
 *
 * <p>One source partition per ledger partition keeps Connect's offset store bounded by the ledger's partition count;
 * each offset is bounded by {@code max.tracked.runs} and {@value #RECENT_CAPACITY}. Offsets hold only primitive
 * values, so the collections are JSON strings.
 */
public final class LedgerPartitionState {

    /** How many recent result event ids and finished run ids the state remembers. */
    public static final int RECENT_CAPACITY = 256;

    static final String LEDGER_TOPIC_KEY = "ledgerTopic";
    static final String LEDGER_PARTITION_KEY = "ledgerPartition";
    static final String VERSION_KEY = "version";
    static final String POSITION_KEY = "position";
    static final String RUNS_KEY = "runs";
    static final String RECENT_KEY = "recent";
    static final int OFFSET_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<TrackedRun>> RUN_LIST = new TypeReference<List<TrackedRun>>() { };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<List<String>>() { };

    private final String ledgerTopic;
    private final int partition;
    private long position;
    private final Map<String, TrackedRun> runs = new LinkedHashMap<>();
    private final LinkedHashSet<String> recent = new LinkedHashSet<>();

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
        for (TrackedRun run : parse(offset.get(RUNS_KEY), RUNS_KEY, RUN_LIST)) {
            state.runs.put(run.runId(), run);
        }
        state.recent.addAll(parse(offset.get(RECENT_KEY), RECENT_KEY, STRING_LIST));
        return state;
    }

    private static <T> List<T> parse(Object field, String name, TypeReference<List<T>> type) {
        if (field == null) {
            return Collections.emptyList();
        }
        if (!(field instanceof String)) {
            throw new IllegalArgumentException("offset field '" + name + "' must be a JSON string");
        }
        try {
            List<T> items = JSON.readValue((String) field, type);
            return items != null ? items : Collections.emptyList();
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
            offset.put(RECENT_KEY, JSON.writeValueAsString(new ArrayList<>(recent)));
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

    /** Whether a result event with this id was published recently. */
    public boolean published(String resultEventId) {
        return recent.contains(resultEventId);
    }

    public void rememberPublished(String resultEventId) {
        remember(resultEventId);
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
