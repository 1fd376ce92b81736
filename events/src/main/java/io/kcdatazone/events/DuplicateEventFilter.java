package io.kcdatazone.events;

import io.kcdatazone.event.DataSourceRunEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Drops repeats of events by {@code eventId}, remembering the last {@code capacity} ids it let through.
 *
 * <p>With exactly-once delivery (the source connector's {@code exactly.once.support} on a worker with
 * {@code exactly.once.source.support=enabled}, read with {@code isolation.level=read_committed}) no event repeats.
 * Otherwise the events a source task emitted after its last offset commit are emitted again after a crash, in their
 * original order and with the same {@code eventId}s; and a consumer itself sees records again after a rebalance,
 * from its group's last commit. So {@code capacity} should cover the events of the partitions a consumer reads during
 * one offset commit interval of the source ({@code offset.flush.interval.ms}, a minute by default) or of the consumer,
 * whichever is longer. Memory is about 150 bytes per id remembered.
 *
 * <p>Not thread-safe: use one per consumer thread, as a {@code KafkaConsumer} is.
 */
public final class DuplicateEventFilter {

    private final Map<String, Boolean> seen;

    /**
     * @param capacity how many of the most recent event ids to remember, at least 1
     */
    public DuplicateEventFilter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        // Insertion order: the oldest id goes first. A repeat does not refresh its id, so the memory is the last
        // `capacity` distinct events, as they first came.
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Whether {@code event} is the first with its {@code eventId} among those remembered; it is remembered from now
     * on. Act on the event only when this answers true.
     */
    public boolean firstSeen(DataSourceRunEvent event) {
        return firstSeen(event.getEventId());
    }

    /**
     * Like {@link #firstSeen(DataSourceRunEvent)}, for an event id read otherwise (a generic record, a header), or any
     * other key to act on once, such as a {@code runId} (see {@link RunEvents}).
     */
    public boolean firstSeen(CharSequence eventId) {
        return seen.putIfAbsent(Objects.requireNonNull(eventId, "eventId").toString(), Boolean.TRUE) == null;
    }

    /** How many event ids are remembered now, at most the capacity. */
    public int size() {
        return seen.size();
    }
}
