package io.kcdatazone.event;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The Connect schema of {@code DataSourceRunEvent}, the contract with downstream consumers. It converts to exactly the
 * Avro schema published as {@code src/main/avro/DataSourceRunEvent.avsc} (a test holds the two together).
 *
 * <p>Field names follow DataZone's own. Statuses and types are strings, not enums, so a value DataZone adds later never
 * breaks an old reader. Every field but the event's identity is optional with a null default, and every field added
 * later must be too: the schema evolves BACKWARD compatible.
 */
public final class DataSourceRunEventSchema {

    public static final String NAMESPACE = "io.kcdatazone.event";
    /**
     * The Connect schema's version, one up with each published change (2: {@code context} and {@code lineageSummary}):
     * sinks that pick a writer schema by Connect version (storage sinks with {@code schema.compatibility}) see the
     * change only through it.
     */
    public static final int VERSION = 2;

    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TYPE = "eventType";
    public static final String EVENT_TIME = "eventTime";
    public static final String CLIENT_TOKEN = "clientToken";
    public static final String REQUEST_TOPIC = "requestTopic";
    public static final String REQUEST_PARTITION = "requestPartition";
    public static final String REQUEST_OFFSET = "requestOffset";
    public static final String DOMAIN_ID = "domainId";
    public static final String DATA_SOURCE_ID = "dataSourceId";
    public static final String PROJECT_ID = "projectId";
    public static final String RUN_ID = "runId";
    public static final String STATUS = "status";
    public static final String PREVIOUS_STATUS = "previousStatus";
    public static final String TYPE = "type";
    public static final String CREATED_AT = "createdAt";
    public static final String STARTED_AT = "startedAt";
    public static final String STOPPED_AT = "stoppedAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String ERROR_MESSAGE = "errorMessage";
    public static final String RUN_STATISTICS = "runStatisticsForAssets";
    public static final String CONFIGURATION_SNAPSHOT = "dataSourceConfigurationSnapshot";
    public static final String CONTEXT = "context";
    public static final String LINEAGE_SUMMARY = "lineageSummary";

    public static final String ERROR_TYPE = "errorType";
    public static final String ERROR_DETAIL = "errorDetail";
    public static final String IMPORT_STATUS = "importStatus";

    public static final Schema ERROR_MESSAGE_SCHEMA = SchemaBuilder.struct()
            .name(NAMESPACE + ".DataSourceErrorMessage")
            .doc("DataZone's DataSourceErrorMessage, or the error that kept a run from starting.")
            .optional()
            .field(ERROR_TYPE, Schema.OPTIONAL_STRING_SCHEMA)
            .field(ERROR_DETAIL, Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    public static final Schema RUN_STATISTICS_SCHEMA = SchemaBuilder.struct()
            .name(NAMESPACE + ".RunStatisticsForAssets")
            .doc("Asset counts of the run, as DataZone reports them.")
            .optional()
            .field("added", Schema.OPTIONAL_INT32_SCHEMA)
            .field("failed", Schema.OPTIONAL_INT32_SCHEMA)
            .field("skipped", Schema.OPTIONAL_INT32_SCHEMA)
            .field("unchanged", Schema.OPTIONAL_INT32_SCHEMA)
            .field("updated", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    public static final Schema LINEAGE_SUMMARY_SCHEMA = SchemaBuilder.struct()
            .name(NAMESPACE + ".DataSourceRunLineageSummary")
            .doc("DataZone's DataSourceRunLineageSummary: the run's lineage import, apart from the run's status.")
            .optional()
            .field(IMPORT_STATUS, Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    public static final Schema SCHEMA = SchemaBuilder.struct()
            .name(NAMESPACE + ".DataSourceRunEvent")
            .version(VERSION)
            .doc("A data source run request's result, or a later status change of its run.")
            .field(EVENT_ID, Schema.STRING_SCHEMA)
            .field(EVENT_TYPE, Schema.STRING_SCHEMA)
            .field(EVENT_TIME, Timestamp.SCHEMA)
            .field(CLIENT_TOKEN, Schema.OPTIONAL_STRING_SCHEMA)
            .field(REQUEST_TOPIC, Schema.OPTIONAL_STRING_SCHEMA)
            .field(REQUEST_PARTITION, Schema.OPTIONAL_INT32_SCHEMA)
            .field(REQUEST_OFFSET, Schema.OPTIONAL_INT64_SCHEMA)
            .field(DOMAIN_ID, Schema.OPTIONAL_STRING_SCHEMA)
            .field(DATA_SOURCE_ID, Schema.OPTIONAL_STRING_SCHEMA)
            .field(PROJECT_ID, Schema.OPTIONAL_STRING_SCHEMA)
            .field(RUN_ID, Schema.OPTIONAL_STRING_SCHEMA)
            .field(STATUS, Schema.OPTIONAL_STRING_SCHEMA)
            .field(PREVIOUS_STATUS, Schema.OPTIONAL_STRING_SCHEMA)
            .field(TYPE, Schema.OPTIONAL_STRING_SCHEMA)
            .field(CREATED_AT, Timestamp.builder().optional().build())
            .field(STARTED_AT, Timestamp.builder().optional().build())
            .field(STOPPED_AT, Timestamp.builder().optional().build())
            .field(UPDATED_AT, Timestamp.builder().optional().build())
            .field(ERROR_MESSAGE, ERROR_MESSAGE_SCHEMA)
            .field(RUN_STATISTICS, RUN_STATISTICS_SCHEMA)
            .field(CONFIGURATION_SNAPSHOT, Schema.OPTIONAL_STRING_SCHEMA)
            .field(CONTEXT, SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional()
                    .doc("The request's context (chosen request headers and the request value's 'context'"
                            + " object), on every event of the request and its run; null when it carried none.")
                    .build())
            .field(LINEAGE_SUMMARY, LINEAGE_SUMMARY_SCHEMA)
            .build();

    private DataSourceRunEventSchema() {
    }
}
