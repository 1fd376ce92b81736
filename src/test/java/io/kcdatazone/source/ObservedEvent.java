package io.kcdatazone.source;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;

/**
 * A {@code DataSourceRunEvent} as a downstream consumer read it from the output topic, with where it was read.
 *
 * @param key the record key (the client token)
 * @param partition the output partition
 * @param offset the output offset
 * @param createdAt DataZone's run timestamps, in epoch milliseconds, as the event carries them (as {@code startedAt},
 *     {@code stoppedAt} and {@code updatedAt})
 * @param runStatistics whether the event carries {@code runStatisticsForAssets}
 * @param lineageImportStatus {@code lineageSummary.importStatus}, null when the event has no {@code lineageSummary}
 */
record ObservedEvent(String key, int partition, long offset, String eventId, String eventType, String clientToken,
        String dataSourceId, String runId, String status, String previousStatus, String errorType,
        Long requestOffset, Long createdAt, Long startedAt, Long stoppedAt, Long updatedAt, boolean runStatistics,
        String lineageImportStatus) {

    static ObservedEvent of(String key, int partition, long offset, GenericRecord value) {
        GenericRecord error = (GenericRecord) value.get("errorMessage");
        GenericRecord lineage = (GenericRecord) value.get("lineageSummary");
        return new ObservedEvent(key, partition, offset, text(value, "eventId"), text(value, "eventType"),
                text(value, "clientToken"), text(value, "dataSourceId"), text(value, "runId"), text(value, "status"),
                text(value, "previousStatus"), error == null ? null : text(error, "errorType"),
                (Long) value.get("requestOffset"), (Long) value.get("createdAt"), (Long) value.get("startedAt"),
                (Long) value.get("stoppedAt"), (Long) value.get("updatedAt"),
                value.get("runStatisticsForAssets") != null, lineage == null ? null : text(lineage, "importStatus"));
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
