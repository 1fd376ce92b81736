package io.kcdatazone.sink;

import io.kcdatazone.ledger.ProgressMark;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the ledger's readers how far this task's outcomes are complete: from {@code preCommit}, for every request
 * partition whose committable offset moved since the last mark, a {@link ProgressMark} "every request below that offset
 * has its outcome in the ledger", written to every ledger partition. The offsets come from {@link OffsetTracker}, so
 * the outcomes they cover are acknowledged before the mark is sent, and each ledger partition holds the mark after
 * them.
 *
 * <p>Marks are an optimisation of the source's duplicate detection, never a condition of progress: they are written in
 * the background ({@code preCommit} does not wait for them; looking up the ledger's partitions may block), at most one
 * write at a time, and a failed write only logs a warning, since the next {@code preCommit} writes newer marks.
 */
final class ProgressMarks {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressMarks.class);
    /** Request partitions per mark record, so a task owning thousands of partitions stays far below 1 MB a record. */
    static final int MAX_PARTITIONS_PER_RECORD = 1_000;

    private final Function<ProgressMark, CompletableFuture<Void>> ledger;
    private final Executor executor;
    private final Clock clock;
    /** Offsets the ledger has acknowledged marks for; updated on producer threads. */
    private final Map<TopicPartition, Long> marked = new ConcurrentHashMap<>();
    private CompletableFuture<Void> writing = CompletableFuture.completedFuture(null);

    /**
     * @param ledger sends a mark to every ledger partition; the future completes when all of them acknowledged it
     * @param executor where the writes are started, off the task's thread
     */
    ProgressMarks(Function<ProgressMark, CompletableFuture<Void>> ledger, Executor executor, Clock clock) {
        this.ledger = ledger;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * Starts writing marks for the partitions whose committable offset moved, unless the previous write is still
     * under way (its successor then covers both).
     */
    void markProgress(Map<TopicPartition, OffsetAndMetadata> committable) {
        if (!writing.isDone()) {
            return;
        }
        List<ProgressMark.Below> advanced = new ArrayList<>();
        committable.forEach((partition, offset) -> {
            if (offset.offset() > marked.getOrDefault(partition, 0L)) {
                advanced.add(new ProgressMark.Below(partition.topic(), partition.partition(), offset.offset()));
            }
        });
        if (advanced.isEmpty()) {
            return;
        }
        writing = CompletableFuture.supplyAsync(() -> write(advanced), executor)
                .thenCompose(Function.identity())
                .handle((done, error) -> {
                    if (error == null) {
                        advanced.forEach(mark -> marked.merge(
                                new TopicPartition(mark.requestTopic(), mark.requestPartition()), mark.below(),
                                Math::max));
                    } else {
                        LOG.warn("Could not write a progress mark to the ledger (the next offset commit writes a newer"
                                + " one): {}", error.getMessage());
                    }
                    return null;
                });
    }

    private CompletableFuture<Void> write(List<ProgressMark.Below> marks) {
        List<CompletableFuture<Void>> records = new ArrayList<>();
        for (int from = 0; from < marks.size(); from += MAX_PARTITIONS_PER_RECORD) {
            int to = Math.min(marks.size(), from + MAX_PARTITIONS_PER_RECORD);
            records.add(ledger.apply(ProgressMark.of(marks.subList(from, to), clock.instant())));
        }
        return CompletableFuture.allOf(records.toArray(new CompletableFuture<?>[0]));
    }

    /** Revoked partitions: their next owner marks them. */
    void forget(Collection<TopicPartition> partitions) {
        marked.keySet().removeAll(partitions);
    }
}
