package io.kcdatazone.source;

import io.kcdatazone.datazone.AdaptiveRateLimiter;
import io.kcdatazone.metrics.EventCounter;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * A source task's share of {@code status.requests.per.second}. Every status call (each ListDataSourceRuns page, each
 * GetDataSourceRun) takes a permit before it is sent, so the task never sends more calls per second than its share,
 * and fewer while DataZone throttles ({@link AdaptiveRateLimiter}: a throttled call halves the rate, successes win it
 * back step by step).
 *
 * <p>No thread ever waits for a permit. The task starts a poll only while a permit is free ({@link #permitFree()}), so
 * the first call of a poll goes at once. A later call of a poll (its next page, a GetDataSourceRun) is asked for on the
 * SDK's thread when the previous answer arrives: it too goes at once when a permit is free; otherwise it queues and
 * wakes the task, which sends queued calls from its own thread as permits free up ({@link #sendWaitingCalls()}) and
 * plans its wait around the next free permit ({@link #untilPermitFreeMs()}). Queued calls go before new polls: they
 * belong to polls that were due earlier.
 *
 * <p>Thread-safe: the task's thread and the SDK's threads share it.
 */
final class StatusCallBudget {

    private final AdaptiveRateLimiter limiter;
    private final Time time;
    private final Predicate<Throwable> isThrottled;
    private final Runnable onCallWaiting;
    /** Calls that found no permit free, first come first served; completing one with its send time sends it. */
    private final Queue<CompletableFuture<Long>> waiting = new ArrayDeque<>();
    private final EventCounter calls;
    private final AtomicLong throttledCalls = new AtomicLong();

    /**
     * @param callsPerSecond this task's share of the connector's budget; zero or less means unlimited
     * @param isThrottled whether a failed call was refused as throttled (it then halves the rate)
     * @param onCallWaiting told (on the asking thread) when a call queues for a permit, to wake the task
     * @param calls counts each call sent (published as the task's status-calls metrics)
     */
    StatusCallBudget(double callsPerSecond, Time time, Predicate<Throwable> isThrottled, Runnable onCallWaiting,
                     EventCounter calls) {
        this.limiter = new AdaptiveRateLimiter(callsPerSecond);
        this.time = time;
        this.isThrottled = isThrottled;
        this.onCallWaiting = onCallWaiting;
        this.calls = calls;
    }

    /** Sends the call once it has a permit: at once if one is free, else when the task hands it one. */
    <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        return permit().thenCompose(sentNanos -> send(call, sentNanos));
    }

    private CompletableFuture<Long> permit() {
        CompletableFuture<Long> permit = new CompletableFuture<>();
        synchronized (this) {
            long now = time.nanoseconds();
            if (waiting.isEmpty() && limiter.nanosUntilFree(now) == 0) {
                limiter.reserve(now);
                permit.complete(now);
                return permit;
            }
            waiting.add(permit);
        }
        onCallWaiting.run();
        return permit;
    }

    private <T> CompletableFuture<T> send(Supplier<CompletableFuture<T>> call, long sentNanos) {
        calls.record();
        return call.get().whenComplete((answer, error) -> onAnswer(error, sentNanos));
    }

    private synchronized void onAnswer(Throwable error, long sentNanos) {
        if (error == null) {
            limiter.onSuccess();
        } else if (isThrottled.test(error)) {
            throttledCalls.incrementAndGet();
            limiter.onThrottled(sentNanos, time.nanoseconds());
        }
    }

    /** Sends queued calls, oldest first, while permits are free. On the task's thread: the calls are sent on it. */
    void sendWaitingCalls() {
        while (true) {
            CompletableFuture<Long> next;
            long now;
            synchronized (this) {
                now = time.nanoseconds();
                if (waiting.isEmpty() || limiter.nanosUntilFree(now) > 0) {
                    return;
                }
                limiter.reserve(now);
                next = waiting.poll();
            }
            next.complete(now);
        }
    }

    /** Whether a new poll may start now: no call is queued and a permit is free. */
    synchronized boolean permitFree() {
        return waiting.isEmpty() && limiter.nanosUntilFree(time.nanoseconds()) == 0;
    }

    /** Whether calls wait for permits: the task must wake when the next one is free to send them. */
    synchronized boolean hasWaitingCalls() {
        return !waiting.isEmpty();
    }

    /** Milliseconds until a permit is free, rounded up, so a task that waits that long finds one. */
    synchronized long untilPermitFreeMs() {
        long nanos = limiter.nanosUntilFree(time.nanoseconds());
        return TimeUnit.NANOSECONDS.toMillis(nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1);
    }

    /** Status calls sent so far (each page and each GetDataSourceRun counts one). */
    long calls() {
        return calls.count();
    }

    /** Status calls DataZone answered with ThrottlingException. */
    long throttledCalls() {
        return throttledCalls.get();
    }

    /** Calls per second the task allows itself now: its share, less after throttling; +infinity when unlimited. */
    synchronized double currentRate() {
        return limiter.currentRate();
    }
}
