package io.kcdatazone.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A fake of what Connect does with a source task's records and offsets, as its runtime does it (Kafka 4.x,
 * {@code WorkerSourceTask}, {@code SubmittedRecords}, {@code ExactlyOnceWorkerSourceTask}), for tests of the run
 * tracking state without a worker:
 *
 * <ul>
 *   <li>At-least-once: each record is delivered when the producer acknowledges it, in any order across output
 *   partitions, and {@code commitRecord} is called then. An offset commit stores, per source partition, the offset of
 *   the last record of its acknowledged prefix (a record whose predecessors in that source partition are all
 *   acknowledged), one key at a time, so a crash during it may store some keys and not others.</li>
 *   <li>Exactly-once ({@code transaction.boundary=poll}): a batch's records and the last offset of each of its source
 *   partitions commit atomically; {@code commitRecord} follows for every record.</li>
 *   <li>A crash loses what is not delivered, and every offset not stored.</li>
 * </ul>
 *
 * It also answers which offsets are stored, as Connect's offset reader does.
 */
final class ConnectOffsetCommits implements StoredOffsets {

    enum Mode { AT_LEAST_ONCE, EXACTLY_ONCE }

    private static final int OUTPUT_PARTITIONS = 3;

    /** A record the task handed over. */
    static final class Sent {
        private final Emission emission;
        private boolean acknowledged;
        private boolean offsetStored;

        private Sent(Emission emission) {
            this.emission = emission;
        }

        Emission emission() {
            return emission;
        }

        /** Whether a commit stored this record's offset, or a later one of its source partition. */
        boolean offsetStored() {
            return offsetStored;
        }
    }

    private final Mode mode;
    private final Consumer<Emission> commitRecord;
    private final Map<Map<String, Object>, Map<String, Object>> stored = new HashMap<>();
    private final Map<Map<String, Object>, Deque<Sent>> uncommitted = new LinkedHashMap<>();
    private final List<Sent> unacknowledged = new ArrayList<>();
    private final List<Sent> transaction = new ArrayList<>();
    private final List<Sent> delivered = new ArrayList<>();

    /** @param commitRecord what Connect calls for each acknowledged record (the task's {@code commitRecord}) */
    ConnectOffsetCommits(Mode mode, Consumer<Emission> commitRecord) {
        this.mode = mode;
        this.commitRecord = commitRecord;
    }

    Mode mode() {
        return mode;
    }

    /** The records of one {@code poll()}, handed to the producer (in exactly-once mode, to the open transaction). */
    void send(List<Emission> batch) {
        for (Emission emission : batch) {
            Sent sent = new Sent(emission);
            if (mode == Mode.EXACTLY_ONCE) {
                transaction.add(sent);
            } else {
                unacknowledged.add(sent);
                uncommitted.computeIfAbsent(emission.sourcePartition(), partition -> new ArrayDeque<>()).add(sent);
            }
        }
    }

    /**
     * At-least-once: the producer acknowledges some records: in any order across output partitions, in order within
     * one (the record key, a run's client token, picks the output partition).
     */
    void acknowledgeSome(Random random) {
        Set<Integer> waiting = new HashSet<>();
        for (Iterator<Sent> it = unacknowledged.iterator(); it.hasNext(); ) {
            Sent sent = it.next();
            int outputPartition = Math.floorMod(Objects.hashCode(sent.emission.key()), OUTPUT_PARTITIONS);
            if (!waiting.contains(outputPartition) && random.nextBoolean()) {
                it.remove();
                acknowledge(sent);
            } else {
                waiting.add(outputPartition);
            }
        }
    }

    private void acknowledge(Sent sent) {
        sent.acknowledged = true;
        delivered.add(sent);
        commitRecord.accept(sent.emission);
    }

    /**
     * At-least-once: an offset commit, of every source partition's acknowledged prefix ({@code partial}: of some
     * source partitions only, as a crash during the commit leaves it). Exactly-once: commits the open transaction.
     */
    void commit(Random random, boolean partial) {
        if (mode == Mode.EXACTLY_ONCE) {
            Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();
            for (Sent sent : transaction) {
                offsets.put(sent.emission.sourcePartition(), sent.emission.sourceOffset());
                sent.offsetStored = true;
                sent.acknowledged = true;
                delivered.add(sent);
            }
            stored.putAll(offsets);
            List<Sent> committed = new ArrayList<>(transaction);
            transaction.clear();
            committed.forEach(sent -> commitRecord.accept(sent.emission));
            return;
        }
        for (Deque<Sent> records : uncommitted.values()) {
            if (partial && random.nextBoolean()) {
                continue;
            }
            List<Sent> prefix = new ArrayList<>();
            while (!records.isEmpty() && records.peekFirst().acknowledged) {
                prefix.add(records.pollFirst());
            }
            if (!prefix.isEmpty()) {
                Sent last = prefix.get(prefix.size() - 1);
                stored.put(last.emission.sourcePartition(), last.emission.sourceOffset());
                prefix.forEach(sent -> sent.offsetStored = true);
            }
        }
        uncommitted.values().removeIf(Deque::isEmpty);
    }

    /** A clean stop: Connect waits for every record's acknowledgement, then commits once more. */
    void drain(Random random) {
        if (mode == Mode.AT_LEAST_ONCE) {
            new ArrayList<>(unacknowledged).forEach(this::acknowledge);
            unacknowledged.clear();
        }
        commit(random, false);
    }

    /** The worker dies: records not delivered are lost, and so is every offset not stored. */
    void crash() {
        unacknowledged.clear();
        uncommitted.clear();
        transaction.clear();
    }

    /** What the output topic holds, in the order it was delivered (with the repeats of at-least-once mode). */
    List<Sent> delivered() {
        return delivered;
    }

    Map<Map<String, Object>, Map<String, Object>> stored() {
        return stored;
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> read(Collection<Map<String, Object>> partitions) {
        Map<Map<String, Object>, Map<String, Object>> found = new HashMap<>();
        for (Map<String, Object> partition : partitions) {
            Map<String, Object> offset = stored.get(partition);
            if (offset != null) {
                found.put(partition, offset);
            }
        }
        return found;
    }
}
