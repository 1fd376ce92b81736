package io.kcdatazone.event;

import static io.kcdatazone.event.DataSourceRunEventSchema.CLIENT_TOKEN;
import static io.kcdatazone.event.DataSourceRunEventSchema.CONFIGURATION_SNAPSHOT;
import static io.kcdatazone.event.DataSourceRunEventSchema.CONTEXT;
import static io.kcdatazone.event.DataSourceRunEventSchema.CREATED_AT;
import static io.kcdatazone.event.DataSourceRunEventSchema.DATA_SOURCE_ID;
import static io.kcdatazone.event.DataSourceRunEventSchema.DOMAIN_ID;
import static io.kcdatazone.event.DataSourceRunEventSchema.ERROR_DETAIL;
import static io.kcdatazone.event.DataSourceRunEventSchema.ERROR_MESSAGE;
import static io.kcdatazone.event.DataSourceRunEventSchema.ERROR_MESSAGE_SCHEMA;
import static io.kcdatazone.event.DataSourceRunEventSchema.ERROR_TYPE;
import static io.kcdatazone.event.DataSourceRunEventSchema.EVENT_ID;
import static io.kcdatazone.event.DataSourceRunEventSchema.EVENT_TIME;
import static io.kcdatazone.event.DataSourceRunEventSchema.EVENT_TYPE;
import static io.kcdatazone.event.DataSourceRunEventSchema.IMPORT_STATUS;
import static io.kcdatazone.event.DataSourceRunEventSchema.LINEAGE_SUMMARY;
import static io.kcdatazone.event.DataSourceRunEventSchema.LINEAGE_SUMMARY_SCHEMA;
import static io.kcdatazone.event.DataSourceRunEventSchema.PREVIOUS_STATUS;
import static io.kcdatazone.event.DataSourceRunEventSchema.PROJECT_ID;
import static io.kcdatazone.event.DataSourceRunEventSchema.REQUEST_OFFSET;
import static io.kcdatazone.event.DataSourceRunEventSchema.REQUEST_PARTITION;
import static io.kcdatazone.event.DataSourceRunEventSchema.REQUEST_TOPIC;
import static io.kcdatazone.event.DataSourceRunEventSchema.RUN_ID;
import static io.kcdatazone.event.DataSourceRunEventSchema.RUN_STATISTICS;
import static io.kcdatazone.event.DataSourceRunEventSchema.RUN_STATISTICS_SCHEMA;
import static io.kcdatazone.event.DataSourceRunEventSchema.SCHEMA;
import static io.kcdatazone.event.DataSourceRunEventSchema.STARTED_AT;
import static io.kcdatazone.event.DataSourceRunEventSchema.STATUS;
import static io.kcdatazone.event.DataSourceRunEventSchema.STOPPED_AT;
import static io.kcdatazone.event.DataSourceRunEventSchema.TYPE;
import static io.kcdatazone.event.DataSourceRunEventSchema.UPDATED_AT;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Struct;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/**
 * Builds {@code DataSourceRunEvent} values.
 *
 * <p>The {@code eventId} is a name-based UUID of what the event reports, never of when it was seen: the result of a
 * request is named by the request's coordinates and outcome, a status change by the run and the status. An event
 * emitted twice (at-least-once delivery after a crash, or a request redelivered to the sink) therefore carries the same
 * id both times, and consumers can drop the repeat.
 */
public final class DataSourceRunEvents {

    /** The errorType of RUN_TRACKING_STOPPED. */
    public static final String TRACKING_TIME_LIMIT_REACHED = "TRACKING_TIME_LIMIT_REACHED";

    private final boolean includeConfigurationSnapshot;

    public DataSourceRunEvents(boolean includeConfigurationSnapshot) {
        this.includeConfigurationSnapshot = includeConfigurationSnapshot;
    }

    /** RUN_STARTED or RUN_START_FAILED for a ledger entry, with the request's context. */
    public Struct result(LedgerEntry entry, Instant now) {
        Struct event = base(resultEventId(entry), resultType(entry), now, entry.clientToken(), entry.request())
                .put(DOMAIN_ID, entry.domainId())
                .put(DATA_SOURCE_ID, entry.dataSourceId())
                .put(CONTEXT, entry.context());
        if (entry.run() != null) {
            putRun(event, entry.run());
        } else {
            putError(event, entry.error());
        }
        return event;
    }

    /** The {@code eventId} of the result event of a ledger entry, without making the event. */
    public static String resultEventId(LedgerEntry entry) {
        RequestCoordinates request = entry.request();
        return eventId(resultType(entry).name(), request.topic(), Integer.toString(request.partition()),
                Long.toString(request.offset()));
    }

    private static EventType resultType(LedgerEntry entry) {
        return entry.outcome() == LedgerEntry.Outcome.RUN_STARTED ? EventType.RUN_STARTED
                : EventType.RUN_START_FAILED;
    }

