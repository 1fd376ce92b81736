package io.kcdatazone.source;

/**
 * When to poll one data source next: at the base interval while its runs change, doubling up to the maximum while
 * they do not, so quiet data sources cost few calls and busy ones are seen quickly. The interval counts from when a
 * poll was sent, not from when its answer came (a fixed rate), so the call's latency does not add to the time a change
 * waits to be seen; a failed poll waits a whole interval from its failure.
 */
final class PollSchedule {

    private final long baseIntervalMs;
    private final long maxIntervalMs;
    private long intervalMs;
    private long nextPollAtMs;
    private long sentAtMs;

    PollSchedule(long baseIntervalMs, long maxIntervalMs, long firstPollAtMs) {
        this.baseIntervalMs = baseIntervalMs;
        this.maxIntervalMs = maxIntervalMs;
        this.intervalMs = baseIntervalMs;
        this.nextPollAtMs = firstPollAtMs;
    }

    boolean due(long nowMs) {
        return nowMs >= nextPollAtMs;
    }

    long nextPollAtMs() {
        return nextPollAtMs;
    }

    /** A poll was sent at {@code nowMs}. */
    void sent(long nowMs) {
        sentAtMs = nowMs;
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
