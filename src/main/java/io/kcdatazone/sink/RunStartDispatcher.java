package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * Turns parsed requests into StartDataSourceRun calls and their outcomes, within the task's limits: at most
 * {@code max.in.flight.requests} calls at once, paced by an {@link AdaptiveRateLimiter}, retrying what DataZone calls
 * transient with {@link RetryBackoff} until {@code retry.timeout.ms}.
 *
 * <p>All scheduling happens on one thread (the task's scheduler), so the queue, the limiter and the counters need no
 * locks; SDK callbacks only hop back onto it. A request that waits for a retry or for a conflicting run holds no call
 * slot, so a slow or busy data source never holds back requests for others.
 */
public final class RunStartDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RunStartDispatcher.class);

    /** What to do when DataZone says a run of the data source is already in progress. */
    public enum ConflictPolicy {
        RETRY,
        FAIL
    }

    private final StartRunCall call;
    private final DataZoneErrorClassifier classifier;
    private final ScheduledExecutorService scheduler;
    private final int maxInFlight;
    private final AdaptiveRateLimiter limiter;
    private final RetryBackoff backoff;
    private final long retryTimeoutNanos;
    private final ConflictPolicy onConflict;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final SinkTaskCounters counters;

    private final ArrayDeque<Attempt> ready = new ArrayDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private boolean drainScheduled;
    /** Whether a permit is booked from the limiter and not yet used, and when it may be used. */
    private boolean permitBooked;
    private long permitDueNanos;
    private volatile boolean closed;

    public RunStartDispatcher(StartRunCall call, DataZoneErrorClassifier classifier,
                              ScheduledExecutorService scheduler, int maxInFlight,
                              AdaptiveRateLimiter limiter, RetryBackoff backoff, long retryTimeoutMs,
                              ConflictPolicy onConflict, LongSupplier nanoTime, Clock clock,
                              SinkTaskCounters counters) {
        this.call = call;
        this.classifier = classifier;
        this.scheduler = scheduler;
        this.maxInFlight = maxInFlight;
        this.limiter = limiter;
        this.backoff = backoff;
        this.retryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(retryTimeoutMs);
        this.onConflict = onConflict;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * Queues a request; the future completes with its ledger entry (RUN_STARTED or RUN_START_FAILED) and never fails,
     * except with a {@link java.util.concurrent.CancellationException} when the dispatcher is closed first.
     */
    public CompletableFuture<LedgerEntry> submit(RequestCoordinates coordinates, String clientToken,
                                                 DataSourceRef request) {
        Attempt attempt = new Attempt(coordinates, clientToken, request, nanoTime.getAsLong() + retryTimeoutNanos);
        scheduler.execute(() -> {
            ready.addLast(attempt);
            drain();
        });
        return attempt.outcome;
    }

    /** Calls currently waiting for DataZone's answer. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Stops scheduling; queued and retrying requests are abandoned (their offsets are not committed). */
    public void close() {
        closed = true;
    }

    private void drain() {
        drainScheduled = false;
        while (!closed && !ready.isEmpty() && inFlight.get() < maxInFlight) {
            long now = nanoTime.getAsLong();
            if (!permitBooked) {
                permitDueNanos = now + limiter.reserve(now);
                permitBooked = true;
            }
            if (permitDueNanos > now) {
                // The permit stays booked for a later drain. Booking another one each time would move the next call
                // one interval further out on every drain, and a timer that fires on time would never catch up.
                scheduleDrain(permitDueNanos - now);
                return;
            }
            permitBooked = false;
            send(ready.pollFirst());
        }
        if (closed) {
            ready.forEach(a -> a.outcome.cancel(false));
            ready.clear();
        }
    }

    private void scheduleDrain(long delayNanos) {
        if (!drainScheduled) {
            drainScheduled = true;
            scheduler.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send(Attempt attempt) {
        inFlight.incrementAndGet();
        counters.onCall();
        CompletableFuture<StartDataSourceRunResponse> response;
        try {
            response = call.start(attempt.request, attempt.clientToken);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((result, error) -> scheduler.execute(() -> {
            inFlight.decrementAndGet();
            try {
                if (error == null) {
                    onStarted(attempt, result);
                } else {
                    onFailed(attempt, classifier.classify(error));
                }
            } catch (RuntimeException e) {
                // A bug of ours must fail the task loudly, not leave a request hanging without an outcome.
                attempt.outcome.completeExceptionally(e);
            }
            drain();
        }));
    }

    private void onStarted(Attempt attempt, StartDataSourceRunResponse response) {
        limiter.onSuccess();
        counters.onRunStarted();
        attempt.outcome.complete(LedgerEntry.started(attempt.coordinates, attempt.clientToken,
                RunSnapshot.of(response), requestIdOf(response), clock.instant()));
    }

    private static String requestIdOf(StartDataSourceRunResponse response) {
        return response.responseMetadata() == null ? null : response.responseMetadata().requestId();
    }

    private void onFailed(Attempt attempt, DataZoneFailure failure) {
        if (failure.isThrottled()) {
            limiter.onThrottled();
            counters.onThrottled();
        }
        boolean retry = failure.isRetriable() || (failure.isConflict() && onConflict == ConflictPolicy.RETRY);
        if (failure.isConflict()) {
            counters.onConflict();
        }
        if (retry && closed) {
            // The task is stopping: the request is redelivered after the restart, so a transient failure now is no
            // outcome; recording it as RUN_START_FAILED would end a request that would have started a run.
            attempt.outcome.cancel(false);
            return;
        }
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(backoff.delayMs(attempt.retries));
        if (retry && nanoTime.getAsLong() + delayNanos < attempt.deadlineNanos) {
            attempt.retries++;
            counters.onRetry();
            LOG.debug("Retrying start of {} for request {} in {} ms after {} (DataZone request id {})",
                    attempt.request, attempt.coordinates, TimeUnit.NANOSECONDS.toMillis(delayNanos),
                    failure.errorType(), failure.requestId().orElse("none"));
            scheduler.schedule(() -> {
                ready.addLast(attempt);
                drain();
            }, delayNanos, TimeUnit.NANOSECONDS);
            return;
        }
        String detail = retry
                ? failure.detail() + " (gave up after " + (attempt.retries + 1) + " attempts within retry.timeout.ms)"
                : failure.detail();
        counters.onStartFailed(failure.errorType());
        LOG.warn("Could not start a run of {} for request {} (clientToken {}): {} {} (DataZone request id {})",
                attempt.request, attempt.coordinates, attempt.clientToken, failure.errorType(), detail,
                failure.requestId().orElse("none"));
        attempt.outcome.complete(LedgerEntry.failed(attempt.coordinates, attempt.clientToken,
                attempt.request.domainId(), attempt.request.dataSourceId(),
                new RunError(failure.errorType(), detail), failure.requestId().orElse(null), clock.instant()));
    }

    /** A request on its way through the dispatcher. Touched only on the scheduler thread. */
    private static final class Attempt {
        final RequestCoordinates coordinates;
        final String clientToken;
        final DataSourceRef request;
        final long deadlineNanos;
        final CompletableFuture<LedgerEntry> outcome = new CompletableFuture<>();
        int retries;

        Attempt(RequestCoordinates coordinates, String clientToken, DataSourceRef request, long deadlineNanos) {
            this.coordinates = coordinates;
            this.clientToken = clientToken;
            this.request = request;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
