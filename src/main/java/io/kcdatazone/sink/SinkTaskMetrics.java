package io.kcdatazone.sink;

import io.kcdatazone.metrics.TaskMetrics;
import java.util.Map;
import java.util.function.IntSupplier;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/** Registers the sink task's metrics (listed in the README's Operations section) over its counters and state. */
final class SinkTaskMetrics {

    private SinkTaskMetrics() {
    }

    static TaskMetrics.LatencyRecorder register(TaskMetrics metrics, SinkTaskCounters counters,
                                                IntSupplier inFlightCalls, IntSupplier bufferedRecords) {
        metrics.gauge("requests-received-total", "Request records received, tombstones included",
                counters::received);
        metrics.gauge("runs-started-total", "Requests that ended RUN_STARTED", counters::runsStarted);
        for (DataSourceErrorType type : DataSourceErrorType.knownValues()) {
            metrics.gauge("start-failures-total", "Requests that ended RUN_START_FAILED with this error type",
                    Map.of("error-type", type.toString()),
                    () -> counters.startFailures().getOrDefault(type.toString(), 0L));
        }
        metrics.gauge("invalid-requests-total", "Requests rejected before any call (VALIDATION_EXCEPTION)",
                counters::invalidRequests);
        metrics.gauge("dlq-records-total", "Malformed records reported to the dead letter queue",
                counters::deadLetteredRecords);
        metrics.gauge("tombstones-skipped-total", "Records with a null value, skipped", counters::tombstones);
        metrics.gauge("calls-total", "StartDataSourceRun calls made, retries included", counters::calls);
        metrics.gauge("retries-total", "StartDataSourceRun calls retried by the connector", counters::retries);
        metrics.gauge("throttled-calls-total", "Calls DataZone answered with ThrottlingException",
                counters::throttledCalls);
        metrics.gauge("conflicts-total", "Calls DataZone answered with ConflictException", counters::conflicts);
        metrics.gauge("ledger-entries-written-total", "Outcomes acknowledged by the ledger", counters::ledgerWrites);
        metrics.gauge("in-flight-calls", "StartDataSourceRun calls waiting for DataZone", inFlightCalls::getAsInt);
        metrics.gauge("consumption-pauses-total", "Times the task paused consumption at max.buffered.records",
                counters::pauses);
        metrics.gauge("buffered-records", "Requests whose outcome is not yet in the ledger",
                bufferedRecords::getAsInt);
        return metrics.latency("start-data-source-run-latency", "StartDataSourceRun call latency");
    }
}
