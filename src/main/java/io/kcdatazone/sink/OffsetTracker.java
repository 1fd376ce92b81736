package io.kcdatazone.sink;

import io.kcdatazone.ledger.OffsetRange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Tracks every record the task has accepted until its outcome is durable, and tells {@code preCommit} which offsets
 * are safe to commit: per partition, the highest offset of the contiguous prefix of finished records, plus one; and
 * {@link ProgressMarks} which records above that are finished too ({@link #progress()}).
 *
 * <p>This is the pattern of Confluent's Elasticsearch sink ({@code AsyncOffsetTracker}), keyed by the record's
 * <em>original</em> topic, partition and offset (KIP-793) so topic-renaming transforms cannot make us commit the wrong
 * partition. Completions arrive on producer callback threads, so every method is synchronized; the critical sections
 * are a few pointer moves, except {@link #progress()}, which walks the records from the first unfinished one, once per
 * offset commit.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, ArrayDeque<Tracked>> pendingByPartition = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> committable = new HashMap<>();
    private final Map<TopicPartition, Long> highestReceived = new HashMap<>();
    private int pending;

    /** A record whose outcome is not yet durable. */
    public final class Tracked {
        private final long offset;
        private boolean done;
        /** No longer counted as pending: done, or abandoned. */
        private boolean released;

        private Tracked(long offset) {
            this.offset = offset;
        }

        /** Marks the record's outcome as durable; idempotent, and still counted after its partition was revoked. */
        public void complete() {
            release(true);
        }

        /**
         * Stops counting a record that will get no outcome here (its request was abandoned at a revocation or a stop);
         * its offset is never released, so whoever owns its partition next is given the record again.
         */
        public void abandon() {
            release(false);
        }

        private void release(boolean outcomeDurable) {
            synchronized (OffsetTracker.this) {
                done |= outcomeDurable;
                if (!released) {
                    released = true;
                    pending--;
                }
            }
        }
    }

    /** Starts tracking a record, in the order the task receives it. */
    public synchronized Tracked track(SinkRecord record) {
        TopicPartition partition = new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
        Tracked tracked = new Tracked(record.originalKafkaOffset());
        pendingByPartition.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(tracked);
        highestReceived.merge(partition, tracked.offset, Math::max);
        pending++;
        return tracked;
    }

    /**
     * Returns, for every partition that has finished records, the offset after its contiguous finished prefix. The
     * result repeats earlier positions until they move, so a failed commit is simply retried by the next one.
     */
    public synchronized Map<TopicPartition, OffsetAndMetadata> committableOffsets() {
        for (Map.Entry<TopicPartition, ArrayDeque<Tracked>> entry : pendingByPartition.entrySet()) {
            ArrayDeque<Tracked> queue = entry.getValue();
            long next = -1;
            while (!queue.isEmpty() && queue.peekFirst().done) {
                next = queue.pollFirst().offset + 1;
            }
            if (next >= 0) {
                committable.put(entry.getKey(), new OffsetAndMetadata(next));
            }
        }
        return new HashMap<>(committable);
    }

    /**
     * Forgets revoked partitions: their offsets are no longer committed by this task, and their unfinished records will
     * be redelivered to whoever owns them next. Those records still count as pending until their outcome completes,
     * because their calls are still in flight here and hold memory (an eager rebalance revokes every partition).
     */
    public synchronized void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            committable.remove(partition);
            pendingByPartition.remove(partition);
            highestReceived.remove(partition);
        }
    }

    /**
     * Returns, for every partition that received records, which of its outcomes are durable: every record below
     * {@link Progress#complete()} (the committable offset), and every one from there up to {@link Progress#received()}
     * except the {@link Progress#pending()} ranges. Offsets in between that were never received (compaction gaps,
     * transaction markers, records a transform dropped) will never have an outcome, so they count as done; a pending
     * range spans them when only such offsets separate two pending records, which keeps a burst of pending records one
     * range.
     */
    public synchronized Map<TopicPartition, Progress> progress() {
        Map<TopicPartition, Progress> progress = new HashMap<>();
        highestReceived.forEach((partition, highest) -> {
            ArrayDeque<Tracked> tracked = pendingByPartition.getOrDefault(partition, new ArrayDeque<>());
            progressOf(tracked, highest + 1).ifPresent(known -> progress.put(partition, known));
        });
        return progress;
    }

    /** Empty when the records were not received in order, which Connect never does without a rewind we never ask. */
    private static Optional<Progress> progressOf(ArrayDeque<Tracked> records, long received) {
        List<OffsetRange> pending = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (Tracked tracked : records) {
            if (tracked.offset < to) {
                return Optional.empty();
            }
            if (!tracked.done) {
                from = from < 0 ? tracked.offset : from;
            } else if (from >= 0) {
                pending.add(new OffsetRange(from, to));
                from = -1;
            }
            to = tracked.offset + 1;
        }
        if (from >= 0) {
            pending.add(new OffsetRange(from, to));
        }
        return Optional.of(new Progress(pending.isEmpty() ? received : pending.get(0).from(), received, pending));
    }

    /** One partition's durable outcomes, as {@link #progress()} describes them. */
    public static final class Progress {

        private final long complete;
        private final long received;
        private final List<OffsetRange> pending;

        Progress(long complete, long received, List<OffsetRange> pending) {
            this.complete = complete;
            this.received = received;
            this.pending = List.copyOf(pending);
        }

        /** The offset below which every record has a durable outcome. */
        public long complete() {
            return complete;
        }

        /** The offset after the highest record received. */
        public long received() {
            return received;
        }

        /** The ranges, in order, within [{@link #complete()}, {@link #received()}), of records still without one. */
        public List<OffsetRange> pending() {
            return pending;
        }
    }

    /**
     * Records accepted whose outcome is not yet durable, revoked ones included; bounds the task's memory and drives
     * pausing.
     */
    public synchronized int pendingCount() {
        return pending;
    }
}
