package io.kcdatazone.sink;

import io.kcdatazone.metrics.EventCounter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one sink task has done since it started, for its progress log lines and its metrics ({@link SinkTaskMetrics}).
 * Thread-safe: the task thread, the scheduler and producer callbacks all count.
 */
public final class SinkTaskCounters {

    final EventCounter received = new EventCounter();
    final EventCounter tombstones = new EventCounter();
    final EventCounter invalid = new EventCounter();
    final EventCounter deadLettered = new EventCounter();
    final EventCounter calls = new EventCounter();
    final EventCounter runsStarted = new EventCounter();
    final EventCounter retries = new EventCounter();
    final EventCounter throttled = new EventCounter();
    final EventCounter conflicts = new EventCounter();
    final EventCounter ledgerWrites = new EventCounter();
    final EventCounter pauses = new EventCounter();
    private final Map<String, EventCounter> startFailures = new ConcurrentHashMap<>();

    void onReceived() {
        received.record();
    }

    void onTombstone() {
        tombstones.record();
    }

    void onInvalid() {
        invalid.record();
    }

    void onPaused() {
        pauses.record();
    }

    void onDeadLettered() {
        deadLettered.record();
    }

    void onCall() {
        calls.record();
    }

    void onRunStarted() {
        runsStarted.record();
    }

    void onRetry() {
        retries.record();
    }

    void onThrottled() {
        throttled.record();
    }

    void onConflict() {
        conflicts.record();
    }

    void onLedgerWrite() {
        ledgerWrites.record();
    }

    void onStartFailed(String errorType) {
        startFailures(errorType).record();
    }

    /** The start failures of one error type (its wire name). */
    EventCounter startFailures(String errorType) {
        return startFailures.computeIfAbsent(errorType, type -> new EventCounter());
    }

    public long received() {
        return received.count();
    }

    public long pauses() {
        return pauses.count();
    }

    public long tombstones() {
        return tombstones.count();
    }

    public long invalidRequests() {
        return invalid.count();
    }

    public long deadLetteredRecords() {
        return deadLettered.count();
    }

    public long calls() {
        return calls.count();
    }

    public long runsStarted() {
        return runsStarted.count();
    }

    public long retries() {
        return retries.count();
    }

    public long throttledCalls() {
        return throttled.count();
    }

    public long conflicts() {
        return conflicts.count();
    }

    public long ledgerWrites() {
        return ledgerWrites.count();
    }

    /** Start failures by error type, sorted by type; types that did not occur are left out. */
    public Map<String, Long> startFailures() {
        Map<String, Long> copy = new TreeMap<>();
        startFailures.forEach((type, count) -> {
            if (count.count() > 0) {
                copy.put(type, count.count());
            }
        });
        return copy;
    }
}
