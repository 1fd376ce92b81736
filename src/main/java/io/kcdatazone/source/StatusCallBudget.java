package io.kcdatazone.source;

import io.kcdatazone.datazone.AdaptiveRateLimiter;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * A source task's share of {@code status.requests.per.second}. Every attempt of a status call (each ListDataSourceRuns
 * page, each GetDataSourceRun, and each retry of either) takes a permit before it is sent, so DataZone never receives
 * more calls per second from the task than its share, and fewer while it throttles ({@link AdaptiveRateLimiter}: a
 * throttled attempt halves the rate, successes win it back step by step).
 *
 * <p>Retries are the budget's, not the SDK's: the task's DataZone client makes one attempt per call
 * ({@link DataZoneClients#openWithoutSdkRetries}), and the budget asks the SDK's own retry strategy (the same
 * standard strategy, attempts and backoff the SDK would use) whether and when to try again. An SDK retrying inside
 * a call would send attempts no permit counted. The SDK's {@code datazone.api.call.timeout.ms} then bounds one attempt
 * only, so the budget keeps it for the whole call: it plans no retry that would start later than that after the call
 * was asked (the last attempt may still run up to its own timeout).
 *
 * <p>Fair: every call is due at a time, and the oldest due goes first. Due times are on {@link Time#hiResClockMs()},
 * which a change of the wall clock does not move, as are the poll schedules' ({@link PollSchedule}). The first call of
 * a poll is due when the poll was ({@link PollPacer}, which publishes the oldest due poll it holds back with
 * {@link #pollsDueSince}), a poll's next page or GetDataSourceRun when the answer before it asked for it, a retry when
 * its backoff ends. So a poll whose list is refused, and which reads its runs one by one, queues behind the polls that
 * were due before it.
 *
 * <p>Bounded: at most {@link #maxInFlight} calls are on the wire at once. An answer frees a place; a call that finds
 * none waits like one without a permit.
 *
 * <p>No thread ever waits for a permit. A call with a permit free, a place free and nothing due before it goes at
 * once, on the asking thread; otherwise it queues, and wakes the task if it can go before the task planned to wake
 * ({@link #planWait}). The task sends queued calls from its own thread as permits free up ({@link #sendWaitingCalls})
 * and plans its wait around them. Thread-safe: the task's thread and the SDK's threads share it.
 */
final class StatusCallBudget {

    /**
     * A task keeps at most as many calls on the wire as its share of the budget sends in this time: DataZone answers
     * in well under a second, so the cap binds only when it slows down, and then the task sends fewer calls instead of
     * piling them onto it.
     */
    static final Duration IN_FLIGHT_WINDOW = Duration.ofSeconds(2);
    /** However small the share, a call that hangs until its timeout does not stop every other one. */
    static final int MIN_IN_FLIGHT = 2;
    /**
     * Connections the task's client has beyond {@link #maxInFlight}: an answer frees its place in the budget when its
     * future completes, which may be before the SDK has handed its connection back to the pool, and the call sent in
     * that place then finds one free instead of waiting for it against its timeout.
     */
    static final int SPARE_CONNECTIONS = 2;
    private static final String RETRY_SCOPE = "status-calls";

    private final AdaptiveRateLimiter limiter;
    private final int maxInFlight;
    private final RetryStrategy retries;
    private final long callTimeoutNanos;
    private final Time time;
    private final Predicate<Throwable> isThrottled;
    private final Runnable onCallWaiting;
    /** Calls that could not go when asked, oldest due first (first asked among equals). */
    private final PriorityQueue<Waiting> waiting = new PriorityQueue<>(
            Comparator.comparingLong(Waiting::dueMs).thenComparingLong(Waiting::order));
    private final SourceTaskCounters counters;
    private long asked;
    private int inFlight;
    /** When the oldest poll the pacer holds back, or has yet to start, is due; Long.MAX_VALUE when none. */
    private long pollsDueSinceMs = Long.MAX_VALUE;
    /**
     * When the task wakes from its wait as it planned it ({@link #planWait}), or when it was last woken: a call is
     * worth a wake-up only if it can go before then. Long.MAX_VALUE until the task first plans.
     */
    private long plannedWakeMs = Long.MAX_VALUE;
    /** Set by {@link #close()}: no call or retry is sent after it, on any thread. */
    private volatile boolean closed;

    /** A call waiting for its turn; completing {@code permit} with the send time sends it. */
    private static final class Waiting {
        private final long dueMs;
        private final long order;
        private final CompletableFuture<Long> permit = new CompletableFuture<>();

        Waiting(long dueMs, long order) {
            this.dueMs = dueMs;
            this.order = order;
        }

        long dueMs() {
            return dueMs;
        }

        long order() {
            return order;
        }
    }

    /**
     * @param callsPerSecond this task's share of the connector's budget; zero or less means unlimited
     * @param retries decides whether and when a failed attempt is tried again (the SDK's standard strategy)
     * @param callTimeout how long after it was asked a call may still plan a retry
     *                    ({@code datazone.api.call.timeout.ms})
     * @param isThrottled whether a failed attempt was refused as throttled (it then halves the rate)
     * @param onCallWaiting told (on the asking or answering thread) when a call queues, or a place on the wire frees
     *                      up for a queued call or due poll, due before the task planned to wake, to wake it
     * @param counters counts each attempt sent, and each one throttled
     */
    StatusCallBudget(double callsPerSecond, RetryStrategy retries, Duration callTimeout, Time time,
                     Predicate<Throwable> isThrottled, Runnable onCallWaiting, SourceTaskCounters counters) {
        this.limiter = new AdaptiveRateLimiter(callsPerSecond);
        this.maxInFlight = maxInFlight(callsPerSecond);
        this.retries = retries;
        this.callTimeoutNanos = callTimeout.toNanos();
        this.time = time;
        this.isThrottled = isThrottled;
        this.onCallWaiting = onCallWaiting;
        this.counters = counters;
    }

    /**
     * The most calls a task with this share keeps on the wire: its share's worth of {@link #IN_FLIGHT_WINDOW}, at
     * least {@value #MIN_IN_FLIGHT}, at most the {@value DataZoneClients#DEFAULT_MAX_CONCURRENCY} connections of the
     * SDK's default pool (also without a budget). The task sizes its client's pool to it and a few to spare
     * ({@link #connections}), so a call rarely waits for a connection inside the SDK, where its time would count
     * against the call's timeout.
     */
    static int connections(double callsPerSecond) {
        return maxInFlight(callsPerSecond) + SPARE_CONNECTIONS;
    }

    static int maxInFlight(double callsPerSecond) {
        if (callsPerSecond <= 0) {
            return DataZoneClients.DEFAULT_MAX_CONCURRENCY;
        }
        double inWindow = Math.ceil(callsPerSecond * IN_FLIGHT_WINDOW.toMillis() / 1000.0);
        return (int) Math.max(MIN_IN_FLIGHT, Math.min(DataZoneClients.DEFAULT_MAX_CONCURRENCY, inWindow));
    }

    /** A call due now: the next page or GetDataSourceRun of a poll under way. */
    <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        return call(time.hiResClockMs(), call);
    }

    /**
     * Sends the call, and each retry the retry strategy allows, each once it has its turn and a permit.
     *
     * @param dueMs when the call became due, which places it among the others waiting
     */
    <T> CompletableFuture<T> call(long dueMs, Supplier<CompletableFuture<T>> call) {
        RetryToken token = retries.acquireInitialToken(AcquireInitialTokenRequest.create(RETRY_SCOPE)).token();
        return attempt(call, token, dueMs, time.nanoseconds());
    }

    private <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> call, RetryToken token, long dueMs,
                                             long askedNanos) {
        return permit(dueMs).thenCompose(sentNanos -> send(call, sentNanos))
                .handle((answer, error) -> {
                    if (error == null) {
                        retries.recordSuccess(RecordSuccessRequest.create(token));
                        return CompletableFuture.completedFuture(answer);
                    }
                    Throwable failure = DataZoneErrorClassifier.unwrap(error);
                    if (closed) {
                        // The client is closing: its connections fail with retriable errors, and a retry would be
                        // sent through a closed client.
                        return CompletableFuture.<T>failedFuture(failure);
                    }
                    RefreshRetryTokenResponse retry;
                    try {
                        retry = retries.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token)
                                .failure(failure).build());
                    } catch (TokenAcquisitionFailedException notRetried) {
                        return CompletableFuture.<T>failedFuture(failure);
                    }
                    long backoffNanos = retry.delay().toNanos();
                    if (time.nanoseconds() - askedNanos + backoffNanos > callTimeoutNanos) {
                        return CompletableFuture.<T>failedFuture(failure);
                    }
                    long backoffMs = TimeUnit.NANOSECONDS.toMillis(backoffNanos + 999_999);
                    return attempt(call, retry.token(), time.hiResClockMs() + backoffMs, askedNanos);
                })
                .thenCompose(Function.identity());
    }

    private CompletableFuture<Long> permit(long dueMs) {
        Waiting call;
        boolean wake;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(stopped());
            }
            long nowNanos = time.nanoseconds();
            long nowMs = time.hiResClockMs();
            Waiting next = waiting.peek();
            boolean olderWaits = next != null && next.dueMs <= Math.min(nowMs, dueMs);
            if (dueMs <= nowMs && dueMs <= pollsDueSinceMs && !olderWaits && canSend(nowNanos)) {
                return CompletableFuture.completedFuture(take(nowNanos));
            }
            call = new Waiting(dueMs, asked++);
            waiting.add(call);
            wake = wakesTask(dueMs, nowMs);
        }
        if (wake) {
            onCallWaiting.run();
        }
        return call.permit;
    }

    private boolean canSend(long nowNanos) {
        return inFlight < maxInFlight && limiter.nanosUntilFree(nowNanos) == 0;
    }

    /** Books a permit and a place on the wire; returns the send time. */
    private long take(long nowNanos) {
        limiter.reserve(nowNanos);
        inFlight++;
        return nowNanos;
    }

    private <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> call, long sentNanos) {
        CompletableFuture<T> answer;
        try {
            answer = call.get();
            counters.onStatusCall();
        } catch (RuntimeException e) {
            // Never sent (a request the SDK refused to build): not a status call DataZone received.
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.whenComplete((ignored, error) -> onAnswer(error, sentNanos));
    }

    private void onAnswer(Throwable error, long sentNanos) {
        boolean wake;
        boolean throttled = false;
        synchronized (this) {
            Waiting next = waiting.peek();
            long nextDueMs = Math.min(next == null ? Long.MAX_VALUE : next.dueMs, pollsDueSinceMs);
            // With every place taken the task planned no wake-up for a permit: the freed place may bring it forward.
            wake = inFlight-- == maxInFlight && wakesTask(nextDueMs, time.hiResClockMs());
            if (error == null) {
                limiter.onSuccess();
            } else if (isThrottled.test(error)) {
                throttled = true;
                limiter.onThrottled(sentNanos, time.nanoseconds());
            }
        }
        if (throttled) {
            // Outside the lock: the metrics' sensors take locks of their own.
            counters.onThrottledStatusCall();
        }
        if (wake) {
            // The task waited for a place on the wire, which only an answer frees.
            onCallWaiting.run();
        }
    }

    /**
     * Sends queued calls due by {@code dueByMs} (and by now), oldest first, while permits and places are free. On the
     * task's thread: the calls are sent on it.
     */
    void sendWaitingCalls(long dueByMs) {
        while (true) {
            Waiting next;
            long sentNanos;
            synchronized (this) {
                long nowNanos = time.nanoseconds();
                next = waiting.peek();
                if (next == null || next.dueMs > Math.min(dueByMs, time.hiResClockMs()) || !canSend(nowNanos)) {
                    return;
                }
                waiting.poll();
                sentNanos = take(nowNanos);
            }
            next.permit.complete(sentNanos);
        }
    }

    /**
     * Stops the budget before the task closes its DataZone client: every queued call and retry fails with a
     * {@link CancellationException}, a call asked from now on fails without being sent, and a call on the wire is
     * not tried again whatever its answer. Any thread.
     */
    void close() {
        List<Waiting> cancelled;
        synchronized (this) {
            closed = true;
            cancelled = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Waiting call : cancelled) {
            call.permit.completeExceptionally(stopped());
        }
    }

    private static CancellationException stopped() {
        return new CancellationException("The task stops: no more status calls");
    }

    /** Sends every queued call that is due, oldest first, while permits and places are free. */
    void sendWaitingCalls() {
        sendWaitingCalls(Long.MAX_VALUE);
    }

    /** Whether a call may go now: a permit is free and a place on the wire. */
    synchronized boolean canSend() {
        return canSend(time.nanoseconds());
    }

    /**
     * The pacer's oldest poll due and not started yet, or Long.MAX_VALUE: a call asked on another thread goes at once
     * only when it is due no later, so it does not take the permit of a poll that has waited longer.
     */
    synchronized void pollsDueSince(long dueMs) {
        pollsDueSinceMs = dueMs;
    }

    /** Milliseconds until the oldest queued call is due: 0 when one is, Long.MAX_VALUE when none queues. */
    synchronized long untilNextWaitingCallMs() {
        Waiting next = waiting.peek();
        return next == null ? Long.MAX_VALUE : Math.max(0, next.dueMs - time.hiResClockMs());
    }

    /**
     * Milliseconds until a permit is free, rounded up, so a task that waits that long finds one; Long.MAX_VALUE while
     * every place on the wire is taken, since only an answer frees one (and then wakes the task).
     */
    synchronized long untilPermitFreeMs() {
        if (inFlight >= maxInFlight) {
            return Long.MAX_VALUE;
        }
        long nanos = limiter.nanosUntilFree(time.nanoseconds());
        return TimeUnit.NANOSECONDS.toMillis(nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1);
    }

    /**
     * Whether a call due at {@code dueMs} must wake the task: only when it could go (due, and a permit and a place
     * free) before the wake-up the task planned, so a retry due seconds later, or a call behind one the task already
     * waits for, does not; with every place taken only an answer wakes it. A wake-up counts as the task's
     * next one until it plans its wait again. Under the lock.
     */
    private boolean wakesTask(long dueMs, long nowMs) {
        long untilFree = untilPermitFreeMs();
        if (untilFree == Long.MAX_VALUE || Math.max(dueMs, nowMs + untilFree) >= plannedWakeMs) {
            return false;
        }
        plannedWakeMs = nowMs;
        return true;
    }

    /**
     * The task's wait until a call or poll may go: until the next poll is due ({@code untilPollDueMs}) or the oldest
     * queued call is, and then a permit is free, at most {@code maxWaitMs}. Remembered, so that only a call due before
     * it wakes the task ({@link #wakesTask}); planned under the lock, so no call queued meanwhile goes unnoticed.
     */
    synchronized long planWait(long untilPollDueMs, long maxWaitMs) {
        long untilDue = Math.min(untilPollDueMs, untilNextWaitingCallMs());
        long wait = Math.min(Math.max(untilDue, untilPermitFreeMs()), maxWaitMs);
        plannedWakeMs = time.hiResClockMs() + wait;
        return wait;
    }

    /** Calls on the wire now. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Calls per second the task allows itself now: its share, less after throttling; +infinity when unlimited. */
    synchronized double currentRate() {
        return limiter.currentRate();
    }
}
