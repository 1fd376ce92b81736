package io.kcdatazone.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A token bucket driven by the simulator's clock, so a test decides when tokens come back. Thread-safe. */
final class TokenBucket {
    private final Clock clock;
    private final double capacity;
    private final double tokensPerSecond;
    private double tokens;
    private Instant refilledAt;

    TokenBucket(Clock clock, RateLimit limit) {
        this.clock = clock;
        this.capacity = limit.burst();
        this.tokensPerSecond = limit.requestsPerSecond();
        this.tokens = capacity;
        this.refilledAt = clock.instant();
    }

    synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        if (now.isAfter(refilledAt)) {
            double elapsedSeconds = Duration.between(refilledAt, now).toNanos() / 1e9;
            tokens = Math.min(capacity, tokens + elapsedSeconds * tokensPerSecond);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
