package io.kcdatazone.ledger;

import java.util.Objects;

/** Where a request record was read: its original topic, partition and offset (before any renaming transform). */
public final class RequestCoordinates {

    private final String topic;
    private final int partition;
    private final long offset;

    public RequestCoordinates(String topic, int partition, long offset) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RequestCoordinates)) {
            return false;
        }
        RequestCoordinates that = (RequestCoordinates) o;
        return topic.equals(that.topic) && partition == that.partition && offset == that.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
