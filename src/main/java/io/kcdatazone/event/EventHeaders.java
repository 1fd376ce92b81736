package io.kcdatazone.event;

import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;

/**
 * The headers of an output record: routing headers under {@value #PREFIX}, so Connect's own transforms and predicates
 * ({@code Filter}, {@code RegexRouter}, {@code HasHeaderKey}) route events without reading the Avro value, and the
 * request's context, each entry under its own name (a {@code traceparent} stays {@code traceparent}).
 *
 * <p>{@value #FAILED} is set only on failures, because {@code HasHeaderKey} tests a header's presence, not its value:
 * it alone routes every failed request and run.
 */
public final class EventHeaders {

    public static final String PREFIX = "datazone.";
    public static final String EVENT_TYPE = PREFIX + "eventType";
    public static final String STATUS = PREFIX + "status";
    /** "true" on the last event of a request and its run (RUN_START_FAILED, a terminal status, the run's end). */
    public static final String TERMINAL = PREFIX + "terminal";
    /** Present ("true") only on a RUN_START_FAILED and on a run's last event when the run did not succeed. */
    public static final String FAILED = PREFIX + "failed";
    public static final String DOMAIN_ID = PREFIX + "domainId";
    public static final String DATA_SOURCE_ID = PREFIX + "dataSourceId";

    /** DataZone's status of a run that succeeded. */
    private static final String SUCCESS = "SUCCESS";

    private EventHeaders() {
    }

    /**
     * The headers of {@code event}, a value {@link DataSourceRunEvents} built.
     *
     * @param terminal whether it is the last event of its request and run
     */
    public static Headers of(Struct event, boolean terminal) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(EVENT_TYPE, event.getString(DataSourceRunEventSchema.EVENT_TYPE));
        String status = event.getString(DataSourceRunEventSchema.STATUS);
        addIfSet(headers, STATUS, status);
        headers.addString(TERMINAL, Boolean.toString(terminal));
        if (terminal && !SUCCESS.equals(status)) {
            headers.addString(FAILED, Boolean.TRUE.toString());
        }
        addIfSet(headers, DOMAIN_ID, event.getString(DataSourceRunEventSchema.DOMAIN_ID));
        addIfSet(headers, DATA_SOURCE_ID, event.getString(DataSourceRunEventSchema.DATA_SOURCE_ID));
        Map<String, String> context = event.getMap(DataSourceRunEventSchema.CONTEXT);
        if (context != null) {
            context.forEach(headers::addString);
        }
        return headers;
    }

    private static void addIfSet(ConnectHeaders headers, String name, String value) {
        if (value != null) {
            headers.addString(name, value);
        }
    }
}
