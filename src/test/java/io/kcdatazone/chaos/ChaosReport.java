package io.kcdatazone.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link ChaosChecker} found: how much it looked at, and every violation by kind, each with the evidence.
 */
public final class ChaosReport {

    /**
     * How a finding bears on the invariants. The test must see zero of the first five. {@link #REDELIVERED} is
     * counted and shown but allowed: the sink consumes at least once, and Connect's dead letter queue reporter writes
     * a malformed record again each time it is redelivered (after a crash or a rebalance before its offset was
     * committed). The DLQ's context headers name the request record, so its consumers can drop the repeats.
     * {@link #RESTARTED} is counted and shown too: a task that Connect's runtime failed before our code ran (see
     * {@link TaskFailure#failedZombieFencing()}) and that the operator restarted.
     */
    public enum Severity { LOST, DUPLICATED, OUT_OF_ORDER, UNEXPECTED, FAILED, REDELIVERED, RESTARTED }

    /** A kind of violation. */
    public enum Violation {
        KEY_WITHOUT_RUN(Severity.LOST, "valid keys without a run"),
        RECORD_WITHOUT_RESULT(Severity.LOST, "request records without a result event"),
        RUN_WITHOUT_TERMINAL_STATUS(Severity.LOST, "runs whose terminal status is not on the output topic"),
        RUN_NOT_CLOSED(Severity.LOST, "runs without a closing event (terminal status, RUN_VANISHED or"
                + " RUN_TRACKING_STOPPED)"),
        MISSING_DEAD_LETTER(Severity.LOST, "malformed records not in the DLQ"),
        RUNNING_SELDOM_PUBLISHED(Severity.LOST, "too few runs with RUNNING published"),
        KEY_WITH_SEVERAL_RUNS(Severity.DUPLICATED, "keys with more than one run"),
        RECORD_WITH_SEVERAL_RESULTS(Severity.DUPLICATED, "request records with more than one result event"),
        DUPLICATED_STATUS(Severity.DUPLICATED, "runs with a status published twice"),

        STATUS_OUT_OF_ORDER(Severity.OUT_OF_ORDER, "runs whose statuses are out of order"),
        EVENT_AFTER_CLOSE(Severity.OUT_OF_ORDER, "runs with an event after the one that closed them"),
        RUN_WITHOUT_REQUEST(Severity.UNEXPECTED, "runs no valid key asked for"),
        RESULT_WITHOUT_RECORD(Severity.UNEXPECTED, "result events for no request record sent"),
        WRONG_RESULT(Severity.UNEXPECTED, "result events of the wrong kind or run"),
        EVENT_OF_UNKNOWN_RUN(Severity.UNEXPECTED, "status events of runs DataZone never started"),
        UNEXPECTED_DEAD_LETTER(Severity.UNEXPECTED, "DLQ records of no malformed record"),
        WRONG_CLOSE(Severity.UNEXPECTED, "runs closed as vanished that DataZone still knows"),
        TASK_FAILED(Severity.FAILED, "connector tasks FAILED at the end"),
        FAILED_ON_THE_WAY(Severity.FAILED, "FAILED states in Connect's status topic (restarted or not)"),
        DEAD_LETTER_REPEATED(Severity.REDELIVERED, "malformed records in the DLQ more than once"),
        FENCING_FAILED(Severity.RESTARTED, "exactly-once task starts Connect failed at zombie fencing, restarted by the"
                + " operator");

        private final Severity severity;
        private final String description;

        Violation(Severity severity, String description) {
            this.severity = severity;
            this.description = description;
        }

        public Severity severity() {
            return severity;
        }
    }

    /**
     * The volumes the check covered.
     *
     * @param records request records sent
     * @param malformed of which malformed
     * @param validKeys distinct keys of valid records
     * @param runs runs DataZone started
     * @param results result events read
     * @param statusChanges status change events read
     * @param deadLetters DLQ records read
     * @param runsSeenRunning runs whose RUNNING status was published (the others went by between two polls)
     */
    public record Volumes(int records, int malformed, int validKeys, int runs, long results, long statusChanges,
            int deadLetters, long runsSeenRunning) {
    }

    private final Volumes volumes;
    private final Map<Violation, List<String>> violations;

    ChaosReport(Volumes volumes, Map<Violation, List<String>> violations) {
        this.volumes = volumes;
        this.violations = new EnumMap<>(Violation.class);
        violations.forEach((kind, evidence) -> this.violations.put(kind, List.copyOf(evidence)));
    }

    public Volumes volumes() {
        return volumes;
    }

    /** The evidence of each violation of {@code kind}, empty when there is none. */
    public List<String> violations(Violation kind) {
        return violations.getOrDefault(kind, List.of());
    }

    /** How many violations of this severity were found. */
    public int count(Severity severity) {
        return violations.entrySet().stream().filter(e -> e.getKey().severity() == severity)
                .mapToInt(e -> e.getValue().size()).sum();
    }

    /**
     * Whether nothing was lost, duplicated, out of order or unexpected and no task failed (repeats from redelivery and
     * task starts Connect itself failed, then restarted, are allowed).
     */
    public boolean clean() {
        return Arrays.stream(Severity.values())
                .filter(severity -> severity != Severity.REDELIVERED && severity != Severity.RESTARTED)
                .mapToInt(this::count).sum() == 0;
    }

    /** The counts, then up to five pieces of evidence per finding. */
    public String summary() {
        StringBuilder text = new StringBuilder(String.format(
                "Chaos check: %d request records (%d malformed) over %d valid keys; %d runs; %d result events; "
                        + "%d status events (%d runs seen RUNNING); %d DLQ records%n",
                volumes.records(), volumes.malformed(), volumes.validKeys(), volumes.runs(), volumes.results(),
                volumes.statusChanges(), volumes.runsSeenRunning(), volumes.deadLetters()));
        for (Severity severity : Severity.values()) {
            List<String> parts = new ArrayList<>();
            for (Violation kind : Violation.values()) {
                if (kind.severity() == severity) {
                    parts.add(kind.description + " " + violations(kind).size());
                }
            }
            text.append(String.format("  %s %d: %s%n", severity.name().toLowerCase().replace('_', ' '),
                    count(severity), String.join(", ", parts)));
        }
        violations.forEach((kind, evidence) -> {
            if (!evidence.isEmpty()) {
                text.append("  ").append(kind).append(": ")
                        .append(evidence.stream().limit(5).collect(Collectors.joining("; "))).append('\n');
            }
        });
        return text.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
