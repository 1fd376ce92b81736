package io.kcdatazone.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to. Tests hand it to the simulator so run lifecycles, daily quotas and rate
 * limits advance exactly when the test says, without sleeping. Thread-safe.
 */
public final class ManualClock extends UtcClock {
    private final AtomicReference<Instant> now;

    /** A clock standing at {@code start}. */
    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /** Moves the clock forward by {@code amount} and returns the new instant. */
    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, got " + amount);
        }
        return now.updateAndGet(instant -> instant.plus(amount));
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
