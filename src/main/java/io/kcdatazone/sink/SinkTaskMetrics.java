package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/**
 * Registers the sink task's metrics (listed in the README's Operations section) over its counters and state: each
 * counted event as {@code <name>-total} and {@code <name>-rate}, the sizes of things as gauges.
 */
final class SinkTaskMetrics {

    private SinkTaskMetrics() {
    }

    static TaskMetrics.LatencyRecorder register(TaskMetrics metrics, SinkTaskCounters counters,
                                                IntSupplier inFlightCalls, IntSupplier bufferedRecords) {
        metrics.meter("requests-received", "Request records received, tombstones included", counters.received);
        metrics.meter("runs-started", "Requests that ended RUN_STARTED", counters.runsStarted);
        for (String type : startFailureTypes()) {
            metrics.meter("start-failures", "Requests that ended RUN_START_FAILED with this error type",
                    Map.of("error-type", type), counters.startFailures(type));
        }
        metrics.meter("invalid-requests", "Requests rejected before any call (VALIDATION_EXCEPTION)",
                counters.invalid);
        metrics.meter("dlq-records", "Malformed records reported to the dead letter queue", counters.deadLettered);
        metrics.meter("tombstones-skipped", "Records with a null value, skipped", counters.tombstones);
        metrics.meter("calls", "StartDataSourceRun calls made, retries included", counters.calls);
        metrics.meter("retries", "StartDataSourceRun calls retried by the connector", counters.retries);
        metrics.meter("throttled-calls", "Calls DataZone answered with ThrottlingException", counters.throttled);
        metrics.meter("conflicts", "Calls DataZone answered with ConflictException", counters.conflicts);
        metrics.meter("ledger-entries-written", "Outcomes acknowledged by the ledger", counters.ledgerWrites);
        metrics.meter("consumption-pauses", "Times the task paused consumption at max.buffered.records",
                counters.pauses);
        metrics.gauge("in-flight-calls", "StartDataSourceRun calls waiting for DataZone", inFlightCalls::getAsInt);
        metrics.gauge("buffered-records", "Requests whose outcome is not yet in the ledger",
                bufferedRecords::getAsInt);
        return metrics.latency("start-data-source-run-latency", "StartDataSourceRun call latency");
    }

    /** Every error type a start can end with: DataZone's, and ours for credentials that could not be loaded. */
    private static Iterable<String> startFailureTypes() {
        return Stream.concat(DataSourceErrorType.knownValues().stream().map(DataSourceErrorType::toString),
                Stream.of(DataZoneFailure.CREDENTIALS_UNAVAILABLE)).collect(Collectors.toList());
    }
}
