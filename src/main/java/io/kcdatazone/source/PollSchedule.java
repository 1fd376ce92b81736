package io.kcdatazone.source;

import java.util.Collection;

/**
 * When to poll one data source next: at the base interval while its runs change, doubling up to the maximum while
 * they do not, so quiet data sources cost few calls and busy ones are seen quickly. The interval counts from when a
 * poll was sent, not from when its answer came (a fixed rate), so the call's latency does not add to the time a change
 * waits to be seen; a failed poll waits a whole interval from its failure. A poll that is due but waits for the task's
 * status-call budget stays due at its due time, so the one due longest goes first ({@link PollPacer}).
 */
final class PollSchedule {

    private final long baseIntervalMs;
    private final long maxIntervalMs;
    private long intervalMs;
    private long nextPollAtMs;
    private long sentAtMs;
    private boolean heldByBudget;

    PollSchedule(long baseIntervalMs, long maxIntervalMs, long firstPollAtMs) {
        this.baseIntervalMs = baseIntervalMs;
        this.maxIntervalMs = maxIntervalMs;
        this.intervalMs = baseIntervalMs;
        this.nextPollAtMs = firstPollAtMs;
    }

    /**
     * How long a task with these schedules may wait for the ledger before a poll is due, at most {@code maxWaitMs}.
     */
    static long untilNextDue(Collection<PollSchedule> schedules, long nowMs, long maxWaitMs) {
        long next = schedules.stream().mapToLong(PollSchedule::nextPollAtMs).min().orElse(Long.MAX_VALUE);
        return Math.max(0, Math.min(next - nowMs, maxWaitMs));
    }

    boolean due(long nowMs) {
        return nowMs >= nextPollAtMs;
    }

    long nextPollAtMs() {
        return nextPollAtMs;
    }

    /**
     * A poll was sent at {@code nowMs}. Until its answer comes the data source is not due: a task waiting on calls in
     * flight sleeps until another poll is due or an answer wakes it, instead of spinning on a due time in the past.
     */
    void sent(long nowMs) {
        sentAtMs = nowMs;
        nextPollAtMs = Long.MAX_VALUE;
        heldByBudget = false;
    }

    /** Due, but the status-call budget has no permit free: the poll stays due, at its due time, until it is sent. */
    void heldByBudget() {
        heldByBudget = true;
    }

    /** Whether this poll, due since {@link #nextPollAtMs()}, has waited for the status-call budget. */
    boolean wasHeldByBudget() {
        return heldByBudget;
    }

    /**
     * The poll sent last answered at {@code nowMs}; {@code changed} says whether any run changed status. The next
     * one is due an interval after that poll was sent, or at once if the answer took longer than that.
     */
    void polled(long nowMs, boolean changed) {
        intervalMs = changed ? baseIntervalMs : Math.min(maxIntervalMs, intervalMs * 2);
        nextPollAtMs = Math.max(nowMs, sentAtMs + intervalMs);
    }

    /** The poll sent last failed at {@code nowMs}: the next one waits a whole interval, so failures are not hurried. */
    void failed(long nowMs) {
        intervalMs = Math.min(maxIntervalMs, intervalMs * 2);
        nextPollAtMs = nowMs + intervalMs;
    }
}
