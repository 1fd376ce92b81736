package io.kcdatazone.sink;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.LedgerAppender;
import io.kcdatazone.ledger.LedgerEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;

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
 * <p>Every send, first or retried, runs on the task's own ledger thread, never on the caller's: the producer's {@code
 * send} blocks up to {@code max.block.ms} (a minute by default) while it has no metadata for the topic (the ledger down
 * at start) or its {@code buffer.memory} is full, and the callers are the dispatcher thread, which must keep
 * dispatching and firing timers, and the task thread in {@code put()}. The single thread keeps the writes in order.
 *
 * <p>The outage is logged once when its first write fails and once when the last retried write goes through, not per
 * write, with the ledger clients' secrets masked. Thread-safe: sends run on the ledger thread, writes complete on the
 * producer's I/O thread.
 */
public final class RetryingLedgerAppender implements LedgerAppender {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingLedgerAppender.class);

    private final LedgerAppender ledger;
    private final String topic;
    private final ScheduledExecutorService ledgerThread;
    private final BackoffStrategy backoff;
    private final Time time;
    private final SecretRedactor redactor;

    /** Outcomes whose write failed and is being retried; the outage lasts while there are any. */
    private int retrying;
    private long outageStartedMs;
    private long retriedInOutage;

    /**
     * @param ledger the writes to retry
     * @param topic the ledger topic, for the log
     * @param ledgerThread runs every send and retry: a single thread that only the ledger writes use
     * @param backoff the delay before each retry of one write
     * @param time the task's clock, to tell how long the outage lasted
     * @param redactor masks the ledger clients' secrets in the errors it logs
     */
    public RetryingLedgerAppender(LedgerAppender ledger, String topic, ScheduledExecutorService ledgerThread,
                                  BackoffStrategy backoff, Time time, SecretRedactor redactor) {
        this.ledger = ledger;
        this.topic = topic;
        this.ledgerThread = ledgerThread;
        this.backoff = backoff;
        this.time = time;
        this.redactor = redactor;
    }

    /**
     * Queues an entry for the ledger thread and returns at once; the future completes once the entry is durable, or
     * fails with an error retrying cannot cure.
     */
    @Override
    public CompletableFuture<RecordMetadata> append(LedgerEntry entry) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        schedule(entry, written, 0, 0);
        return written;
    }

    private void send(LedgerEntry entry, CompletableFuture<RecordMetadata> written, int retries) {
        CompletableFuture<RecordMetadata> sent;
        try {
            sent = ledger.append(entry);
        } catch (RuntimeException e) {
            // Thrown on the ledger thread, it would be lost in the executor and leave the write pending for ever.
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((metadata, error) -> {
            Throwable cause = error == null ? null : DataZoneErrorClassifier.unwrap(error);
            if (cause == null) {
                if (retries > 0) {
                    onRetryEnded(true);
                }
                written.complete(metadata);
            } else if (cause instanceof RetriableException) {
                if (retries == 0) {
                    onFirstFailure(cause);
                }
                // The SDK numbers the send to come, the first one being 1: after this many retries, retries + 2.
                schedule(entry, written, retries + 1, backoff.computeDelay(retries + 2).toMillis());
            } else {
                if (retries > 0) {
                    onRetryEnded(false);
                }
                written.completeExceptionally(cause);
            }
        });
    }

    private void schedule(LedgerEntry entry, CompletableFuture<RecordMetadata> written, int retries, long delayMs) {
        try {
            ledgerThread.schedule(() -> send(entry, written, retries), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The task is stopping: the write is dropped, its offset was never committed, and the request is
            // redelivered after the restart.
            LOG.debug("Not writing the outcome of request {} to the ledger: the task is stopping", entry.request());
        }
    }

    private synchronized void onFirstFailure(Throwable cause) {
        retriedInOutage++;
        if (retrying++ == 0) {
            outageStartedMs = time.milliseconds();
            LOG.warn("Cannot write request outcomes to the ledger topic '{}' ({}: {}); retrying them until the ledger"
                            + " is back. Their offsets stay uncommitted, and consumption pauses at {} buffered"
                            + " requests", topic, cause.getClass().getSimpleName(), redactor.redact(cause.getMessage()),
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
                    topic, (time.milliseconds() - outageStartedMs) / 1000, retriedInOutage);
        }
        retriedInOutage = 0;
    }
}
