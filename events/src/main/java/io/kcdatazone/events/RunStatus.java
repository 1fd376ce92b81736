package io.kcdatazone.events;

/**
 * A data source run's status as DataZone reports it ({@code status}, {@code previousStatus}). The event carries it as
 * a string so that a status DataZone adds later never breaks a reader: {@link #of(CharSequence)} maps such a value to
 * {@link #UNKNOWN}.
 */
public enum RunStatus {
    /** The run was requested and waits to start. */
    REQUESTED(false),
    /** The run harvests its data source. */
    RUNNING(false),
    /** The run ended and every asset was harvested. */
    SUCCESS(true),
    /** The run ended with some assets failed ({@code runStatisticsForAssets.failed}). */
    PARTIALLY_SUCCEEDED(true),
    /** The run ended without harvesting ({@code errorMessage} says why). */
    FAILED(true),
    /**
     * A status this version of the library does not know. It ends the run when the event has a {@code stoppedAt}, as
     * the connector decides (see {@link RunEvents#outcome}).
     */
    UNKNOWN(false);

    private final boolean terminal;

    RunStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether DataZone documents this status as one a run ends in. */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * The status named {@code value}; {@link #UNKNOWN} for any other value, including {@code "UNKNOWN"} itself.
     *
     * @throws NullPointerException if {@code value} is null: an event without a status has none to name (see
     *     {@link RunEvents#status})
     */
    public static RunStatus of(CharSequence value) {
        return Names.lookUp(RunStatus.class, value, UNKNOWN);
    }
}
