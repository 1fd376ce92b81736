package io.kcdatazone.events;

/**
 * How a request ended, read from its run's last event ({@link RunEvents#outcome}): what a consumer acts on.
 */
public enum RunOutcome {
    /** The run ended {@link RunStatus#SUCCESS}. */
    SUCCEEDED,
    /** The run ended {@link RunStatus#PARTIALLY_SUCCEEDED}: some assets failed. */
    PARTIALLY_SUCCEEDED,
    /** The run ended {@link RunStatus#FAILED}. */
    FAILED,
    /** No run was started ({@link EventType#RUN_START_FAILED}): {@code errorMessage} says why. */
    NOT_STARTED,
    /** DataZone no longer knows the run ({@link EventType#RUN_VANISHED}): its end will not be seen. */
    VANISHED,
    /** The connector stopped following the run ({@link EventType#RUN_TRACKING_STOPPED}) before it ended. */
    TRACKING_STOPPED,
    /**
     * The run stopped (it has a {@code stoppedAt}) in a status other than the three above: one DataZone added later,
     * which this version of the library does not know.
     */
    STOPPED;

    /** Whether the run harvested every asset: the one outcome that needs no one's attention. */
    public boolean isSuccess() {
        return this == SUCCEEDED;
    }
}
