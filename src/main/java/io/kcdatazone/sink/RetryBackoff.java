package io.kcdatazone.sink;

import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the n-th retry waits
 * a uniformly random time in {@code [0, min(max, initial * 2^n)]}, so retries of many requests spread out instead of
 * arriving at DataZone in waves.
 */
public final class RetryBackoff {

    private final long initialMs;
    private final long maxMs;
    private final LongUnaryOperator randomBelow;

    /**
     * @param randomBelow returns a uniformly random value in {@code [0, bound)} for a positive bound
     */
    public RetryBackoff(long initialMs, long maxMs, LongUnaryOperator randomBelow) {
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("need 1 <= initialMs <= maxMs, got " + initialMs + ", " + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.randomBelow = randomBelow;
    }

    /** The delay before retry number {@code retry} (0 for the first retry). */
    public long delayMs(int retry) {
        long ceiling = ceilingMs(retry);
        // Saturated: with a maximum of Long.MAX_VALUE, ceiling + 1 would overflow to a bound nextLong refuses.
        return randomBelow.applyAsLong(ceiling == Long.MAX_VALUE ? ceiling : ceiling + 1);
    }

    /** The largest delay retry number {@code retry} can get. */
    public long ceilingMs(int retry) {
        int shift = Math.max(retry, 0);
        boolean overflows = shift >= Long.numberOfLeadingZeros(initialMs) - 1;
        return overflows ? maxMs : Math.min(initialMs << shift, maxMs);
    }
}
