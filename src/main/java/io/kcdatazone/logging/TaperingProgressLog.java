package io.kcdatazone.logging;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;

/**
 * Logs a task's progress at INFO often at first and ever more rarely (5 s, 10 s, 30 s, 1 min, 5 min, 15 min, then
 * hourly), as Debezium does: a new task shows at once that it works, a long-running one does not flood the log. Call
 * {@link #maybeLog()} as often as convenient; it logs only when the next line is due.
 */
public final class TaperingProgressLog {

    private static final long[] INTERVALS_MS = {5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000};

    private final Logger log;
    private final Supplier<String> progress;
    private final Time time;
    private long lastLogMs;
    private int step;

    /**
     * @param progress describes what was done since the task started, e.g. "120 requests, 118 runs started"
     */
    public TaperingProgressLog(Logger log, Supplier<String> progress, Time time) {
        this.log = log;
        this.progress = progress;
        this.time = time;
        this.lastLogMs = time.milliseconds();
    }

    public void maybeLog() {
        long now = time.milliseconds();
        long interval = INTERVALS_MS[step];
        if (now - lastLogMs < interval || !log.isInfoEnabled()) {
            return;
        }
        log.info("Progress (next line in {}): {}", Duration.ofMillis(INTERVALS_MS[Math.min(step + 1,
                INTERVALS_MS.length - 1)]).toString().substring(2).toLowerCase(), progress.get());
        lastLogMs = now;
        step = Math.min(step + 1, INTERVALS_MS.length - 1);
    }
}
