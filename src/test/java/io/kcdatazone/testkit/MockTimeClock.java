package io.kcdatazone.testkit;

import io.kcdatazone.simulator.UtcClock;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.common.utils.MockTime;

/**
 * A {@link Clock} that reads a {@link MockTime}: handed to the DataZone simulator, it makes the simulator's runs,
 * quotas and rate limits move with the task under test, which tells time with the same {@code MockTime}.
 */
public final class MockTimeClock extends UtcClock {

    private final MockTime time;

    public MockTimeClock(MockTime time) {
        this.time = time;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(time.milliseconds());
    }
}
