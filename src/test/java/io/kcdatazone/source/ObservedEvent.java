package io.kcdatazone.source;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;

/**
 * A {@code DataSourceRunEvent} as a downstream consumer read it from the output topic, with where it was read.
 *
 * @param key the record key (the client token)
 * @param partition the output partition
 * @param offset the output offset
 * @param createdAt DataZone's run timestamps, in epoch milliseconds, as the event carries them (as {@code startedAt},
 *     {@code stoppedAt} and {@code updatedAt})
 * @param runStatistics whether the event carries {@code runStatisticsForAssets}
 * @param errorDetail the detail of {@code errorMessage}
 * @param context the event's {@code context} field, null when absent
 * @param headers the record's headers, each read as UTF-8 text (the last of a name)
 * @param lineageImportStatus {@code lineageSummary.importStatus}, null when the event has no {@code lineageSummary}
 */
record ObservedEvent(String key, int partition, long offset, String eventId, String eventType, String clientToken,
        String dataSourceId, String runId, String status, String previousStatus, String errorType,
        Long requestOffset, Long createdAt, Long startedAt, Long stoppedAt, Long updatedAt, boolean runStatistics,
        String errorDetail, Map<String, String> context, Map<String, String> headers,
        String lineageImportStatus) {

    static ObservedEvent of(String key, int partition, long offset, Headers headers, GenericRecord value) {
        GenericRecord error = (GenericRecord) value.get("errorMessage");
        Map<String, String> headerText = new LinkedHashMap<>();
        headers.forEach(header -> headerText.put(header.key(), header.value() == null ? null
                : new String(header.value(), StandardCharsets.UTF_8)));
        GenericRecord lineage = (GenericRecord) value.get("lineageSummary");
        return new ObservedEvent(key, partition, offset, text(value, "eventId"), text(value, "eventType"),
                text(value, "clientToken"), text(value, "dataSourceId"), text(value, "runId"), text(value, "status"),
                text(value, "previousStatus"), error == null ? null : text(error, "errorType"),
                (Long) value.get("requestOffset"), (Long) value.get("createdAt"), (Long) value.get("startedAt"),
                (Long) value.get("stoppedAt"), (Long) value.get("updatedAt"),
                value.get("runStatisticsForAssets") != null, error == null ? null : text(error, "errorDetail"),
                context(value.get("context")), headerText,
                lineage == null ? null : text(lineage, "importStatus"));
    }

    /** Avro's map as plain strings (Avro reads its keys and values as Utf8). */
    private static Map<String, String> context(Object avroMap) {
        if (avroMap == null) {
            return null;
        }
        Map<String, String> context = new LinkedHashMap<>();
        ((Map<?, ?>) avroMap).forEach((name, value) -> context.put(name.toString(), value.toString()));
        return context;
    }

    /** Events grouped by run id, each list in the order the run's output partition holds them. */
    static Map<String, List<ObservedEvent>> byRun(List<ObservedEvent> events) {
        return events.stream().filter(e -> e.runId() != null)
                .collect(Collectors.groupingBy(ObservedEvent::runId, Collectors.toList()));
    }

    static long count(List<ObservedEvent> events, Predicate<ObservedEvent> which) {
        return events.stream().filter(which).count();
    }

    boolean isResult() {
        return "RUN_STARTED".equals(eventType) || "RUN_START_FAILED".equals(eventType);
    }

    boolean isStatusChange() {
        return "RUN_STATUS_CHANGED".equals(eventType);
    }

    private static String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }
}
