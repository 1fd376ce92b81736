package io.kcdatazone.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of what the simulator saw and did, for tests that check invariants such as "one key, one run".
 */
public final class Introspection {
    private final CallLog callLog;
    private final RunStore runs;
    private final Clock clock;

    Introspection(CallLog callLog, RunStore runs, Clock clock) {
        this.callLog = callLog;
        this.runs = runs;
        this.clock = clock;
    }

    /** Every call received for a known operation, oldest first. */
    public List<RecordedCall> calls() {
        return callLog.calls();
    }

    /** How many calls of {@code operation} were received, whatever their answer. */
    public long callCount(Operation operation) {
        return callLog.calls().stream().filter(call -> call.operation() == operation).count();
    }

    /** The calls of {@code operation}, oldest first. */
    public List<RecordedCall> calls(Operation operation) {
        return callLog.calls().stream().filter(call -> call.operation() == operation).toList();
    }

    /** Every run ever started, including vanished ones, oldest first. */
    public List<RunRecord> runs() {
        Instant now = clock.instant();
        return runs.allRuns().stream().map(run -> record(run, now)).toList();
    }

    /** The runs started with {@code clientToken}: at most one, whatever the number of calls. */
    public List<RunRecord> runsForClientToken(String clientToken) {
        return runs().stream().filter(run -> run.clientToken().filter(clientToken::equals).isPresent()).toList();
    }

    private RunRecord record(Run run, Instant now) {
        boolean vanished = runs.find(run.domainId(), run.id()).isEmpty();
        return new RunRecord(run.id(), run.domainId(), run.dataSourceId(), Optional.ofNullable(run.clientToken()),
                run.createdAt(), run.stateAt(now).status(), vanished, run.type());
    }
}
