package io.kcdatazone.events;

/**
 * What a {@code DataSourceRunEvent} reports, its {@code eventType}. The event carries it as a string so that a type a
 * newer connector adds never breaks an older reader: {@link #of(CharSequence)} maps such a value to {@link #UNKNOWN}.
 */
public enum EventType {
    /** The request started a run (or found the run an earlier delivery of the same key started). */
    RUN_STARTED,
    /** The request ended without a run; {@code errorMessage} says why. Nothing follows it. */
    RUN_START_FAILED,
    /** The run was seen in a new status; the last one of a run carries its terminal status. */
    RUN_STATUS_CHANGED,
    /** DataZone no longer knows the run (its data source was deleted, for example): the run's last event. */
    RUN_VANISHED,
    /**
     * The connector stopped following the run without seeing it end ({@code max.run.tracking.ms} passed): the run's
     * last event.
     */
    RUN_TRACKING_STOPPED,
    /** A type this version of the library does not know: a newer connector's. */
    UNKNOWN;

    /**
     * The type named {@code value}; {@link #UNKNOWN} for any other value, including {@code "UNKNOWN"} itself.
     *
     * @throws NullPointerException if {@code value} is null (every event has a type)
     */
    public static EventType of(CharSequence value) {
        return Names.lookUp(EventType.class, value, UNKNOWN);
    }
}
