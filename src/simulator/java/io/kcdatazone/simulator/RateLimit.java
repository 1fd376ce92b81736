package io.kcdatazone.simulator;

/**
 * A request-rate quota for one operation: a token bucket holding {@code burst} tokens, refilled at
 * {@code requestsPerSecond}. A call finding the bucket empty is answered ThrottlingException.
 *
 * @param requestsPerSecond the sustained rate
 * @param burst how many calls may arrive at once
 */
public record RateLimit(double requestsPerSecond, int burst) {
    public RateLimit {
        if (requestsPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
        }
    }
}
