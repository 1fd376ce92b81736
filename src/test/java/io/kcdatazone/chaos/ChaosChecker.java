package io.kcdatazone.chaos;

import io.kcdatazone.chaos.ChaosReport.Violation;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.simulator.RunRecord;
import io.kcdatazone.sink.ClientTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks the invariants of the design after a chaos run, from the simulator's record of the runs it started and from
 * what the topics hold, never from the connectors' own view:
 * <ul>
 *   <li>every valid key has exactly one run, and every run belongs to a valid key;</li>
 *   <li>every request record has exactly one result event: {@code RUN_STARTED} naming its key's run for a valid
 *       record, {@code RUN_START_FAILED} with {@code VALIDATION_EXCEPTION} for a malformed one;</li>
 *   <li>every run's statuses are on the output topic once each, in lifecycle order, each naming the one before, up to
 *       the terminal status DataZone reports;</li>
 *   <li>every run closes with exactly one event, its last: the terminal status; {@code RUN_VANISHED} if DataZone lost
 *       it (its data source deleted); {@code RUN_TRACKING_STOPPED} if DataZone never reported it ending (stuck in a
 *       status outside the lifecycle, which then counts as the run's last status);</li>
 *   <li>every malformed record is in the dead letter queue, and nothing else is there (a malformed record there
 *       more than once was redelivered: counted, and allowed, see {@link ChaosReport.Severity#REDELIVERED});</li>
 *   <li>no connector task is FAILED at the end, and none was FAILED at any time: Connect's status topic holds every
 *       state reported, so a failure a later restart cured still counts; except an exactly-once task start that
 *       Connect's runtime failed at zombie fencing, before any code of ours ran, which the operator restarts
 *       (counted, and allowed, see {@link TaskFailure#failedZombieFencing()}).</li>
 * </ul>
 * A status the source never observed (a run can pass RUNNING between two polls, or while its task moves) is not
 * missing, but fewer than {@link #MIN_SHARE_SEEN_RUNNING} of the runs seen RUNNING is a violation; a status published
 * twice, or after a later one, is a violation.
 */
public final class ChaosChecker {

    /** A run's lifecycle in DataZone; the terminal statuses share the last rank. */
    private static final Map<String, Integer> LIFECYCLE = Map.of("REQUESTED", 0, "RUNNING", 1, "SUCCESS", 2,
            "PARTIALLY_SUCCEEDED", 2, "FAILED", 2);
    private static final int TERMINAL_RANK = 2;
    /**
     * A run is RUNNING for seconds, several status polls, so the source sees many runs in it; one that passed between
     * two polls, while its task moved or while a loaded machine delayed the task, is not missing. The soak published
     * RUNNING for 74% of its runs, the suite on a loaded 2-core machine for 31%: how many depends on how often the
     * tasks get to poll, so the bound only catches a source that drops the statuses it saw (none, or next to none,
     * published), which the per-run check cannot tell from polls it missed.
     */
    static final double MIN_SHARE_SEEN_RUNNING = 0.1;

    private final Map<Violation, List<String>> violations = new EnumMap<>(Violation.class);

    private ChaosChecker() {
    }

    /**
     * Whether an event says its run is over. A result event can: when a Start's answer was lost and its retry came
     * after the run ended, DataZone answers with the run as it is, already terminal.
     */
    static boolean isTerminal(OutputEvent event) {
        Integer rank = rank(event.status());
        return event.runId() != null && rank != null && rank == TERMINAL_RANK;
    }

    /** Whether an event ends its run's tracking without a terminal status. */
    static boolean isClosing(OutputEvent event) {
        return OutputEvent.RUN_VANISHED.equals(event.eventType())
                || OutputEvent.RUN_TRACKING_STOPPED.equals(event.eventType());
    }

    /** How many runs have an event that closes them: a terminal status, RUN_VANISHED or RUN_TRACKING_STOPPED. */
    static long closedRuns(List<OutputEvent> events) {
        return events.stream().filter(e -> isTerminal(e) || isClosing(e)).map(OutputEvent::runId).distinct().count();
    }

    /** A status's place in the lifecycle; null for none (a failed start) or one DataZone's lifecycle lacks. */
    private static Integer rank(String status) {
        return status == null ? null : LIFECYCLE.get(status);
    }

    /**
     * A status's place in {@code run}'s lifecycle: as {@link #rank(String)}, except that a status outside the lifecycle
     * that DataZone reports for the run now is where the run stays, the last place.
     */
    private static Integer rank(String status, RunRecord run) {
        Integer rank = rank(status);
        return rank == null && status != null && status.equals(run.status()) ? TERMINAL_RANK : rank;
    }

    /**
     * Checks one chaos run.
     *
     * @param sent every request record produced
     * @param runs every run the simulator started
     * @param events the committed output topic, in any order
     * @param deadLetters the dead letter queue
     * @param taskStates each connector task's state at the end, by {@code connector/task}
     * @param failures every FAILED state Connect's status topic holds
     */
    public static ChaosReport check(List<SentRequest> sent, List<RunRecord> runs, List<OutputEvent> events,
            List<DeadLetter> deadLetters, Map<String, String> taskStates, List<TaskFailure> failures) {
        return new ChaosChecker().run(sent, runs, events, deadLetters, taskStates, failures);
    }

    private ChaosReport run(List<SentRequest> sent, List<RunRecord> runs, List<OutputEvent> events,
            List<DeadLetter> deadLetters, Map<String, String> taskStates, List<TaskFailure> failures) {
        List<OutputEvent> ordered = events.stream()
                .sorted(Comparator.comparingInt(OutputEvent::partition).thenComparingLong(OutputEvent::offset))
                .toList();
        Map<String, RunRecord> runByToken = checkOneRunPerKey(sent, runs);
        checkOneResultPerRecord(sent, ordered, runByToken);
        long seenRunning = checkStatuses(runs, ordered);
        if (seenRunning < MIN_SHARE_SEEN_RUNNING * runs.size()) {
            report(Violation.RUNNING_SELDOM_PUBLISHED, seenRunning + " of " + runs.size() + " runs, fewer than "
                    + Math.round(MIN_SHARE_SEEN_RUNNING * 100) + "%");
        }
        checkDeadLetters(sent, deadLetters);
        taskStates.forEach((task, state) -> {
            if ("FAILED".equals(state)) {
                report(Violation.TASK_FAILED, task);
            }
        });
        failures.forEach(failure -> report(failure.failedZombieFencing() ? Violation.FENCING_FAILED
                : Violation.FAILED_ON_THE_WAY, failure.evidence()));

        Set<String> validKeys = sent.stream().filter(s -> !s.malformed()).map(SentRequest::key)
                .collect(Collectors.toSet());
        ChaosReport.Volumes volumes = new ChaosReport.Volumes(sent.size(),
                (int) sent.stream().filter(SentRequest::malformed).count(), validKeys.size(), runs.size(),
                ordered.stream().filter(OutputEvent::isResult).count(),
                ordered.stream().filter(OutputEvent::isStatusChange).count(), deadLetters.size(), seenRunning);
        return new ChaosReport(volumes, violations);
    }

    /**
     * Liveness: the steps of a chaos schedule after which the output stood still for longer than {@code grace}, as
     * evidence. A step stalls the output when the events read {@code grace} after it ended are no more than those
     * read when it began, though more came later; after a step that found the output complete, nothing more comes.
     *
     * @param progress how many events had been read at each moment ({@link System#nanoTime()})
     */
    static List<String> stalls(List<ChaosSchedule.Window> windows, NavigableMap<Long, Long> progress,
            Duration grace) {
        long last = progress.isEmpty() ? 0 : progress.lastEntry().getValue();
        List<String> stalls = new ArrayList<>();
        for (ChaosSchedule.Window window : windows) {
            long before = readBy(progress, window.startNanos());
            long after = readBy(progress, window.endNanos() + grace.toNanos());
            if (after <= before && last > before) {
                stalls.add(window.name() + ": " + before + " events read when it began, none more until "
                        + grace.toSeconds() + " s after it ended (" + last + " in the end)");
            }
        }
        return stalls;
    }

    private static long readBy(NavigableMap<Long, Long> progress, long nanos) {
        Map.Entry<Long, Long> sample = progress.floorEntry(nanos);
        return sample == null ? 0 : sample.getValue();
    }

    /** One key, one run: returns each valid key's run by client token. */
    private Map<String, RunRecord> checkOneRunPerKey(List<SentRequest> sent, List<RunRecord> runs) {
        Map<String, List<RunRecord>> runsByToken = runs.stream()
                .collect(Collectors.groupingBy(run -> run.clientToken().orElse(""), LinkedHashMap::new,
                        Collectors.toList()));
        Set<String> tokens = new HashSet<>();
        Map<String, RunRecord> runByToken = new LinkedHashMap<>();
        sent.stream().filter(s -> !s.malformed()).map(SentRequest::key).distinct().forEach(key -> {
            String token = ClientTokens.fromKey(key);
            tokens.add(token);
            List<RunRecord> ofKey = runsByToken.getOrDefault(token, List.of());
            if (ofKey.isEmpty()) {
                report(Violation.KEY_WITHOUT_RUN, "key " + key);
            } else if (ofKey.size() > 1) {
                report(Violation.KEY_WITH_SEVERAL_RUNS, "key " + key + ": runs "
                        + ofKey.stream().map(RunRecord::runId).toList());
            }
            if (!ofKey.isEmpty()) {
                runByToken.put(token, ofKey.get(0));
            }
        });
        runsByToken.forEach((token, ofToken) -> {
            if (!tokens.contains(token)) {
                ofToken.forEach(run -> report(Violation.RUN_WITHOUT_REQUEST,
                        "run " + run.runId() + " with client token '" + token + "'"));
            }
        });
        return runByToken;
    }

    private void checkOneResultPerRecord(List<SentRequest> sent, List<OutputEvent> events,
            Map<String, RunRecord> runByToken) {
        Map<RequestCoordinates, List<OutputEvent>> resultsByRecord = events.stream().filter(OutputEvent::isResult)
                .collect(Collectors.groupingBy(OutputEvent::request, LinkedHashMap::new, Collectors.toList()));
        Map<RequestCoordinates, SentRequest> sentByCoordinates = sent.stream()
                .collect(Collectors.toMap(SentRequest::coordinates, Function.identity()));
        for (SentRequest request : sent) {
            List<OutputEvent> results = resultsByRecord.getOrDefault(request.coordinates(), List.of());
            if (results.isEmpty()) {
                report(Violation.RECORD_WITHOUT_RESULT, describe(request));
                continue;
            }
            if (results.size() > 1) {
                report(Violation.RECORD_WITH_SEVERAL_RESULTS, describe(request) + ": " + results.size()
                        + " result events at " + positions(results));
            }
            checkResult(request, results.get(0), runByToken);
        }
        resultsByRecord.forEach((coordinates, results) -> {
            if (!sentByCoordinates.containsKey(coordinates)) {
                report(Violation.RESULT_WITHOUT_RECORD, results.size() + " result event(s) for " + coordinates
                        + " at " + positions(results));
            }
        });
    }

    private void checkResult(SentRequest request, OutputEvent result, Map<String, RunRecord> runByToken) {
        if (request.malformed()) {
            if (!OutputEvent.RUN_START_FAILED.equals(result.eventType())
                    || !OutputEvent.VALIDATION_EXCEPTION.equals(result.errorType())) {
                report(Violation.WRONG_RESULT, describe(request) + " is malformed but got " + result.eventType()
                        + " " + result.errorType());
            }
            return;
        }
        RunRecord run = runByToken.get(ClientTokens.fromKey(request.key()));
        if (!OutputEvent.RUN_STARTED.equals(result.eventType())) {
            report(Violation.WRONG_RESULT, describe(request) + " got " + result.eventType() + " "
                    + result.errorType());
        } else if (run != null && !run.runId().equals(result.runId())) {
            report(Violation.WRONG_RESULT, describe(request) + " got RUN_STARTED of run " + result.runId()
                    + ", DataZone started " + run.runId());
        }
    }

    /** Every status once, in order, up to the terminal one; returns how many runs were seen RUNNING. */
    private long checkStatuses(List<RunRecord> runs, List<OutputEvent> events) {
        Map<String, List<OutputEvent>> byRun = events.stream().filter(e -> e.runId() != null)
                .collect(Collectors.groupingBy(OutputEvent::runId, LinkedHashMap::new, Collectors.toList()));
        Set<String> runIds = new HashSet<>();
        long seenRunning = 0;
        for (RunRecord run : runs) {
            runIds.add(run.runId());
            List<OutputEvent> ofRun = byRun.getOrDefault(run.runId(), List.of());
            if (checkRunStatuses(run, ofRun)) {
                seenRunning++;
            }
        }
        byRun.forEach((runId, ofRun) -> {
            if (!runIds.contains(runId)) {
                report(Violation.EVENT_OF_UNKNOWN_RUN, "run " + runId + ": " + positions(ofRun));
            }
        });
        return seenRunning;
    }

    /** Checks one run's events (in output order); returns whether its RUNNING status was published. */
    private boolean checkRunStatuses(RunRecord run, List<OutputEvent> ofRun) {
        List<OutputEvent> started = ofRun.stream().filter(OutputEvent::isResult).toList();
        List<OutputEvent> changes = ofRun.stream().filter(OutputEvent::isStatusChange).toList();
        List<OutputEvent> closings = ofRun.stream().filter(ChaosChecker::isClosing).toList();
        String describeRun = "run " + run.runId() + " (" + run.status() + (run.vanished() ? ", vanished" : "") + ")";
        if (started.isEmpty()) {
            // Its key then lacks a result event, reported there; the statuses cannot be ordered against anything.
            return false;
        }
        if (ofRun.stream().map(OutputEvent::partition).distinct().count() > 1) {
            report(Violation.STATUS_OUT_OF_ORDER, describeRun + " spread over partitions: " + positions(ofRun));
            return false;
        }
        OutputEvent first = started.get(0);
        List<String> statuses = new ArrayList<>();
        statuses.add(first.status());
        changes.forEach(change -> statuses.add(change.status()));
        String sequence = describeRun + ": " + first.status() + changes.stream().map(c -> " " + c.previousStatus()
                + ">" + c.status() + "@" + c.offset()).collect(Collectors.joining())
                + closings.stream().map(c -> " " + c.eventType() + "@" + c.offset()).collect(Collectors.joining());

        if (new HashSet<>(statuses).size() < statuses.size() || closings.size() > 1) {
            report(Violation.DUPLICATED_STATUS, sequence);
        } else if (!inOrder(run, first, changes)) {
            report(Violation.STATUS_OUT_OF_ORDER, sequence);
        }
        checkClosed(run, ofRun, statuses.get(statuses.size() - 1), closings, sequence);
        return statuses.contains("RUNNING");
    }

    /**
     * The run's last event closes it: its terminal status when DataZone reports one, else RUN_VANISHED (only for a
     * run DataZone lost) or RUN_TRACKING_STOPPED (only for a run DataZone never reported ending), naming the last
     * status published before it.
     */
    private void checkClosed(RunRecord run, List<OutputEvent> ofRun, String lastStatus, List<OutputEvent> closings,
            String sequence) {
        Integer runRank = rank(run.status());
        boolean endedInDataZone = runRank != null && runRank == TERMINAL_RANK;
        boolean terminalPublished = endedInDataZone && run.status().equals(lastStatus);
        if (closings.isEmpty()) {
            if (!terminalPublished) {
                report(endedInDataZone && !run.vanished() ? Violation.RUN_WITHOUT_TERMINAL_STATUS
                        : Violation.RUN_NOT_CLOSED, sequence);
            }
            return;
        }
        OutputEvent closing = closings.get(0);
        OutputEvent last = ofRun.stream().max(Comparator.comparingLong(OutputEvent::offset)).orElseThrow();
        if (terminalPublished || last != closing || !Objects.equals(lastStatus, closing.previousStatus())) {
            report(Violation.EVENT_AFTER_CLOSE, sequence);
        } else if (OutputEvent.RUN_VANISHED.equals(closing.eventType()) && !run.vanished()) {
            report(Violation.WRONG_CLOSE, sequence + ": DataZone still knows the run");
        } else if (OutputEvent.RUN_TRACKING_STOPPED.equals(closing.eventType()) && endedInDataZone) {
            report(Violation.RUN_WITHOUT_TERMINAL_STATUS, sequence + ": tracking stopped, DataZone says "
                    + run.status());
        }
    }

    /** Each change follows the status before it (the first follows the run's first result) and moves forward. */
    private static boolean inOrder(RunRecord run, OutputEvent first, List<OutputEvent> changes) {
        String previous = first.status();
        long previousOffset = first.offset();
        for (OutputEvent change : changes) {
            Integer from = rank(previous, run);
            Integer to = rank(change.status(), run);
            if (change.offset() < previousOffset || !Objects.equals(previous, change.previousStatus()) || from == null
                    || to == null || to <= from) {
                return false;
            }
            previous = change.status();
            previousOffset = change.offset();
        }
        return true;
    }

    private void checkDeadLetters(List<SentRequest> sent, List<DeadLetter> deadLetters) {
        Map<RequestCoordinates, Long> copies = deadLetters.stream().filter(d -> d.origin() != null)
                .collect(Collectors.groupingBy(DeadLetter::origin, Collectors.counting()));
        Set<RequestCoordinates> malformed = new HashSet<>();
        for (SentRequest request : sent) {
            if (!request.malformed()) {
                continue;
            }
            malformed.add(request.coordinates());
            long count = copies.getOrDefault(request.coordinates(), 0L);
            if (count == 0) {
                report(Violation.MISSING_DEAD_LETTER, describe(request));
            } else if (count > 1) {
                report(Violation.DEAD_LETTER_REPEATED, describe(request) + ": " + count + " copies");
            }
        }
        deadLetters.forEach(dead -> {
            if (dead.origin() == null || !malformed.contains(dead.origin())) {
                report(Violation.UNEXPECTED_DEAD_LETTER, "DLQ offset " + dead.offset() + " for "
                        + (dead.origin() == null ? "no named record" : dead.origin()));
            }
        });
    }

    private void report(Violation kind, String evidence) {
        violations.computeIfAbsent(kind, k -> new ArrayList<>()).add(evidence);
    }

    private static String describe(SentRequest request) {
        return (request.malformed() ? "malformed record " : "record ") + request.coordinates() + " key "
                + request.key();
    }

    private static String positions(List<OutputEvent> events) {
        return events.stream().map(e -> e.eventType() + " " + e.status() + "@" + e.partition() + ":" + e.offset())
                .collect(Collectors.joining(", "));
    }
}
