package io.kcdatazone.logging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;

/**
 * Logs a recurring observation at most once per interval per key (a kind of observation and what it concerns, such as
 * a data source), so a condition that every poll sees is reported, not repeated with every poll. The next line of a
 * key says how many it held back meanwhile. Keys are kept for the life of the log: callers use a bounded set.
 *
 * <p>Lines are logged on the calling thread, often one of the AWS SDK's, which carry the task's logging context (see
 * {@link ContextThreads}). Thread-safe.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalMs;
    private final Time time;
    private final Map<String, Window> windows = new HashMap<>();

    /** What one key logged last and how often it stayed quiet since. */
    private static final class Window {
        private long loggedAtMs;
        private long heldBack;
    }

    public ThrottledLog(Logger log, Duration interval, Time time) {
        this.log = log;
        this.intervalMs = interval.toMillis();
        this.time = time;
    }

    public void info(String key, String format, Object... arguments) {
        log(false, key, format, arguments);
    }

    public void warn(String key, String format, Object... arguments) {
        log(true, key, format, arguments);
    }

    private void log(boolean warn, String key, String format, Object... arguments) {
        long heldBack;
        synchronized (windows) {
            long now = time.milliseconds();
            Window window = windows.get(key);
            if (window != null && now - window.loggedAtMs < intervalMs) {
                window.heldBack++;
                return;
            }
            if (window == null) {
                window = new Window();
                windows.put(key, window);
            }
            heldBack = window.heldBack;
            window.loggedAtMs = now;
            window.heldBack = 0;
        }
        String line = heldBack == 0 ? format : format + " (seen " + heldBack + " more times since the last report)";
        // SLF4J 1.7 (Connect before 3.7) has no fluent API to pick the level with.
        if (warn) {
            log.warn(line, arguments);
        } else {
            log.info(line, arguments);
        }
    }
}
