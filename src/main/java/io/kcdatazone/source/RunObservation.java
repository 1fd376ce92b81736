package io.kcdatazone.source;

import io.kcdatazone.datazone.RunSnapshot;
import java.util.Optional;

/** What one status poll saw of a tracked run: its current state, or that DataZone no longer knows it. */
public final class RunObservation {

    private static final RunObservation GONE = new RunObservation(null);

    private final RunSnapshot snapshot;

    private RunObservation(RunSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    public static RunObservation of(RunSnapshot snapshot) {
        return new RunObservation(snapshot);
    }

    /** GetDataSourceRun answered ResourceNotFoundException. */
    public static RunObservation gone() {
        return GONE;
    }

    public Optional<RunSnapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }
}
