package io.kcdatazone.simulator;

import java.time.Duration;
import java.util.Random;

/** How long every call takes before it is handled: a fixed part plus a uniformly random jitter. Thread-safe. */
final class LatencyModel {
    private final Duration fixed;
    private final long jitterNanos;
    private final Random random;

    LatencyModel(Duration fixed, Duration jitter, long randomSeed) {
        this.fixed = fixed;
        this.jitterNanos = jitter.toNanos();
        this.random = new Random(randomSeed);
    }

    Duration next() {
        if (jitterNanos == 0) {
            return fixed;
        }
        synchronized (random) {
            return fixed.plusNanos((long) (random.nextDouble() * jitterNanos));
        }
    }
}
