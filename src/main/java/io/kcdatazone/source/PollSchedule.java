package io.kcdatazone.source;

/**
 * When to poll one data source next: at the base interval while its runs change, doubling up to the maximum while
 * they do not, so quiet data sources cost few calls and busy ones are seen quickly.
 */
final class PollSchedule {

    private final long baseIntervalMs;
    private final long maxIntervalMs;
    private long intervalMs;
    private long nextPollAtMs;

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

    /** A poll finished at {@code nowMs}; {@code changed} says whether any run changed status. */
    void polled(long nowMs, boolean changed) {
        intervalMs = changed ? baseIntervalMs : Math.min(maxIntervalMs, intervalMs * 2);
        nextPollAtMs = nowMs + intervalMs;
    }
}
