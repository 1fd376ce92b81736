package io.kcdatazone.sink;

import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.OffsetRange;
import io.kcdatazone.ledger.ProgressMark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the ledger's readers how far this task's outcomes are complete: from {@code preCommit}, for every request
 * partition whose progress changed since the last mark, a {@link ProgressMark} written to every ledger partition:
 * every request below the committable offset has its outcome in the ledger, and so has every request received above
 * it except the ranges still pending. The progress comes from {@link OffsetTracker}, so the outcomes a mark covers are
 * acknowledged before the mark is sent, and each ledger partition holds the mark after them. Listing the pending
 * ranges lets the mark move past a slow request (a conflict retried for half an hour), so the source's memory of
 * published results stays about one commit interval of requests.
 *
 * <p>Marks are an optimisation of the source's duplicate detection, never a condition of progress: they are written in
 * the background ({@code preCommit} does not wait for them; looking up the ledger's partitions may block), at most one
 * write at a time, and a failed write only logs a warning, since the next {@code preCommit} writes newer marks.
 */
final class ProgressMarks {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressMarks.class);
    /**
     * Request partitions per mark record, so a task owning thousands of partitions stays below 1 MB a record: a
     * partition's mark is at most about 1 KB (a 249-character topic and {@value #MAX_PENDING_RANGES} ranges).
     */
    static final int MAX_PARTITIONS_PER_RECORD = 500;
    /** Pending ranges per request partition in a mark; more are merged (see {@link #withinLimit}). */
    static final int MAX_PENDING_RANGES = 16;

    private final Function<ProgressMark, CompletableFuture<Void>> ledger;
    private final Executor executor;
    private final Time time;
    private final SecretRedactor redactor;
    /** The marks the ledger acknowledged, per partition still owned; guarded by {@code this} (producer threads). */
    private final Map<TopicPartition, ProgressMark.Below> marked = new HashMap<>();
    /** Counts {@link #forget} calls, so a write that completes after one does not remember a revoked partition. */
    private long revocations;
    private CompletableFuture<Void> writing = CompletableFuture.completedFuture(null);

    /**
     * @param ledger sends a mark to every ledger partition; the future completes when all of them acknowledged it
     * @param executor where the writes are started, off the task's thread
     * @param redactor masks the ledger clients' secrets in the warning a failed write logs
     */
    ProgressMarks(Function<ProgressMark, CompletableFuture<Void>> ledger, Executor executor, Time time,
                  SecretRedactor redactor) {
        this.ledger = ledger;
        this.executor = executor;
        this.time = time;
        this.redactor = redactor;
    }

    /**
     * Starts writing marks for the partitions whose progress changed since the last acknowledged mark, unless the
     * previous write is still under way (its successor then covers both).
     */
    void markProgress(Map<TopicPartition, OffsetTracker.Progress> progress) {
        if (!writing.isDone()) {
            return;
        }
        Map<TopicPartition, ProgressMark.Below> changed = new HashMap<>();
        long revocationsBefore;
        synchronized (this) {
            progress.forEach((partition, known) -> {
                ProgressMark.Below mark = markOf(partition, known);
                if (!mark.equals(marked.get(partition))) {
                    changed.put(partition, mark);
                }
            });
            revocationsBefore = revocations;
        }
        if (changed.isEmpty()) {
            return;
        }
        writing = CompletableFuture.supplyAsync(() -> write(new ArrayList<>(changed.values())), executor)
                .thenCompose(Function.identity())
                .handle((done, error) -> {
                    if (error == null) {
                        remember(changed, revocationsBefore);
                    } else {
                        LOG.warn("Could not write a progress mark to the ledger (the next offset commit writes a newer"
                                + " one): {}", redactor.redact(String.valueOf(error.getMessage())));
                    }
                    return null;
                });
    }

    private static ProgressMark.Below markOf(TopicPartition partition, OffsetTracker.Progress known) {
        return new ProgressMark.Below(partition.topic(), partition.partition(), known.complete(), known.received(),
                withinLimit(known.pending()));
    }

    /**
     * The pending ranges, at most {@value #MAX_PENDING_RANGES}: beyond that the ranges separated by the fewest finished
     * requests are merged. A merged range also calls those finished requests pending, which claims less than is true
     * (the source keeps remembering their results until a later mark covers them), and the mark still reaches every
     * request received, so requests behind many slow ones are not left to the source's bounded memory.
     */
    static List<OffsetRange> withinLimit(List<OffsetRange> pending) {
        int merges = pending.size() - MAX_PENDING_RANGES;
        if (merges <= 0) {
            return pending;
        }
        Integer[] gaps = new Integer[pending.size() - 1];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = i;
        }
        Arrays.sort(gaps, Comparator.comparingLong(i -> pending.get(i + 1).from() - pending.get(i).to()));
        boolean[] merged = new boolean[gaps.length];
        for (int i = 0; i < merges; i++) {
            merged[gaps[i]] = true;
        }
        List<OffsetRange> limited = new ArrayList<>(MAX_PENDING_RANGES);
        long from = pending.get(0).from();
        for (int i = 0; i < gaps.length; i++) {
            if (!merged[i]) {
                limited.add(new OffsetRange(from, pending.get(i).to()));
                from = pending.get(i + 1).from();
            }
        }
        limited.add(new OffsetRange(from, pending.get(pending.size() - 1).to()));
        return limited;
    }

    private synchronized void remember(Map<TopicPartition, ProgressMark.Below> written, long revocationsBefore) {
        if (revocations == revocationsBefore) {
            marked.putAll(written);
        }
    }

    private CompletableFuture<Void> write(List<ProgressMark.Below> marks) {
        List<CompletableFuture<Void>> records = new ArrayList<>();
        Instant now = Instant.ofEpochMilli(time.milliseconds());
        for (int from = 0; from < marks.size(); from += MAX_PARTITIONS_PER_RECORD) {
            int to = Math.min(marks.size(), from + MAX_PARTITIONS_PER_RECORD);
            records.add(ledger.apply(ProgressMark.of(marks.subList(from, to), now)));
        }
        return CompletableFuture.allOf(records.toArray(new CompletableFuture<?>[0]));
    }

    /** Revoked partitions: their next owner marks them, and so does this task if it gets them back. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        marked.keySet().removeAll(partitions);
        revocations++;
    }
}
