package io.kcdatazone.simulator;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The base of the clocks handed to the simulator, which tells time in UTC only (as DataZone's timestamps do): a
 * subclass says only what the instant is.
 */
public abstract class UtcClock extends Clock {

    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public final Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulator works in UTC only");
    }
}
