package io.kcdatazone.source;

import io.kcdatazone.event.EventType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What one source task has done since it started, for its progress log lines and its metrics. */
public final class SourceTaskCounters {

    private final Map<EventType, AtomicLong> events = new EnumMap<>(EventType.class);
    private final AtomicLong ledgerEntries = new AtomicLong();
    private final AtomicLong duplicateEntries = new AtomicLong();
    private final AtomicLong unreadableEntries = new AtomicLong();
    private final AtomicLong ledgerGaps = new AtomicLong();
    private final AtomicLong vanishedRuns = new AtomicLong();
    private final AtomicLong failedPolls = new AtomicLong();

    public SourceTaskCounters() {
        for (EventType type : EventType.values()) {
            events.put(type, new AtomicLong());
        }
    }

    void onEvent(EventType type) {
        events.get(type).incrementAndGet();
    }

    void onLedgerEntry() {
        ledgerEntries.incrementAndGet();
    }

    void onDuplicateEntry() {
        duplicateEntries.incrementAndGet();
    }

    void onUnreadableEntry() {
        unreadableEntries.incrementAndGet();
    }

    void onLedgerGap() {
        ledgerGaps.incrementAndGet();
    }

    void onVanishedRun() {
        vanishedRuns.incrementAndGet();
    }

    void onFailedPoll() {
        failedPolls.incrementAndGet();
    }

    public long events(EventType type) {
        return events.get(type).get();
    }

    public long ledgerEntries() {
        return ledgerEntries.get();
    }

    public long duplicateEntries() {
        return duplicateEntries.get();
    }

    public long unreadableEntries() {
        return unreadableEntries.get();
    }

    public long ledgerGaps() {
        return ledgerGaps.get();
    }

    public long vanishedRuns() {
        return vanishedRuns.get();
    }

    public long failedPolls() {
        return failedPolls.get();
    }
}
