package io.kcdatazone.chaos;

import io.kcdatazone.ledger.RequestCoordinates;
import org.apache.avro.generic.GenericRecord;

/**
 * The fields of a {@code DataSourceRunEvent} the checker needs, with where the event sits on the output topic.
 *
 * @param partition the output partition
 * @param offset the output offset
 * @param request the request record the event follows from (for a status change, the one that started the run)
 */
public record OutputEvent(int partition, long offset, String eventId, String eventType, String clientToken,
        RequestCoordinates request, String runId, String status, String previousStatus, String errorType) {

    static final String RUN_STARTED = "RUN_STARTED";
    static final String RUN_START_FAILED = "RUN_START_FAILED";
    static final String RUN_STATUS_CHANGED = "RUN_STATUS_CHANGED";
    static final String RUN_VANISHED = "RUN_VANISHED";
    static final String RUN_TRACKING_STOPPED = "RUN_TRACKING_STOPPED";
    static final String VALIDATION_EXCEPTION = "VALIDATION_EXCEPTION";

    static OutputEvent of(int partition, long offset, GenericRecord value) {
        GenericRecord error = (GenericRecord) value.get("errorMessage");
        String requestTopic = text(value, "requestTopic");
        RequestCoordinates request = requestTopic == null ? null : new RequestCoordinates(requestTopic,
                (Integer) value.get("requestPartition"), (Long) value.get("requestOffset"));
        return new OutputEvent(partition, offset, text(value, "eventId"), text(value, "eventType"),
                text(value, "clientToken"), request, text(value, "runId"), text(value, "status"),
                text(value, "previousStatus"), error == null ? null : text(error, "errorType"));
    }

    boolean isResult() {
        return RUN_STARTED.equals(eventType) || RUN_START_FAILED.equals(eventType);
    }

    boolean isStatusChange() {
        return RUN_STATUS_CHANGED.equals(eventType);
    }

    private static String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }
}
