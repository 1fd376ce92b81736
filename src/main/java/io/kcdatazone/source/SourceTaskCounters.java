package io.kcdatazone.source;

import io.kcdatazone.event.EventType;
import io.kcdatazone.metrics.EventCounter;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one source task has done since it started, for its progress log lines and its metrics
 * ({@link SourceTaskMetrics}). Thread-safe: the task thread counts, and so do the SDK's threads (status calls).
 */
public final class SourceTaskCounters {

    private final Map<EventType, EventCounter> events = new EnumMap<>(EventType.class);
    final EventCounter ledgerEntries = new EventCounter();
    final EventCounter duplicateEntries = new EventCounter();
    final EventCounter unreadableEntries = new EventCounter();
    final EventCounter ledgerGaps = new EventCounter();
    final EventCounter vanishedRuns = new EventCounter();
    final EventCounter failedPolls = new EventCounter();
    final EventCounter statusCalls = new EventCounter();
    final EventCounter throttledStatusCalls = new EventCounter();
    final EventCounter pollsDelayed = new EventCounter();

    public SourceTaskCounters() {
        for (EventType type : EventType.values()) {
            events.put(type, new EventCounter());
        }
    }

    void onEvent(EventType type) {
        events.get(type).record();
    }

    void onLedgerEntry() {
        ledgerEntries.record();
    }

    void onDuplicateEntry() {
        duplicateEntries.record();
    }

    void onUnreadableEntry() {
        unreadableEntries.record();
    }

    void onLedgerGap() {
        ledgerGaps.record();
    }

    void onVanishedRun() {
        vanishedRuns.record();
    }

    void onFailedPoll() {
        failedPolls.record();
    }

    /** A status call was sent: each ListDataSourceRuns page, each GetDataSourceRun, each retry of one. */
    void onStatusCall() {
        statusCalls.record();
    }

    void onThrottledStatusCall() {
        throttledStatusCalls.record();
    }

    /** A status poll went later than due, because the status-call budget had no call to spare. */
    void onPollDelayed() {
        pollsDelayed.record();
    }

    /** The events of one type handed to Connect. */
    EventCounter eventsOf(EventType type) {
        return events.get(type);
    }

    public long events(EventType type) {
        return events.get(type).count();
    }

    public long ledgerEntries() {
        return ledgerEntries.count();
    }

    public long failedPolls() {
        return failedPolls.count();
    }

    public long statusCalls() {
        return statusCalls.count();
    }

    public long throttledStatusCalls() {
        return throttledStatusCalls.count();
    }
}
