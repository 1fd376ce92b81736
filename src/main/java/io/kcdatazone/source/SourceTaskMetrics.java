package io.kcdatazone.source;

import io.kcdatazone.event.EventType;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Registers the source task's metrics (listed in the README's Operations section) over its counters and state: each
 * counted event as {@code <name>-total} and {@code <name>-rate}, the sizes of things as gauges. A gauge is read on the
 * metrics reporter's thread, so it reads only what is safe to read there: a value the task thread publishes, or state
 * behind a lock.
 */
final class SourceTaskMetrics {

    private SourceTaskMetrics() {
    }

    /** @param trackedRuns the runs tracked as the task thread last published them */
    static void register(TaskMetrics metrics, SourceTaskCounters counters, IntSupplier trackedRuns,
                         StatusCallBudget statusCalls, PollPacer pollPacer) {
        metrics.meter("ledger-entries-read", "Ledger entries read", counters.ledgerEntries);
        metrics.meter("duplicate-ledger-entries", "Ledger entries dropped as repeats of a published result",
                counters.duplicateEntries);
        metrics.meter("unreadable-ledger-entries", "Ledger entries the task could not read (it fails before them)",
                counters.unreadableEntries);
        metrics.meter("ledger-gaps", "Times a ledger partition no longer held the entries the task was to read next,"
                + " so it read on from the log's start", counters.ledgerGaps);
        for (EventType type : EventType.values()) {
            metrics.meter("events-emitted", "Events handed to Connect, by event type",
                    Map.of("event-type", type.name()), counters.eventsOf(type));
        }
        metrics.gauge("runs-tracked", "Runs whose terminal status is not published yet", trackedRuns::getAsInt);
        metrics.meter("status-calls", "ListDataSourceRuns pages and GetDataSourceRun calls sent, each retry included",
                counters.statusCalls);
        metrics.meter("throttled-status-calls", "Status calls DataZone answered with ThrottlingException",
                counters.throttledStatusCalls);
        metrics.gauge("status-calls-rate-limit", "Status calls per second the task allows itself now: its share of"
                + " status.requests.per.second, less while DataZone throttles; Infinity when unlimited",
                statusCalls::currentRate);
        metrics.gauge("status-calls-in-flight", "Status calls sent and not answered yet", statusCalls::inFlight);
        metrics.meter("status-polls-delayed", "Status polls of a data source sent later than due because the"
                + " status-call budget had no call to spare", counters.pollsDelayed);
        metrics.gauge("status-polls-waiting", "Data sources due for a status poll that wait for the status-call"
                + " budget", pollPacer::pollsWaiting);
        metrics.meter("failed-status-polls", "Status polls of a data source that failed", counters.failedPolls);
        metrics.meter("vanished-runs", "Tracked runs DataZone no longer knows (404)", counters.vanishedRuns);
    }
}
