package io.kcdatazone.source;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The stored offset of a run slot, source partition {@code {ledgerTopic, ledgerPartition, slot}}: the state of the
 * one run the slot holds, carried by each status event of that run, so the cost of an event does not depend on how
 * many runs are tracked (see docs/design/source-state.md). It names the slot's {@code generation} (a slot written in
 * another generation than its ledger partition's offset names is stale and ignored), the acknowledged {@code low} of
 * the ledger partition when it was written, the largest ledger {@code entry} that revealed the run, whether the run has
 * {@code ended} (its last event was this one), and the run itself: what the task needs to poll it and to label its
 * events (its request's {@code context} included, as JSON text), its last published {@code status}, and {@code since}
 * when it is tracked.
 */
final class SlotOffset {

    static final String SLOT_KEY = "slot";

    private static final String VERSION_KEY = "version";
    private static final String GENERATION_KEY = "generation";
    private static final String LOW_KEY = "low";
    private static final String ENTRY_KEY = "entry";
    private static final String ENDED_KEY = "ended";
    private static final String RUN_ID_KEY = "runId";
    private static final String DOMAIN_ID_KEY = "domainId";
    private static final String DATA_SOURCE_ID_KEY = "dataSourceId";
    private static final String CLIENT_TOKEN_KEY = "clientToken";
    private static final String REQUEST_TOPIC_KEY = "requestTopic";
    private static final String REQUEST_PARTITION_KEY = "requestPartition";
    private static final String REQUEST_OFFSET_KEY = "requestOffset";
    private static final String STATUS_KEY = "status";
    private static final String SINCE_KEY = "since";
    private static final String CONTEXT_KEY = "context";
    private static final TypeReference<Map<String, String>> CONTEXT_TYPE = new TypeReference<>() { };
    private static final String LEDGER_OFFSET = "a non-negative ledger offset";

    private final long generation;
    private final long low;
    private final long entry;
    private final boolean ended;
    private final TrackedRun run;

    private SlotOffset(long generation, long low, long entry, boolean ended, TrackedRun run) {
        this.generation = generation;
        this.low = low;
        this.entry = entry;
        this.ended = ended;
        this.run = run;
    }

    /** Connect's source partition for run slot {@code slot} of a ledger partition. */
    static Map<String, Object> key(String ledgerTopic, int partition, int slot) {
        Map<String, Object> key = PartitionOffset.key(ledgerTopic, partition);
        key.put(SLOT_KEY, slot);
        return key;
    }

    /**
     * Reads a stored slot offset.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static SlotOffset parse(Map<String, ?> offset) {
        OffsetFields fields = new OffsetFields(offset);
        if (fields.version() != PartitionOffset.VERSION) {
            throw new IllegalArgumentException("offset field 'version' of a run slot must be 2, got "
                    + offset.get(VERSION_KEY));
        }
        long requestOffset = fields.nonNegative(REQUEST_OFFSET_KEY, "a non-negative request offset", -1);
        long requestPartition = fields.nonNegative(REQUEST_PARTITION_KEY, "a request partition number", -1);
        String requestTopic = fields.optionalText(REQUEST_TOPIC_KEY);
        if (requestTopic != null
                && (requestOffset < 0 || requestPartition < 0 || requestPartition > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("offset fields 'requestPartition' and 'requestOffset' must be set with"
                    + " 'requestTopic'");
        }
        TrackedRun run = new TrackedRun(fields.text(RUN_ID_KEY), fields.text(DOMAIN_ID_KEY),
                fields.text(DATA_SOURCE_ID_KEY), fields.optionalText(CLIENT_TOKEN_KEY), requestTopic,
                (int) Math.max(requestPartition, 0), Math.max(requestOffset, 0), fields.optionalText(STATUS_KEY),
                fields.nonNegative(SINCE_KEY, "a time in epoch milliseconds"),
                fields.json(CONTEXT_KEY, CONTEXT_TYPE, null));
        return new SlotOffset(fields.nonNegative(GENERATION_KEY, "a non-negative number"),
                fields.nonNegative(LOW_KEY, LEDGER_OFFSET), fields.nonNegative(ENTRY_KEY, LEDGER_OFFSET),
                fields.flag(ENDED_KEY), run);
    }

    /** The offset to store with an event of {@code run}, emitted now. */
    static Map<String, Object> format(long generation, long low, long entry, boolean ended, TrackedRun run) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(VERSION_KEY, PartitionOffset.VERSION);
        offset.put(GENERATION_KEY, generation);
        offset.put(LOW_KEY, low);
        offset.put(ENTRY_KEY, entry);
        if (ended) {
            offset.put(ENDED_KEY, true);
        }
        offset.put(RUN_ID_KEY, run.runId());
        offset.put(DOMAIN_ID_KEY, run.domainId());
        offset.put(DATA_SOURCE_ID_KEY, run.dataSourceId());
        putIfSet(offset, CLIENT_TOKEN_KEY, run.clientToken());
        if (run.requestTopic() != null) {
            offset.put(REQUEST_TOPIC_KEY, run.requestTopic());
            offset.put(REQUEST_PARTITION_KEY, run.requestPartition());
            offset.put(REQUEST_OFFSET_KEY, run.requestOffset());
        }
        putIfSet(offset, STATUS_KEY, run.lastStatus());
        offset.put(SINCE_KEY, run.trackedSinceMs());
        if (run.context() != null && !ended) {
            // Bounded by the sink's request.context.max.bytes: one run's context, whatever the number of runs. An
            // ended run has no event left to label: its last offset need not carry it.
            offset.put(CONTEXT_KEY, OffsetFields.toJson(run.context()));
        }
        return offset;
    }

    private static void putIfSet(Map<String, Object> offset, String key, String value) {
        if (value != null) {
            offset.put(key, value);
        }
    }

    long generation() {
        return generation;
    }

    long low() {
        return low;
    }

    /** The largest ledger offset of an entry that revealed the run. */
    long entry() {
        return entry;
    }

    boolean ended() {
        return ended;
    }

    TrackedRun run() {
        return run;
    }
}
