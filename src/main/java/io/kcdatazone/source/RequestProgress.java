package io.kcdatazone.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a source task knows of one request partition's results within one ledger partition: the sink's latest progress
 * mark ({@code below}: every request under it has its result out) and the requests at or above it whose result it
 * published, each with the run that result revealed (null for none). Stored in the source offsets with short names.
 */
final class RequestProgress {

    private final String topic;
    private final int partition;
    private long below;
    private final TreeMap<Long, String> published = new TreeMap<>();

    @JsonCreator
    RequestProgress(@JsonProperty("t") String topic,
                    @JsonProperty("p") int partition,
                    @JsonProperty("b") long below,
                    @JsonProperty("r") Map<Long, String> published) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.below = below;
        if (published != null) {
            this.published.putAll(published);
        }
    }

    @JsonProperty("t")
    String topic() {
        return topic;
    }

    @JsonProperty("p")
    int partition() {
        return partition;
    }

    @JsonProperty("b")
    long below() {
        return below;
    }

    @JsonProperty("r")
    Map<Long, String> published() {
        return published;
    }

    boolean covers(long offset) {
        return offset < below || published.containsKey(offset);
    }

    String runOf(long offset) {
        return published.get(offset);
    }

    void remember(long offset, String runId) {
        published.put(offset, runId);
    }

    /** Raises the mark; the results below it need no memory any more. Marks never move back. */
    void markBelow(long offset) {
        if (offset > below) {
            below = offset;
            published.headMap(offset).clear();
        }
    }

    /** Forgets the oldest result remembered, when there is one. */
    void forgetLowest() {
        published.pollFirstEntry();
    }

    int size() {
        return published.size();
    }
}
