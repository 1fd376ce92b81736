package io.kcdatazone.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.util.Map;
import java.util.Objects;

/**
 * A started run whose terminal status has not been published yet: what the task needs to poll it and to label its
 * events, the last status it published, and since when it is tracked (so {@code max.run.tracking.ms} holds across
 * restarts). Stored in the source offsets, so it is kept small.
 */
public final class TrackedRun {

    private final String runId;
    private final String domainId;
    private final String dataSourceId;
    private final String clientToken;
    private final String requestTopic;
    private final int requestPartition;
    private final long requestOffset;
    private final String lastStatus;
    private final Long trackedSinceMs;
    private final Map<String, String> context;

    /** A run as the offsets' {@code runs} field holds it: when its tracking began is stored beside it. */
    @JsonCreator
    TrackedRun(@JsonProperty("r") String runId,
               @JsonProperty("d") String domainId,
               @JsonProperty("s") String dataSourceId,
               @JsonProperty("k") String clientToken,
               @JsonProperty("t") String requestTopic,
               @JsonProperty("p") int requestPartition,
               @JsonProperty("o") long requestOffset,
               @JsonProperty("l") String lastStatus) {
        this(runId, domainId, dataSourceId, clientToken, requestTopic, requestPartition, requestOffset, lastStatus,
                null, null);
    }

    /**
     * @param trackedSinceMs when the task began tracking the run (epoch milliseconds); null in offsets written before
     *     the tracking age limit existed, until the task restoring them stamps them with {@link #trackedSince(long)}
     * @param context the context of the request that started the run, null when it carried none
     */
    public TrackedRun(String runId, String domainId, String dataSourceId, String clientToken, String requestTopic,
                      int requestPartition, long requestOffset, String lastStatus, Long trackedSinceMs,
                      Map<String, String> context) {
        this.runId = Objects.requireNonNull(runId, "runId");
        this.domainId = Objects.requireNonNull(domainId, "domainId");
        this.dataSourceId = Objects.requireNonNull(dataSourceId, "dataSourceId");
        this.clientToken = clientToken;
        this.requestTopic = requestTopic;
        this.requestPartition = requestPartition;
        this.requestOffset = requestOffset;
        this.lastStatus = lastStatus;
        this.trackedSinceMs = trackedSinceMs;
        this.context = LedgerEntry.contextOf(context);
    }

    public TrackedRun withLastStatus(String status) {
        return new TrackedRun(runId, domainId, dataSourceId, clientToken, requestTopic, requestPartition,
                requestOffset, status, trackedSinceMs, context);
    }

    /** The same run, tracked since {@code sinceMs}. */
    public TrackedRun trackedSince(long sinceMs) {
        return new TrackedRun(runId, domainId, dataSourceId, clientToken, requestTopic, requestPartition,
                requestOffset, lastStatus, sinceMs, context);
    }

    /** The same run, carrying {@code requestContext} (none when null). */
    public TrackedRun withContext(Map<String, String> requestContext) {
        return new TrackedRun(runId, domainId, dataSourceId, clientToken, requestTopic, requestPartition,
                requestOffset, lastStatus, trackedSinceMs, requestContext);
    }

    @JsonProperty("r") public String runId() {
        return runId;
    }

    @JsonProperty("d") public String domainId() {
        return domainId;
    }

    @JsonProperty("s") public String dataSourceId() {
        return dataSourceId;
    }

    @JsonProperty("k") public String clientToken() {
        return clientToken;
    }

    @JsonProperty("t") public String requestTopic() {
        return requestTopic;
    }

    @JsonProperty("p") public int requestPartition() {
        return requestPartition;
    }

    @JsonProperty("o") public long requestOffset() {
        return requestOffset;
    }

    @JsonProperty("l") public String lastStatus() {
        return lastStatus;
    }

    /**
     * When tracking began (epoch milliseconds), or null for a run restored from an older offset. Not a field of the
     * run's JSON: the previous plugin version refuses unknown fields there (see {@link LedgerPartitionState}).
     */
    public Long trackedSinceMs() {
        return trackedSinceMs;
    }

    /**
     * The context of the request that started the run, carried to each of its events; null when none. Not a field of
     * the run's JSON either, for the same reason as {@link #trackedSinceMs()}.
     */
    @JsonIgnore public Map<String, String> context() {
        return context;
    }

    public RequestCoordinates request() {
        return requestTopic == null ? null : new RequestCoordinates(requestTopic, requestPartition, requestOffset);
    }

    public DataSourceRef dataSource() {
        return new DataSourceRef(domainId, dataSourceId);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrackedRun)) {
            return false;
        }
        TrackedRun that = (TrackedRun) o;
        return runId.equals(that.runId) && domainId.equals(that.domainId) && dataSourceId.equals(that.dataSourceId)
                && Objects.equals(clientToken, that.clientToken) && Objects.equals(requestTopic, that.requestTopic)
                && requestPartition == that.requestPartition && requestOffset == that.requestOffset
                && Objects.equals(lastStatus, that.lastStatus) && Objects.equals(trackedSinceMs, that.trackedSinceMs)
                && Objects.equals(context, that.context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, lastStatus);
    }

    @Override
    public String toString() {
        return "run " + runId + " of " + domainId + "/" + dataSourceId + " (" + lastStatus + ")";
    }
}