    /** RUN_STATUS_CHANGED: the run was seen in {@code run.status()}, after {@code previousStatus}. */
    public Struct statusChanged(String clientToken, RequestCoordinates request, RunSnapshot run,
                                String previousStatus, Instant now) {
        Struct event = base(eventId(EventType.RUN_STATUS_CHANGED.name(), run.domainId(), run.id(), run.status()),
                EventType.RUN_STATUS_CHANGED, now, clientToken, request)
                .put(DOMAIN_ID, run.domainId())
                .put(DATA_SOURCE_ID, run.dataSourceId())
                .put(PREVIOUS_STATUS, previousStatus);
        putRun(event, run);
        return event;
    }

    /**
     * RUN_VANISHED: DataZone answered ResourceNotFoundException for run {@code runId}, last seen in {@code
     * lastStatus}; {@code errorMessage} carries that answer.
     */
    public Struct vanished(String clientToken, RequestCoordinates request, DataSourceRef dataSource, String runId,
                           String lastStatus, String detail, Instant now) {
        return closing(EventType.RUN_VANISHED, DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION.toString(), clientToken,
                request, dataSource, runId, lastStatus, detail, now);
    }

    /**
     * RUN_TRACKING_STOPPED: run {@code runId}, last published in {@code lastStatus}, is no longer followed although
     * it was not seen ending; {@code errorMessage} says why ({@code reason}).
     */
    public Struct trackingStopped(String clientToken, RequestCoordinates request, DataSourceRef dataSource,
                                  String runId, String lastStatus, String reason, Instant now) {
        return closing(EventType.RUN_TRACKING_STOPPED, TRACKING_TIME_LIMIT_REACHED, clientToken, request,
                dataSource, runId, lastStatus, reason, now);
    }

    /** The last event of a run whose terminal status will not be published, with the reason as error. */
    private static Struct closing(EventType type, String errorType, String clientToken, RequestCoordinates request,
                                  DataSourceRef dataSource, String runId, String lastStatus, String detail,
                                  Instant now) {
        Struct event = base(eventId(type.name(), dataSource.domainId(), runId), type, now, clientToken, request)
                .put(DOMAIN_ID, dataSource.domainId())
                .put(DATA_SOURCE_ID, dataSource.dataSourceId())
                .put(RUN_ID, runId)
                .put(PREVIOUS_STATUS, lastStatus);
        putError(event, new RunError(errorType, detail));
        return event;
    }

    /**
     * Puts the context of the request that started a run on an event of that run ({@link #statusChanged},
     * {@link #vanished}, {@link #trackingStopped}); none when {@code context} is null. The eventId stays what it was:
     * the context says who asked, not what happened.
     */
    public static Struct withContext(Struct event, Map<String, String> context) {
        return event.put(CONTEXT, context);
    }

    private static Struct base(String eventId, EventType type, Instant now, String clientToken,
                               RequestCoordinates request) {
        Struct event = new Struct(SCHEMA)
                .put(EVENT_ID, eventId)
                .put(EVENT_TYPE, type.name())
                .put(EVENT_TIME, Date.from(now))
                .put(CLIENT_TOKEN, clientToken);
        if (request != null) {
            event.put(REQUEST_TOPIC, request.topic())
                    .put(REQUEST_PARTITION, request.partition())
                    .put(REQUEST_OFFSET, request.offset());
        }
        return event;
    }

    private void putRun(Struct event, RunSnapshot run) {
        event.put(PROJECT_ID, run.projectId())
                .put(RUN_ID, run.id())
                .put(STATUS, run.status())
                .put(TYPE, run.type())
                .put(CREATED_AT, date(run.createdAt()))
                .put(STARTED_AT, date(run.startedAt()))
                .put(STOPPED_AT, date(run.stoppedAt()))
                .put(UPDATED_AT, date(run.updatedAt()));
        putError(event, run.errorMessage());
        RunStatistics stats = run.runStatisticsForAssets();
        if (stats != null) {
            event.put(RUN_STATISTICS, new Struct(RUN_STATISTICS_SCHEMA)
                    .put("added", stats.added())
                    .put("failed", stats.failed())
                    .put("skipped", stats.skipped())
                    .put("unchanged", stats.unchanged())
                    .put("updated", stats.updated()));
        }
        if (includeConfigurationSnapshot) {
            event.put(CONFIGURATION_SNAPSHOT, run.dataSourceConfigurationSnapshot());
        }
        if (run.lineageSummary() != null) {
            event.put(LINEAGE_SUMMARY, new Struct(LINEAGE_SUMMARY_SCHEMA)
                    .put(IMPORT_STATUS, run.lineageSummary().importStatus()));
        }
    }

    private static void putError(Struct event, RunError error) {
        if (error != null) {
            event.put(ERROR_MESSAGE, new Struct(ERROR_MESSAGE_SCHEMA)
                    .put(ERROR_TYPE, error.errorType())
                    .put(ERROR_DETAIL, error.errorDetail()));
        }
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static String eventId(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
