package io.kcdatazone.source;

import io.kcdatazone.event.EventType;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.Map;
import java.util.function.IntSupplier;

/** Registers the source task's metrics (listed in the README's Operations section) over its counters and state. */
final class SourceTaskMetrics {

    private SourceTaskMetrics() {
    }

    static void register(TaskMetrics metrics, SourceTaskCounters counters, IntSupplier trackedRuns,
                         StatusCallBudget statusCalls, PollPacer pollPacer) {
        metrics.gauge("ledger-entries-read-total", "Ledger entries read", counters::ledgerEntries);
        metrics.gauge("duplicate-ledger-entries-total", "Ledger entries dropped as repeats of a published result",
                counters::duplicateEntries);
        metrics.gauge("unreadable-ledger-entries-total",
                "Ledger entries the task could not read (it fails before them)", counters::unreadableEntries);
        metrics.gauge("ledger-gaps-total", "Times a ledger partition no longer held the entries the task was to read"
                + " next, so it read on from the log's start", counters::ledgerGaps);
        for (EventType type : EventType.values()) {
            metrics.gauge("events-emitted-total", "Events handed to Connect, by event type",
                    Map.of("event-type", type.name()), () -> counters.events(type));
        }
        metrics.gauge("runs-tracked", "Runs whose terminal status is not published yet", trackedRuns::getAsInt);
        metrics.gauge("throttled-status-calls-total", "Status calls DataZone answered with ThrottlingException",
                statusCalls::throttledCalls);
        metrics.gauge("status-calls-rate-limit", "Status calls per second the task allows itself now: its share of"
                + " status.requests.per.second, less while DataZone throttles; Infinity when unlimited",
                statusCalls::currentRate);
        metrics.gauge("status-polls-delayed-total", "Status polls of a data source sent later than due because the"
                + " status-call budget had no call to spare", pollPacer::pollsDelayed);
        metrics.gauge("status-polls-waiting", "Data sources due for a status poll that wait for the status-call"
                + " budget", pollPacer::pollsWaiting);
        metrics.gauge("failed-status-polls-total", "Status polls of a data source that failed",
                counters::failedPolls);
        metrics.gauge("vanished-runs-total", "Tracked runs DataZone no longer knows (404)", counters::vanishedRuns);
    }
}
