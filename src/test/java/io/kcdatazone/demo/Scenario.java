package io.kcdatazone.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests the demo sends and what must come of them, against the simulator's default seed: one data source whose
 * runs succeed, one whose runs partially succeed, one whose runs fail, a request repeated under the same key, a record
 * that is not a request, and a request for a data source that does not exist.
 */
final class Scenario {

    static final String DOMAIN = "dzd_demo";

    /** A request record as produced: key and raw value. */
    record Request(String key, String value) {
    }

    /** An event that must arrive: for a key, of a type, with a status or an error type (null = any). */
    record Expected(String key, String eventType, String status, String errorType) {
        boolean matches(Event event) {
            return key.equals(event.key()) && eventType.equals(event.eventType())
                    && (status == null || status.equals(event.status()))
                    && (errorType == null || errorType.equals(event.errorType()));
        }

        @Override
        public String toString() {
            return key + " " + eventType + (status == null ? "" : " status=" + status)
                    + (errorType == null ? "" : " error=" + errorType);
        }
    }

    /** The fields of an output event the demo prints and checks. */
    record Event(String key, String eventType, String dataSourceId, String runId, String status,
            String previousStatus, String errorType, String errorDetail) {
    }

    static final String REPEATED_KEY = "demo-sales-1";
    static final String MALFORMED_KEY = "demo-malformed-1";

    private final List<Request> requests = List.of(
            request("demo-sales-1", "sales_glue"),
            request("demo-orders-1", "orders_glue"),
            request("demo-legacy-1", "legacy_redshift"),
            request(REPEATED_KEY, "sales_glue"),
            new Request(MALFORMED_KEY, "this is not a JSON request"),
            request("demo-unknown-1", "no_such_source"));

    private final List<Expected> expected = List.of(
            new Expected("demo-sales-1", "RUN_STARTED", null, null),
            new Expected("demo-sales-1", "RUN_STATUS_CHANGED", "SUCCESS", null),
            new Expected("demo-orders-1", "RUN_STARTED", null, null),
            new Expected("demo-orders-1", "RUN_STATUS_CHANGED", "PARTIALLY_SUCCEEDED", null),
            new Expected("demo-legacy-1", "RUN_STARTED", null, null),
            new Expected("demo-legacy-1", "RUN_STATUS_CHANGED", "FAILED", null),
            new Expected(MALFORMED_KEY, "RUN_START_FAILED", null, "VALIDATION_EXCEPTION"),
            new Expected("demo-unknown-1", "RUN_START_FAILED", null, "RESOURCE_NOT_FOUND_EXCEPTION"));

    private static Request request(String key, String dataSourceId) {
        return new Request(key, "{\"domainIdentifier\":\"" + DOMAIN + "\",\"dataSourceIdentifier\":\""
                + dataSourceId + "\"}");
    }

    List<Request> requests() {
        return requests;
    }

    /** The expected events that none of {@code events} matches, plus any broken promise about the repeated key. */
    List<String> missing(List<Event> events, int dlqEntries) {
        List<String> missing = new ArrayList<>();
        for (Expected expectation : expected) {
            if (events.stream().noneMatch(expectation::matches)) {
                missing.add(expectation.toString());
            }
        }
        // Every request record ends in one result event, so the repeated key has two, both for the same run.
        long resultsOfRepeatedKey = events.stream().filter(e -> REPEATED_KEY.equals(e.key())
                && ("RUN_STARTED".equals(e.eventType()) || "RUN_START_FAILED".equals(e.eventType()))).count();
        if (resultsOfRepeatedKey < 2) {
            missing.add(REPEATED_KEY + ": a result event for each of its 2 requests, found " + resultsOfRepeatedKey);
        }
        long runsOfRepeatedKey = events.stream().filter(e -> REPEATED_KEY.equals(e.key()) && e.runId() != null)
                .map(Event::runId).distinct().count();
        if (runsOfRepeatedKey > 1) {
            missing.add(REPEATED_KEY + ": one run for the repeated key, but events name " + runsOfRepeatedKey);
        }
        if (dlqEntries < 1) {
            missing.add("the malformed record " + MALFORMED_KEY + " in the dead letter queue");
        }
        return missing;
    }
}
