package io.kcdatazone.simulator;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/** The request-rate quotas per operation; operations without a quota are never throttled. */
final class RateLimiter {
    private final Map<Operation, TokenBucket> buckets = new EnumMap<>(Operation.class);

    RateLimiter(Map<Operation, RateLimit> limits, Clock clock) {
        limits.forEach((operation, limit) -> buckets.put(operation, new TokenBucket(clock, limit)));
    }

    boolean tryAcquire(Operation operation) {
        TokenBucket bucket = buckets.get(operation);
        return bucket == null || bucket.tryAcquire();
    }
}
