package io.kcdatazone.sink;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one sink task has done since it started, for its progress log lines and its metrics. Thread-safe: the task
 * thread, the scheduler and producer callbacks all count.
 */
public final class SinkTaskCounters {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong runsStarted = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong ledgerWrites = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final Map<String, AtomicLong> startFailures = new ConcurrentHashMap<>();

    void onReceived() {
        received.incrementAndGet();
    }

    void onTombstone() {
        tombstones.incrementAndGet();
    }

    void onInvalid() {
        invalid.incrementAndGet();
    }

    void onPaused() {
        pauses.incrementAndGet();
    }

    void onDeadLettered() {
        deadLettered.incrementAndGet();
    }

    void onCall() {
        calls.incrementAndGet();
    }

    void onRunStarted() {
        runsStarted.incrementAndGet();
    }

    void onRetry() {
        retries.incrementAndGet();
    }

    void onThrottled() {
        throttled.incrementAndGet();
    }

    void onConflict() {
        conflicts.incrementAndGet();
    }

    void onLedgerWrite() {
        ledgerWrites.incrementAndGet();
    }

    void onStartFailed(String errorType) {
        startFailures.computeIfAbsent(errorType, t -> new AtomicLong()).incrementAndGet();
    }

    public long received() {
        return received.get();
    }

    public long pauses() {
        return pauses.get();
    }

    public long tombstones() {
        return tombstones.get();
    }

    public long invalidRequests() {
        return invalid.get();
    }

    public long deadLetteredRecords() {
        return deadLettered.get();
    }

    public long calls() {
        return calls.get();
    }

    public long runsStarted() {
        return runsStarted.get();
    }

    public long retries() {
        return retries.get();
    }

    public long throttledCalls() {
        return throttled.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    public long ledgerWrites() {
        return ledgerWrites.get();
    }

    /** Start failures by DataZone error type, sorted by type. */
    public Map<String, Long> startFailures() {
        Map<String, Long> copy = new TreeMap<>();
        startFailures.forEach((type, count) -> copy.put(type, count.get()));
        return copy;
    }
}
