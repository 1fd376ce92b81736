package io.kcdatazone.event;

/** What a {@code DataSourceRunEvent} reports. */
public enum EventType {
    /** The request started a run (or found the run an earlier delivery of it started). */
    RUN_STARTED,
    /** The request ended without a run; {@code errorMessage} says why. */
    RUN_START_FAILED,
    /** The run was observed in a new status; the last one of a run is terminal. */
    RUN_STATUS_CHANGED,
    /**
     * DataZone no longer knows the run (ResourceNotFoundException), for example because its data source was deleted:
     * the run's last event, in place of a terminal status that will never be seen.
     */
    RUN_VANISHED,
    /**
     * The connector stopped following the run without seeing it end: no terminal status within {@code
     * max.run.tracking.ms} (for example a status DataZone added that this version does not know, reported without a
     * {@code stoppedAt}). The run's last event; {@code errorMessage} says why and {@code previousStatus} is the last
     * status published.
     */
    RUN_TRACKING_STOPPED
}
