package io.kcdatazone.events;

/**
 * How a run's lineage import goes, as DataZone reports it ({@code lineageSummary.importStatus}), apart from the run's
 * own status. The event carries it as a string so that a value DataZone adds later never breaks a reader:
 * {@link #of(CharSequence)} maps such a value to {@link #UNKNOWN}.
 */
public enum LineageImportStatus {
    /** The import goes on; it may outlast the run, so a run's terminal event can carry this. */
    IN_PROGRESS,
    /** Every lineage event of the run was imported. */
    SUCCESS,
    /** No lineage of the run was imported. */
    FAILED,
    /** Some of the run's lineage was imported. */
    PARTIALLY_SUCCEEDED,
    /** A value this version of the library does not know. */
    UNKNOWN;

    /**
     * The status named {@code value}; {@link #UNKNOWN} for any other value, including {@code "UNKNOWN"} itself.
     *
     * @throws NullPointerException if {@code value} is null (see {@link RunEvents#lineageImportStatus})
     */
    public static LineageImportStatus of(CharSequence value) {
        return Names.lookUp(LineageImportStatus.class, value, UNKNOWN);
    }
}
