package io.kcdatazone.events;

import io.kcdatazone.event.DataSourceRunEvent;
import io.kcdatazone.event.DataSourceRunLineageSummary;
import java.util.Optional;

/**
 * Reads what a {@link DataSourceRunEvent} means for its request: its type and statuses as enums, whether it is the
 * last event of its request, and the request's outcome.
 *
 * <p>The rule is the connector's own: a run ends in {@code SUCCESS}, {@code PARTIALLY_SUCCEEDED} or {@code FAILED},
 * or in any status once it has a {@code stoppedAt} (a status DataZone may add later); a request that started no run
 * ends with {@code RUN_START_FAILED}; a run whose end will not be seen ends with {@code RUN_VANISHED} or
 * {@code RUN_TRACKING_STOPPED}. Nothing of the request follows its terminal event. A {@code RUN_STARTED} event can be
 * terminal too: a request delivered again after its run ended finds the run ended.
 *
 * <p>A terminal event ends a request record, not a run: a key (client token) sent twice gives a second terminal event
 * of the same run, under another {@code eventId} (a {@code RUN_STARTED} finding it ended), and a failed run is then
 * reported twice. Act once per {@code runId}, or per {@code clientToken} for a request that started no run (for
 * example with a second {@link DuplicateEventFilter} keyed so, as the consumer example does).
 */
public final class RunEvents {

    private RunEvents() {
    }

    /** The event's type; {@link EventType#UNKNOWN} for a type a newer connector added. */
    public static EventType eventType(DataSourceRunEvent event) {
        return EventType.of(event.getEventType());
    }

    /** The run's status; empty when the event has none ({@code RUN_START_FAILED}, {@code RUN_VANISHED}, ...). */
    public static Optional<RunStatus> status(DataSourceRunEvent event) {
        return Optional.ofNullable(event.getStatus()).map(RunStatus::of);
    }

    /** The status the run's previous event carried; empty on a request's first event. */
    public static Optional<RunStatus> previousStatus(DataSourceRunEvent event) {
        return Optional.ofNullable(event.getPreviousStatus()).map(RunStatus::of);
    }

    /**
     * The run's lineage import status as observed with the event's status; empty when the run imports no lineage, and
     * on events without a run status ({@code RUN_STARTED} too: StartDataSourceRun does not report it). The status
     * is read as the run's status is, so a terminal event carries the import as it stood when the run ended:
     * {@link LineageImportStatus#IN_PROGRESS} when the import outlasts the run (no later event reports its end).
     */
    public static Optional<LineageImportStatus> lineageImportStatus(DataSourceRunEvent event) {
        return Optional.ofNullable(event.getLineageSummary()).map(DataSourceRunLineageSummary::getImportStatus)
                .map(LineageImportStatus::of);
    }

    /**
     * Whether this is the last event of its request: its run ended, or no run started, or the run's end will not be
     * seen. An event of a type this library does not know is not terminal.
     */
    public static boolean isTerminal(DataSourceRunEvent event) {
        return outcome(event).isPresent();
    }

    /** How the request ended, if this event is its last one (see {@link #isTerminal}); empty otherwise. */
    public static Optional<RunOutcome> outcome(DataSourceRunEvent event) {
        switch (eventType(event)) {
            case RUN_START_FAILED:
                return Optional.of(RunOutcome.NOT_STARTED);
            case RUN_VANISHED:
                return Optional.of(RunOutcome.VANISHED);
            case RUN_TRACKING_STOPPED:
                return Optional.of(RunOutcome.TRACKING_STOPPED);
            case RUN_STARTED:
            case RUN_STATUS_CHANGED:
                return runOutcome(event);
            default:
                return Optional.empty();
        }
    }

    private static Optional<RunOutcome> runOutcome(DataSourceRunEvent event) {
        RunStatus status = status(event).orElse(RunStatus.UNKNOWN);
        // The status's terminal flag decides, or a stop time, as the connector decides: DataZone may add statuses.
        if (!status.isTerminal() && event.getStoppedAt() == null) {
            return Optional.empty();
        }
        switch (status) {
            case SUCCESS:
                return Optional.of(RunOutcome.SUCCEEDED);
            case PARTIALLY_SUCCEEDED:
                return Optional.of(RunOutcome.PARTIALLY_SUCCEEDED);
            case FAILED:
                return Optional.of(RunOutcome.FAILED);
            default:
                return Optional.of(RunOutcome.STOPPED);
        }
    }
}
