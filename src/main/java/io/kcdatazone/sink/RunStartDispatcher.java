package io.kcdatazone.sink;

import io.kcdatazone.config.DataSourceRunSinkConfig.ConflictPolicy;
import io.kcdatazone.datazone.AdaptiveRateLimiter;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * Turns parsed requests into StartDataSourceRun calls and their outcomes, within the task's limits: at most
 * {@code max.in.flight.requests} calls at once, paced by an {@link AdaptiveRateLimiter}, retrying what DataZone calls
 * transient after a {@link BackoffStrategy}'s delay until {@code retry.timeout.ms} after the request's first attempt.
 *
 * <p>All scheduling happens on one thread (the task's scheduler), so the queue, the limiter and the counters need no
 * locks; SDK callbacks only hop back onto it. A request that waits for a retry or for a conflicting run holds no call
 * slot, so a slow or busy data source never holds back requests for others.
 *
 * <p>Once DataZone answers that a data source has a run in progress, only one request for that data source (the
 * <em>probe</em>) keeps asking; the others for it wait outside the queue, with no call slot and no rate permit, each
 * within its own retry deadline. When the probe ends (started, failed, given up or cancelled) the oldest waiting one
 * takes its place. Without this, every request for a busy data source would retry on its own and take the rate budget
 * and the queue from requests for idle data sources.
 */
public final class RunStartDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RunStartDispatcher.class);
    /** {@link Attempt#wire} states: between calls, on the wire, on the wire but abandoned by {@link #cancel}. */
    private static final int OFF_WIRE = 0;
    private static final int ON_WIRE = 1;
    private static final int ABANDONED_ON_WIRE = 2;

    private final StartRunCall call;
    private final DataZoneErrorClassifier classifier;
    private final ScheduledExecutorService scheduler;
    private final int maxInFlight;
    private final AdaptiveRateLimiter limiter;
    private final BackoffStrategy backoff;
    /** {@code retry.timeout.ms} in nanoseconds, saturated: Long.MAX_VALUE means retry for ever. */
    private final long retryTimeoutNanos;
    private final ConflictPolicy onConflict;
    private final Time time;
    private final SinkTaskCounters counters;

    private final ArrayDeque<Attempt> ready = new ArrayDeque<>();
    /** Data sources DataZone called busy, with the request that probes each and the ones waiting behind it. */
    private final Map<DataSourceRef, ConflictProbe> probes = new HashMap<>();
    /** Every request without an outcome yet; the only state {@link #cancel} reads from the task's thread. */
    private final Set<Attempt> unfinished = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger abandonedOnWire = new AtomicInteger();
    private boolean drainScheduled;
    /** Whether a permit is booked from the limiter and not yet used, and when it may be used. */
    private boolean permitBooked;
    private long permitDueNanos;
    private volatile boolean closed;

    public RunStartDispatcher(StartRunCall call, DataZoneErrorClassifier classifier,
                              ScheduledExecutorService scheduler, int maxInFlight,
                              AdaptiveRateLimiter limiter, BackoffStrategy backoff, long retryTimeoutMs,
                              ConflictPolicy onConflict, Time time, SinkTaskCounters counters) {
        this.call = call;
        this.classifier = classifier;
        this.scheduler = scheduler;
        this.maxInFlight = maxInFlight;
        this.limiter = limiter;
        this.backoff = backoff;
        this.retryTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(retryTimeoutMs);
        this.onConflict = onConflict;
        this.time = time;
        this.counters = counters;
    }

    /**
     * Queues a request; the future completes with its ledger entry (RUN_STARTED or RUN_START_FAILED) and never fails,
     * except with a {@link java.util.concurrent.CancellationException} when the dispatcher is closed first or the
     * request's partition is {@linkplain #cancel cancelled}.
     */
    public CompletableFuture<LedgerEntry> submit(RequestCoordinates coordinates, String clientToken,
                                                 DataSourceRef request) {
        Attempt attempt = new Attempt(coordinates, clientToken, request);
        unfinished.add(attempt);
        attempt.outcome.whenComplete((entry, error) -> unfinished.remove(attempt));
        scheduler.execute(() -> {
            ready.addLast(attempt);
            drain();
        });
        return attempt.outcome;
    }

    /**
     * Abandons the requests of revoked partitions, wherever they are: queued, waiting for a retry or behind a probe,
     * or on the wire. Their futures are cancelled at once, so no outcome of theirs reaches the ledger however late
     * DataZone answers: the partition's new owner redelivers them and decides their outcome alone. Without this, the
     * old owner's copy could end RUN_START_FAILED (say, given up on a conflict) while the new owner's copy started the
     * run. A call on the wire keeps its slot until its answer arrives.
     *
     * @return how many requests were abandoned
     */
    public int cancel(Collection<TopicPartition> partitions) {
        Set<TopicPartition> revoked = new HashSet<>(partitions);
        int cancelled = 0;
        for (Attempt attempt : unfinished) {
            if (revoked.contains(attempt.partition()) && attempt.outcome.cancel(false)) {
                cancelled++;
                if (attempt.wire.compareAndSet(ON_WIRE, ABANDONED_ON_WIRE)) {
                    abandonedOnWire.incrementAndGet();
                }
            }
        }
        if (cancelled > 0) {
            scheduler.execute(this::forgetCancelled);
        }
        return cancelled;
    }

    /** Paces calls to a new rate budget from now on (the task's share changed); callable from any thread. */
    public void setRequestRate(double perSecond) {
        scheduler.execute(() -> limiter.setBudget(perSecond));
    }

    /**
     * Calls on the wire whose request {@link #cancel} abandoned: their requests have no outcome to wait for any more,
     * but still hold memory (and a call slot) until DataZone answers, so they still count against the task's buffer.
     */
    public int abandonedOnWire() {
        return abandonedOnWire.get();
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
            Attempt next = ready.peekFirst();
            if (next.outcome.isDone()) {
                ready.pollFirst();
                continue;
            }
            ConflictProbe probe = probes.get(next.request);
            if (probe != null && probe.prober != next) {
                ready.pollFirst();
                waitBehind(probe, next, time.nanoseconds());
                continue;
            }
            long now = time.nanoseconds();
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
            send(ready.pollFirst(), now);
        }
        if (closed) {
            ready.forEach(a -> a.outcome.cancel(false));
            ready.clear();
            for (ConflictProbe probe : probes.values()) {
                probe.waiting.forEach(a -> a.outcome.cancel(false));
            }
            probes.clear();
        }
    }

    private void scheduleDrain(long delayNanos) {
        if (!drainScheduled) {
            drainScheduled = true;
            scheduler.schedule(this::drain, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send(Attempt attempt, long now) {
        startRetryClock(attempt, now);
        if (attempt.attempts > 0) {
            counters.onRetry();
        }
        attempt.attempts++;
        attempt.sentNanos = now;
        attempt.wire.set(ON_WIRE);
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
            if (attempt.wire.getAndSet(OFF_WIRE) == ABANDONED_ON_WIRE) {
                abandonedOnWire.decrementAndGet();
            }
            try {
                if (attempt.outcome.isDone()) {
                    // Cancelled while on the wire (its partition was revoked): the answer belongs to nobody now.
                    endProbe(attempt);
                } else if (error == null) {
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

    /**
     * The retry deadline counts from the first attempt, not from {@link #submit}: a request that waited in a backlog
     * still gets its full {@code retry.timeout.ms} of retries. Only the first call starts it.
     */
    private static void startRetryClock(Attempt attempt, long now) {
        if (!attempt.retryClockStarted) {
            attempt.retryClockStarted = true;
            attempt.retryClockStartNanos = now;
        }
    }

    /** Nanoseconds of retrying left; never overflows, as the elapsed time and the timeout are both non-negative. */
    private long retryTimeLeftNanos(Attempt attempt, long now) {
        return retryTimeoutNanos - (now - attempt.retryClockStartNanos);
    }

    /** When an outcome was decided, as its ledger entry says. */
    private Instant eventTime() {
        return Instant.ofEpochMilli(time.milliseconds());
    }

    private void onStarted(Attempt attempt, StartDataSourceRunResponse response) {
        limiter.onSuccess();
        counters.onRunStarted();
        attempt.outcome.complete(LedgerEntry.started(attempt.coordinates, attempt.clientToken,
                RunSnapshot.of(response), requestIdOf(response), eventTime()));
        endProbe(attempt);
    }

    private static String requestIdOf(StartDataSourceRunResponse response) {
        return response.responseMetadata() == null ? null : response.responseMetadata().requestId();
    }

    private void onFailed(Attempt attempt, DataZoneFailure failure) {
        long now = time.nanoseconds();
        if (failure.isThrottled()) {
            limiter.onThrottled(attempt.sentNanos, now);
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
        attempt.lastFailure = failure;
        long leftNanos = retryTimeLeftNanos(attempt, now);
        if (!retry || leftNanos <= 0) {
            fail(attempt, failure, retry);
            return;
        }
        if (failure.isConflict()) {
            ConflictProbe probe = probes.computeIfAbsent(attempt.request, ds -> new ConflictProbe(attempt));
            probe.lastConflict = failure;
            if (probe.prober != attempt) {
                waitBehind(probe, attempt, now);
                return;
            }
        }
        // The SDK numbers the attempt to come, the first one being 1. Clamped to the time left, so the last retry
        // happens at the deadline instead of giving up before it.
        long delayNanos = Math.min(backoff.computeDelay(attempt.attempts + 1).toNanos(), leftNanos);
        LOG.debug("Retrying start of {} for request {} in {} ms after {} (DataZone request id {})",
                attempt.request, attempt.coordinates, TimeUnit.NANOSECONDS.toMillis(delayNanos),
                failure.errorTypeName(), failure.requestId().orElse("none"));
        scheduler.schedule(() -> {
            if (attempt.outcome.isDone()) {
                endProbe(attempt);
            } else {
                ready.addLast(attempt);
            }
            drain();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Parks a request behind the probe of its busy data source until the probe ends or the request's own retry
     * deadline passes. A request parked before its first call starts its retry clock here: DataZone's answer to the
     * probe is the answer it would have got.
     */
    private void waitBehind(ConflictProbe probe, Attempt attempt, long now) {
        startRetryClock(attempt, now);
        long leftNanos = retryTimeLeftNanos(attempt, now);
        if (leftNanos <= 0) {
            fail(attempt, lastFailureOf(attempt, probe), true);
            return;
        }
        probe.waiting.addLast(attempt);
        attempt.waitingBehind = probe;
        attempt.expiry = scheduler.schedule(() -> {
            if (attempt.waitingBehind == probe && probe.waiting.remove(attempt)) {
                attempt.waitingBehind = null;
                fail(attempt, lastFailureOf(attempt, probe), true);
            }
        }, leftNanos, TimeUnit.NANOSECONDS);
    }

    private static DataZoneFailure lastFailureOf(Attempt attempt, ConflictProbe probe) {
        return attempt.lastFailure != null ? attempt.lastFailure : probe.lastConflict;
    }

    /** When {@code attempt} was probing a busy data source, hands the probe to the oldest request waiting behind it. */
    private void endProbe(Attempt attempt) {
        ConflictProbe probe = probes.get(attempt.request);
        if (probe == null || probe.prober != attempt) {
            return;
        }
        Attempt next;
        while ((next = probe.waiting.pollFirst()) != null) {
            next.stopWaiting();
            if (!next.outcome.isDone()) {
                break;
            }
        }
        if (next == null) {
            probes.remove(attempt.request);
            return;
        }
        probe.prober = next;
        // It has waited its turn already; it need not queue again behind requests that came later.
        ready.addFirst(next);
        scheduleDrain(0);
    }

    /** Drops what {@link #cancel} abandoned from the queue and the probes. */
    private void forgetCancelled() {
        ready.removeIf(attempt -> attempt.outcome.isDone());
        for (ConflictProbe probe : new ArrayList<>(probes.values())) {
            probe.waiting.removeIf(attempt -> {
                boolean cancelled = attempt.outcome.isDone();
                if (cancelled) {
                    attempt.stopWaiting();
                }
                return cancelled;
            });
            if (probe.prober.outcome.isDone()) {
                endProbe(probe.prober);
            }
        }
        drain();
    }

    private void fail(Attempt attempt, DataZoneFailure failure, boolean retried) {
        // A request that gave up behind a probe without a call of its own has no DataZone request id of its own.
        boolean ownAnswer = attempt.lastFailure == failure;
        String detail = !retried ? failure.detail()
                : attempt.attempts == 0 ? failure.detail() + " (gave up within retry.timeout.ms, waiting behind another"
                        + " request for the same data source)"
                : failure.detail() + " (gave up after " + attempt.attempts + " attempts within retry.timeout.ms)";
        String requestId = ownAnswer ? failure.requestId().orElse(null) : null;
        counters.onStartFailed(failure.errorTypeName());
        LOG.warn("Could not start a run of {} for request {} (clientToken {}): {} {} (DataZone request id {})",
                attempt.request, attempt.coordinates, attempt.clientToken, failure.errorTypeName(), detail,
                requestId == null ? "none" : requestId);
        attempt.outcome.complete(LedgerEntry.failed(attempt.coordinates, attempt.clientToken,
                attempt.request.domainId(), attempt.request.dataSourceId(),
                new RunError(failure.errorTypeName(), detail), requestId, eventTime()));
        endProbe(attempt);
    }

    /** A data source DataZone called busy: the one request that keeps asking, and the ones waiting for their turn. */
    private static final class ConflictProbe {
        Attempt prober;
        final ArrayDeque<Attempt> waiting = new ArrayDeque<>();
        DataZoneFailure lastConflict;

        ConflictProbe(Attempt prober) {
            this.prober = prober;
        }
    }

    /** A request on its way through the dispatcher. Touched only on the scheduler thread, but for its outcome. */
    private static final class Attempt {
        final RequestCoordinates coordinates;
        final String clientToken;
        final DataSourceRef request;
        final CompletableFuture<LedgerEntry> outcome = new CompletableFuture<>();
        /** Calls made so far. */
        int attempts;
        long sentNanos;
        boolean retryClockStarted;
        long retryClockStartNanos;
        DataZoneFailure lastFailure;
        ConflictProbe waitingBehind;
        ScheduledFuture<?> expiry;
        /** Read by {@link #cancel} on the task's thread, hence atomic. */
        final AtomicInteger wire = new AtomicInteger(OFF_WIRE);

        Attempt(RequestCoordinates coordinates, String clientToken, DataSourceRef request) {
            this.coordinates = coordinates;
            this.clientToken = clientToken;
            this.request = request;
        }

        TopicPartition partition() {
            return new TopicPartition(coordinates.topic(), coordinates.partition());
        }

        void stopWaiting() {
            waitingBehind = null;
            if (expiry != null) {
                expiry.cancel(false);
                expiry = null;
            }
        }
    }
}
