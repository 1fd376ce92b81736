package io.kcdatazone.events;

import io.kcdatazone.event.DataSourceRunEvent;
import java.time.Instant;

/** Events as the connector writes them, with only what a test varies set. */
final class TestEvents {

    static final Instant STOPPED_AT = Instant.parse("2026-03-02T10:00:07.123Z");

    private TestEvents() {
    }

    static DataSourceRunEvent.Builder event(String eventType, String status) {
        return DataSourceRunEvent.newBuilder()
                .setEventId("id-" + eventType + "-" + status)
                .setEventType(eventType)
                .setEventTime(Instant.parse("2026-03-02T10:00:09.512Z"))
                .setClientToken("orders-2026-03-02-001")
                .setDomainId("dzd_demo")
                .setDataSourceId("orders_glue")
                .setStatus(status);
    }

    static DataSourceRunEvent withId(String eventId) {
        return event("RUN_STATUS_CHANGED", "RUNNING").setEventId(eventId).build();
    }
}
