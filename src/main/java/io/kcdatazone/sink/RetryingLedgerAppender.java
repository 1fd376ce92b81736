package io.kcdatazone.sink;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.ledger.LedgerAppender;
import io.kcdatazone.ledger.LedgerEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out an outage of the ledger cluster instead of failing the task: a write that fails with a retriable error
 * (the producer's {@code delivery.timeout.ms} passed, not enough in-sync replicas, no leader, a network error) is sent
 * again after a backoff, for as long as it takes. Sending an entry twice is harmless, as the source keeps the first
 * entry per request coordinates.
 *
 * <p>Meanwhile the request's offset stays uncommitted and the request counts against {@code max.buffered.records}, so
 * the task pauses consumption when the buffer fills: back-pressure rather than a failed task. An error retrying cannot
 * cure (not authorized, record too large, producer fenced) still fails the write, and with it the task.
 *
 * <p>The outage is logged once when its first write fails and once when the last retried write goes through, not per
 * write. Thread-safe: writes complete on the producer's I/O thread, retries run on the given scheduler.
 */
public final class RetryingLedgerAppender implements LedgerAppender {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingLedgerAppender.class);

    private final LedgerAppender ledger;
    private final String topic;
    private final ScheduledExecutorService scheduler;
    private final RetryBackoff backoff;
    private final LongSupplier nowMs;

    /** Outcomes whose write failed and is being retried; the outage lasts while there are any. */
    private int retrying;
    private long outageStartedMs;
    private long retriedInOutage;

    /**
     * @param ledger the writes to retry
     * @param topic the ledger topic, for the log
     * @param scheduler runs the retries
     * @param backoff the delay before each retry of one write
     * @param nowMs the wall clock in milliseconds, to tell how long the outage lasted
     */
    public RetryingLedgerAppender(LedgerAppender ledger, String topic, ScheduledExecutorService scheduler,
                                  RetryBackoff backoff, LongSupplier nowMs) {
        this.ledger = ledger;
        this.topic = topic;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.nowMs = nowMs;
    }

    /** Sends an entry; the future completes once it is durable, or fails with an error retrying cannot cure. */
    @Override
    public CompletableFuture<RecordMetadata> append(LedgerEntry entry) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        send(entry, written, 0);
        return written;
    }

    private void send(LedgerEntry entry, CompletableFuture<RecordMetadata> written, int retries) {
        ledger.append(entry).whenComplete((metadata, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause == null) {
                if (retries > 0) {
                    onRetryEnded(true);
                }
                written.complete(metadata);
            } else if (cause instanceof RetriableException) {
                if (retries == 0) {
                    onFirstFailure(cause);
                }
                scheduleRetry(entry, written, retries);
            } else {
                if (retries > 0) {
                    onRetryEnded(false);
                }
                written.completeExceptionally(cause);
            }
        });
    }

    private void scheduleRetry(LedgerEntry entry, CompletableFuture<RecordMetadata> written, int retries) {
        try {
            scheduler.schedule(() -> send(entry, written, retries + 1), backoff.delayMs(retries),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The task is stopping: the write is dropped, its offset was never committed, and the request is
            // redelivered after the restart.
            LOG.debug("Not retrying the ledger write of request {}: the task is stopping", entry.request());
        }
    }

    private synchronized void onFirstFailure(Throwable cause) {
        retriedInOutage++;
        if (retrying++ == 0) {
            outageStartedMs = nowMs.getAsLong();
            LOG.warn("Cannot write request outcomes to the ledger topic '{}' ({}: {}); retrying them until the ledger"
                            + " is back. Their offsets stay uncommitted, and consumption pauses at {} buffered"
                            + " requests", topic, cause.getClass().getSimpleName(), cause.getMessage(),
                    DataSourceRunSinkConfig.MAX_BUFFERED_RECORDS);
        }
    }

    /** A retried write went through, or failed for good (the task then fails, and says why). */
    private synchronized void onRetryEnded(boolean through) {
        if (--retrying > 0) {
            return;
        }
        if (through) {
            LOG.info("Request outcomes reach the ledger topic '{}' again, after {} s; {} outcomes were retried",
                    topic, (nowMs.getAsLong() - outageStartedMs) / 1000, retriedInOutage);
        }
        retriedInOutage = 0;
    }
}
