package io.kcdatazone.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sink's hand-off to the source: the outcome of one request record, written to the ledger topic as JSON.
 *
 * <p>Format version {@value #FORMAT_VERSION} (the {@code version} field). Readers accept every version up to their own
 * and ignore unknown fields, so a field can be added without a version bump; a change of meaning needs a new version.
 * The field list is documented in {@code docs/sink.md}. The ledger also holds {@link ProgressMark}s, which share this
 * version number and carry a {@code kind} field that outcome entries never have.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LedgerEntry implements LedgerRecord {

    public static final int FORMAT_VERSION = 1;

    /** What happened to the request. */
    public enum Outcome {
        RUN_STARTED,
        RUN_START_FAILED
    }

    private final int version;
    private final Outcome outcome;
    private final String clientToken;
    private final String requestTopic;
    private final int requestPartition;
    private final long requestOffset;
    private final String domainId;
    private final String dataSourceId;
    private final RunSnapshot run;
    private final RunError error;
    private final String dataZoneRequestId;
    private final Instant recordedAt;
    private final Map<String, String> context;
    private static final ObjectMapper CONTEXT_JSON = new ObjectMapper();

    @JsonCreator
    public LedgerEntry(@JsonProperty("version") int version,
                       @JsonProperty("outcome") Outcome outcome,
                       @JsonProperty("clientToken") String clientToken,
                       @JsonProperty("requestTopic") String requestTopic,
                       @JsonProperty("requestPartition") int requestPartition,
                       @JsonProperty("requestOffset") long requestOffset,
                       @JsonProperty("domainId") String domainId,
                       @JsonProperty("dataSourceId") String dataSourceId,
                       @JsonProperty("run") RunSnapshot run,
                       @JsonProperty("error") RunError error,
                       @JsonProperty("dataZoneRequestId") String dataZoneRequestId,
                       @JsonProperty("recordedAt") Instant recordedAt,
                       @JsonProperty("context") Map<String, String> context) {
        this.version = version;
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.clientToken = clientToken;
        this.requestTopic = requestTopic;
        this.requestPartition = requestPartition;
        this.requestOffset = requestOffset;
        this.domainId = domainId;
        this.dataSourceId = dataSourceId;
        this.run = run;
        this.error = error;
        this.dataZoneRequestId = dataZoneRequestId;
        this.recordedAt = recordedAt;
        this.context = contextOf(context);
    }

    /**
     * A request context as carried: its entries with a null name or value left out (a foreign writer's entry or an
     * edited offset must not fail a task), unmodifiable, null when nothing is left.
     */
    public static Map<String, String> contextOf(Map<String, String> context) {
        if (context == null) {
            return null;
        }
        Map<String, String> carried = new LinkedHashMap<>();
        context.forEach((name, value) -> {
            if (name != null && value != null) {
                carried.put(name, value);
            }
        });
        return carried.isEmpty() ? null : Collections.unmodifiableMap(carried);
    }

    /** The size of a request context as the ledger and the source offsets store it: its UTF-8 JSON form. */
    public static int contextBytes(Map<String, String> context) {
        try {
            return CONTEXT_JSON.writeValueAsBytes(context).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    /** A run was started, or an earlier start with the same client token was confirmed. */
    public static LedgerEntry started(RequestCoordinates request, String clientToken, RunSnapshot run,
                                      String dataZoneRequestId, Instant now) {
        return new LedgerEntry(FORMAT_VERSION, Outcome.RUN_STARTED, clientToken, request.topic(),
                request.partition(), request.offset(), run.domainId(), run.dataSourceId(), run, null,
                dataZoneRequestId, now, null);
    }

    /**
     * The request ended without a run. Domain and data source are null when the record was too broken to name them.
     */
    public static LedgerEntry failed(RequestCoordinates request, String clientToken, String domainId,
                                     String dataSourceId, RunError error, String dataZoneRequestId, Instant now) {
        return new LedgerEntry(FORMAT_VERSION, Outcome.RUN_START_FAILED, clientToken, request.topic(),
                request.partition(), request.offset(), domainId, dataSourceId, null,
                Objects.requireNonNull(error, "error"), dataZoneRequestId, now, null);
    }

    /** The same outcome, carrying the request's {@code context} (none when null or empty) to its every event. */
    public LedgerEntry withContext(Map<String, String> requestContext) {
        return new LedgerEntry(version, outcome, clientToken, requestTopic, requestPartition, requestOffset, domainId,
                dataSourceId, run, error, dataZoneRequestId, recordedAt, requestContext);
    }

    /**
     * The ledger record key: all entries of one data source share a partition, so one source task owns its runs.
     * Entries that name no data source spread by client token, or land on one key when they have none either.
     */
    public String ledgerKey() {
        if (domainId != null && dataSourceId != null) {
            return domainId + "/" + dataSourceId;
        }
        return clientToken != null ? "invalid/" + clientToken : "invalid";
    }

    @Override
    @JsonProperty public int version() {
        return version;
    }

    @JsonProperty public Outcome outcome() {
        return outcome;
    }

    @JsonProperty public String clientToken() {
        return clientToken;
    }

    @JsonProperty public String requestTopic() {
        return requestTopic;
    }

    @JsonProperty public int requestPartition() {
        return requestPartition;
    }

    @JsonProperty public long requestOffset() {
        return requestOffset;
    }

    @JsonProperty public String domainId() {
        return domainId;
    }

    @JsonProperty public String dataSourceId() {
        return dataSourceId;
    }

    @JsonProperty public RunSnapshot run() {
        return run;
    }

    @JsonProperty public RunError error() {
        return error;
    }

    @JsonProperty public String dataZoneRequestId() {
        return dataZoneRequestId;
    }

    @JsonProperty public Instant recordedAt() {
        return recordedAt;
    }

    /**
     * What the requester asked to get back on every event of this request and its run: chosen request headers and
     * the request value's {@code context} object. Null when the request carried none; a field added to format 1
     * without a version bump, so entries written before it read as carrying none.
     */
    @JsonProperty public Map<String, String> context() {
        return context;
    }

    public RequestCoordinates request() {
        return new RequestCoordinates(requestTopic, requestPartition, requestOffset);
    }

    @Override
    public String toString() {
        return outcome + " for " + request() + " (" + ledgerKey() + ")";
    }
}
