package io.kcdatazone.simulator;

import java.util.Objects;
import java.util.Optional;

/**
 * Odd but legal behaviour for the next run of a data source, scripted through
 * {@link Faults#scriptNextRun(String, RunScript)}. Clients must cope with each of these, since DataZone documents no
 * state machine and the SDK accepts enum values it does not know.
 *
 * @param outcome the terminal status to reach instead of the data source's next configured outcome, if present
 * @param skipRunning whether the run goes from REQUESTED straight to its terminal status, never reporting RUNNING
 * @param terminalStatus a raw status string to report instead of a terminal status (e.g. an unknown value such as
 *     {@code CANCELLED}), if present
 */
public record RunScript(Optional<Outcome> outcome, boolean skipRunning, Optional<String> terminalStatus) {

    public RunScript {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(terminalStatus, "terminalStatus");
    }

    /** The run ends in {@code outcome}, whatever the data source's outcome mix says. */
    public static RunScript endsWith(Outcome outcome) {
        return new RunScript(Optional.of(outcome), false, Optional.empty());
    }

    /** The run is never seen RUNNING: it goes from REQUESTED to its terminal status. */
    public static RunScript skipsRunning() {
        return new RunScript(Optional.empty(), true, Optional.empty());
    }

    /** The run ends in a status value the service model does not know, e.g. {@code CANCELLED}. */
    public static RunScript endsWithUnknownStatus(String status) {
        return new RunScript(Optional.empty(), false, Optional.of(status));
    }
}
