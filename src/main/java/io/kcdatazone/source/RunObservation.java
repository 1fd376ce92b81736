package io.kcdatazone.source;

import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import java.util.Optional;

/** What one status poll saw of a tracked run: its current state, or that DataZone no longer knows it. */
public final class RunObservation {

    private final RunSnapshot snapshot;
    private final DataZoneFailure notFound;

    private RunObservation(RunSnapshot snapshot, DataZoneFailure notFound) {
        this.snapshot = snapshot;
        this.notFound = notFound;
    }

    public static RunObservation of(RunSnapshot snapshot) {
        return new RunObservation(snapshot, null);
    }

    /** GetDataSourceRun answered {@code notFound}, a ResourceNotFoundException. */
    public static RunObservation gone(DataZoneFailure notFound) {
        return new RunObservation(null, notFound);
    }

    /** Empty when DataZone no longer knows the run. */
    public Optional<RunSnapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** What DataZone answered for a run it no longer knows, with its request id, for the log and the event. */
    public String notFoundDetail() {
        if (notFound == null) {
            throw new IllegalStateException("the run was seen");
        }
        return "GetDataSourceRun answered ResourceNotFoundException"
                + notFound.requestId().map(id -> " (request id " + id + ")").orElse("") + ": " + notFound.detail();
    }
}
