package io.kcdatazone.source;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored offset of a ledger partition's own source partition {@code {ledgerTopic, ledgerPartition}}, carried by
 * every result event of that partition (see docs/design/source-state.md).
 *
 * <p>Format 2: {@code generation}, {@code position} (the next ledger entry to take: every entry below it has its result
 * out), {@code low} (every entry below it is done: its result and the last event of the run it revealed are
 * acknowledged), {@code slots} (one past the highest run slot in use), {@code progress} (what {@link PublishedResults}
 * stores) and, while runs restored from a format 1 offset are still followed, their {@code runs} and {@code since} as
 * format 1 wrote them. Format 1 held every tracked run ({@code runs}, {@code since}) and the last 256 finished run ids
 * ({@code recent}) in this one offset; it is read, never written.
 */
final class PartitionOffset {

    static final String LEDGER_TOPIC_KEY = "ledgerTopic";
    static final String LEDGER_PARTITION_KEY = "ledgerPartition";
    static final int VERSION = 2;
    static final int VERSION_1 = 1;

    private static final String VERSION_KEY = "version";
    private static final String GENERATION_KEY = "generation";
    private static final String POSITION_KEY = "position";
    private static final String LOW_KEY = "low";
    private static final String SLOTS_KEY = "slots";
    private static final String PROGRESS_KEY = "progress";
    private static final String RUNS_KEY = "runs";
    /**
     * When each run of {@code runs} began to be tracked, by run id: a field of its own, since format 1 readers refuse
     * unknown fields inside {@code runs}.
     */
    private static final String SINCE_KEY = "since";
    private static final String RECENT_KEY = "recent";
    private static final String LEDGER_OFFSET = "a non-negative ledger offset";

    private static final TypeReference<List<TrackedRun>> RUN_LIST = new TypeReference<List<TrackedRun>>() { };
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<List<String>>() { };
    private static final TypeReference<List<RequestProgress>> PROGRESS_LIST =
            new TypeReference<List<RequestProgress>>() { };
    private static final TypeReference<Map<String, Long>> SINCE_MAP = new TypeReference<Map<String, Long>>() { };

    private final int version;
    private final long generation;
    private final long position;
    private final long low;
    private final int slots;
    private final List<RequestProgress> progress;
    private final List<TrackedRun> runs;
    private final List<String> recent;

    private PartitionOffset(int version, long generation, long position, long low, int slots,
                            List<RequestProgress> progress, List<TrackedRun> runs, List<String> recent) {
        this.version = version;
        this.generation = generation;
        this.position = position;
        this.low = low;
        this.slots = slots;
        this.progress = progress;
        this.runs = runs;
        this.recent = recent;
    }

    /** Connect's source partition for a ledger partition. */
    static Map<String, Object> key(String ledgerTopic, int partition) {
        Map<String, Object> key = new HashMap<>();
        key.put(LEDGER_TOPIC_KEY, ledgerTopic);
        key.put(LEDGER_PARTITION_KEY, partition);
        return key;
    }

    /**
     * Reads a stored offset of either format.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static PartitionOffset parse(Map<String, ?> offset) {
        OffsetFields fields = new OffsetFields(offset);
        int version = fields.version();
        if (version != VERSION && version != VERSION_1) {
            throw new IllegalArgumentException("offset field 'version' must be 1 or 2, got " + offset.get(VERSION_KEY));
        }
        long position = fields.nonNegative(POSITION_KEY, LEDGER_OFFSET);
        Map<String, Long> since = fields.json(SINCE_KEY, SINCE_MAP, Collections.emptyMap());
        List<TrackedRun> runs = new ArrayList<>();
        for (TrackedRun run : fields.json(RUNS_KEY, RUN_LIST, Collections.emptyList())) {
            Long sinceMs = since.get(run.runId());
            runs.add(sinceMs == null ? run : run.trackedSince(sinceMs));
        }
        List<RequestProgress> progress = fields.json(PROGRESS_KEY, PROGRESS_LIST, Collections.emptyList());
        if (version == VERSION_1) {
            return new PartitionOffset(version, 0, position, position, 0, progress, runs,
                    fields.json(RECENT_KEY, STRING_LIST, Collections.emptyList()));
        }
        long generation = fields.nonNegative(GENERATION_KEY, "a non-negative number");
        long low = fields.nonNegative(LOW_KEY, LEDGER_OFFSET, position);
        if (low > position) {
            throw new IllegalArgumentException("offset field 'low' must not be above 'position' (" + position
                    + "), got " + low);
        }
        long slots = fields.nonNegative(SLOTS_KEY, "a number of slots", 0);
        if (slots > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset field 'slots' must be a number of slots, got " + slots);
        }
        return new PartitionOffset(version, generation, position, low, (int) slots, progress, runs, List.of());
    }

    /**
     * The offset to store with a record emitted now.
     *
     * @param progressJson what {@link PublishedResults#toJson()} answers
     * @param formatOneRuns runs restored from a format 1 offset and still followed, with their last status
     */
    static Map<String, Object> format(long generation, long position, long low, int slots, String progressJson,
                                      Collection<TrackedRun> formatOneRuns) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(VERSION_KEY, VERSION);
        offset.put(GENERATION_KEY, generation);
        offset.put(POSITION_KEY, position);
        offset.put(LOW_KEY, low);
        offset.put(SLOTS_KEY, slots);
        offset.put(PROGRESS_KEY, progressJson);
        if (!formatOneRuns.isEmpty()) {
            offset.put(RUNS_KEY, OffsetFields.toJson(formatOneRuns));
            Map<String, Long> since = new LinkedHashMap<>();
            formatOneRuns.stream().filter(run -> run.trackedSinceMs() != null)
                    .forEach(run -> since.put(run.runId(), run.trackedSinceMs()));
            offset.put(SINCE_KEY, OffsetFields.toJson(since));
        }
        return offset;
    }

    /** Whether this is a format 1 offset, written by versions that kept every tracked run in it. */
    boolean formatOne() {
        return version == VERSION_1;
    }

    /** The generation of the run slots that belong with this offset (format 2 only). */
    long generation() {
        return generation;
    }

    long position() {
        return position;
    }

    long low() {
        return low;
    }

    int slots() {
        return slots;
    }

    List<RequestProgress> progress() {
        return progress;
    }

    /**
     * Runs this offset itself carries: all tracked runs of a format 1 offset, the ones still left of it in format 2.
     */
    List<TrackedRun> runs() {
        return runs;
    }

    /** Format 1 only: finished run ids ({@code run:<id>}) and, from before progress marks, result event ids. */
    List<String> recent() {
        return recent;
    }
}
