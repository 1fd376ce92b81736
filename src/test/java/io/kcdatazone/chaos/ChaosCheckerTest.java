package io.kcdatazone.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.chaos.ChaosReport.Violation;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.simulator.RunRecord;
import io.kcdatazone.testkit.SecretScan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The checker finds each kind of violation, so the chaos suite cannot pass while an invariant is broken. Each test
 * breaks one thing in an otherwise clean record of a run: key {@code a} sent twice (one run, two results, seen
 * REQUESTED, RUNNING, SUCCESS), key {@code b} once (its run went by RUNNING unobserved, FAILED), and one malformed
 * record (a VALIDATION_EXCEPTION result and one dead letter).
 */
class ChaosCheckerTest {

    private static final String TOPIC = "requests";

    private final List<SentRequest> sent = new ArrayList<>(List.of(
            new SentRequest(at(0), "a", false),
            new SentRequest(at(1), "b", false),
            new SentRequest(at(2), "a", false),
            new SentRequest(at(3), "bad", true)));
    private final List<RunRecord> runs = new ArrayList<>(List.of(run("run-a", "a", "SUCCESS"),
            run("run-b", "b", "FAILED")));
    private final List<OutputEvent> events = new ArrayList<>(List.of(
            started(0, "a", 0, "run-a"),
            started(1, "b", 1, "run-b"),
            failed(2, "bad", 3, "VALIDATION_EXCEPTION"),
            started(3, "a", 2, "run-a"),
            change(4, "a", "run-a", "REQUESTED", "RUNNING"),
            change(5, "b", "run-b", "REQUESTED", "FAILED"),
            change(6, "a", "run-a", "RUNNING", "SUCCESS")));
    private final List<DeadLetter> deadLetters = new ArrayList<>(List.of(new DeadLetter(at(3), 0)));
    private final Map<String, String> taskStates = new HashMap<>(Map.of("sink/0", "RUNNING", "source/0", "RUNNING"));
    private final List<TaskFailure> failures = new ArrayList<>();

    @Test
    void aCleanRunHasNoViolationAndCountsWhatItChecked() {
        ChaosReport report = check();

        assertThat(report.clean()).as(report.summary()).isTrue();
        assertThat(report.volumes()).isEqualTo(new ChaosReport.Volumes(4, 1, 2, 2, 4, 3, 1, 1));
        assertThat(report.summary()).contains("lost 0", "duplicated 0", "out of order 0", "unexpected 0");
    }

    @Test
    void aRunFirstReportedInItsTerminalStatusIsComplete() {
        events.set(1, new OutputEvent(0, 1, "e1", OutputEvent.RUN_STARTED, "b", at(1), "run-b", "FAILED", null, null));
        events.remove(5);

        assertThat(check().clean()).as(check().summary()).isTrue();
        assertThat(ChaosChecker.isTerminal(events.get(1))).isTrue();
        assertThat(ChaosChecker.isTerminal(events.get(0))).isFalse();
        assertThat(ChaosChecker.isTerminal(events.get(2))).as("a failed start has no run").isFalse();
    }

    @Test
    void detectsAKeyWithoutARun() {
        runs.remove(1);

        assertDetects(Violation.KEY_WITHOUT_RUN, "key b");
    }

    @Test
    void detectsAKeyWithTwoRuns() {
        runs.add(run("run-a2", "a", "SUCCESS"));

        assertDetects(Violation.KEY_WITH_SEVERAL_RUNS, "key a: runs [run-a, run-a2]");
    }

    @Test
    void detectsARunNoKeyAskedFor() {
        runs.add(run("run-x", "x", "SUCCESS"));

        assertDetects(Violation.RUN_WITHOUT_REQUEST, "run-x");
    }

    @Test
    void detectsARecordWithoutAResult() {
        events.remove(2);

        assertDetects(Violation.RECORD_WITHOUT_RESULT, "malformed record");
    }

    @Test
    void detectsARecordWithTwoResults() {
        events.add(started(7, "b", 1, "run-b"));

        assertDetects(Violation.RECORD_WITH_SEVERAL_RESULTS, "2 result events");
    }

    @Test
    void detectsAResultForARecordNeverSent() {
        events.add(started(7, "a", 9, "run-a"));

        assertDetects(Violation.RESULT_WITHOUT_RECORD, "requests-0@9");
    }

    @Test
    void detectsAValidRecordThatFailedToStart() {
        events.set(1, failed(1, "b", 1, "THROTTLING_EXCEPTION"));

        assertDetects(Violation.WRONG_RESULT, "THROTTLING_EXCEPTION");
    }

    @Test
    void detectsStatusesOutOfOrder() {
        events.set(4, change(4, "a", "run-a", "RUNNING", "SUCCESS"));
        events.set(6, change(6, "a", "run-a", "REQUESTED", "RUNNING"));

        assertDetects(Violation.STATUS_OUT_OF_ORDER, "run run-a");
    }

    @Test
    void detectsAStatusChangeBeforeTheRunStarted() {
        events.set(0, change(0, "a", "run-a", "REQUESTED", "RUNNING"));
        events.set(4, started(4, "a", 0, "run-a"));

        assertDetects(Violation.STATUS_OUT_OF_ORDER, "run run-a");
    }

    @Test
    void detectsAStatusPublishedTwice() {
        events.add(change(7, "a", "run-a", "REQUESTED", "RUNNING"));

        assertDetects(Violation.DUPLICATED_STATUS, "run run-a");
    }

    @Test
    void detectsAMissingTerminalStatus() {
        events.remove(6);

        assertDetects(Violation.RUN_WITHOUT_TERMINAL_STATUS, "run run-a (SUCCESS)");
    }

    @Test
    void detectsStatusesOfARunDataZoneNeverStarted() {
        events.add(change(7, "z", "run-z", "REQUESTED", "RUNNING"));

        assertDetects(Violation.EVENT_OF_UNKNOWN_RUN, "run-z");
    }

    @Test
    void detectsAMissingDeadLetter() {
        deadLetters.clear();

        assertDetects(Violation.MISSING_DEAD_LETTER, "malformed record");
    }

    @Test
    void countsADeadLetterRepeatedOnRedeliveryWithoutFailingTheRun() {
        deadLetters.add(new DeadLetter(at(3), 1));

        ChaosReport report = check();

        assertThat(report.violations(Violation.DEAD_LETTER_REPEATED)).singleElement()
                .satisfies(e -> assertThat(e).contains("2 copies"));
        assertThat(report.count(ChaosReport.Severity.REDELIVERED)).isOne();
        assertThat(report.clean()).isTrue();
        assertThat(report.summary()).contains("redelivered 1", "DEAD_LETTER_REPEATED");
    }

    @Test
    void detectsAValidRecordInTheDeadLetterQueue() {
        deadLetters.add(new DeadLetter(at(1), 1));

        assertDetects(Violation.UNEXPECTED_DEAD_LETTER, "DLQ offset 1");
    }

    @Test
    void detectsADeadLetterThatNamesNoRecord() {
        deadLetters.add(new DeadLetter(null, 1));

        assertDetects(Violation.UNEXPECTED_DEAD_LETTER, "no named record");
    }

    @Test
    void aRunStuckInAStatusOutsideTheLifecycleClosesWhenItsTrackingStops() {
        runs.set(1, run("run-b", "b", "CANCELLED"));
        events.set(5, change(5, "b", "run-b", "REQUESTED", "CANCELLED"));
        events.add(closing(7, "b", "run-b", OutputEvent.RUN_TRACKING_STOPPED, "CANCELLED"));

        assertThat(check().clean()).as(check().summary()).isTrue();
    }

    @Test
    void detectsARunNeverClosed() {
        runs.set(1, run("run-b", "b", "CANCELLED"));
        events.set(5, change(5, "b", "run-b", "REQUESTED", "CANCELLED"));

        assertDetects(Violation.RUN_NOT_CLOSED, "run run-b (CANCELLED)");
    }

    @Test
    void aRunOfADeletedDataSourceClosesWithRunVanished() {
        runs.set(1, vanished(run("run-b", "b", "RUNNING")));
        events.remove(5);
        events.add(closing(7, "b", "run-b", OutputEvent.RUN_VANISHED, "REQUESTED"));

        assertThat(check().clean()).as(check().summary()).isTrue();
    }

    @Test
    void detectsAVanishedRunNeverClosed() {
        runs.set(1, vanished(run("run-b", "b", "RUNNING")));
        events.remove(5);

        assertDetects(Violation.RUN_NOT_CLOSED, "run run-b (RUNNING, vanished)");
    }

    @Test
    void detectsRunVanishedForARunDataZoneStillKnows() {
        runs.set(1, run("run-b", "b", "RUNNING"));
        events.remove(5);
        events.add(closing(7, "b", "run-b", OutputEvent.RUN_VANISHED, "REQUESTED"));

        assertDetects(Violation.WRONG_CLOSE, "DataZone still knows the run");
    }

    @Test
    void detectsTrackingStoppedForARunThatEndedInDataZone() {
        events.remove(5);
        events.add(closing(7, "b", "run-b", OutputEvent.RUN_TRACKING_STOPPED, "REQUESTED"));

        assertDetects(Violation.RUN_WITHOUT_TERMINAL_STATUS, "tracking stopped, DataZone says FAILED");
    }

    @Test
    void detectsAnEventAfterTheRunClosed() {
        runs.set(1, run("run-b", "b", "CANCELLED"));
        events.set(5, closing(5, "b", "run-b", OutputEvent.RUN_TRACKING_STOPPED, "REQUESTED"));
        events.add(change(7, "b", "run-b", "REQUESTED", "CANCELLED"));

        assertDetects(Violation.EVENT_AFTER_CLOSE, "run run-b");
    }

    @Test
    void detectsAClosingEventAfterTheTerminalStatus() {
        events.add(closing(7, "b", "run-b", OutputEvent.RUN_TRACKING_STOPPED, "FAILED"));

        assertDetects(Violation.EVENT_AFTER_CLOSE, "run run-b");
    }

    @Test
    void detectsATaskFailedAtTheEnd() {
        taskStates.put("source/1", "FAILED");

        assertDetects(Violation.TASK_FAILED, "source/1");
        assertThat(check().count(ChaosReport.Severity.FAILED)).isOne();
    }

    @Test
    void detectsATaskThatFailedOnTheWayThoughARestartCuredIt() {
        SecretScan secrets = SecretScan.of(Map.of("aws.secret.access.key", "chaos-test-only-secret"));
        byte[] failed = ("{\"state\":\"FAILED\",\"trace\":\"org.apache.kafka.connect.errors.ConnectException:"
                + " signing with chaos-test-only-secret failed\\n\\tat Worker.run\",\"worker_id\":\"w1:8083\","
                + "\"generation\":7}").getBytes(StandardCharsets.UTF_8);
        TaskFailure failure = TaskFailure.of("status-task-chaos-source-1", failed, secrets).orElseThrow();
        failures.add(failure);

        assertThat(taskStates).as("RUNNING again at the end").doesNotContainValue("FAILED");
        assertDetects(Violation.FAILED_ON_THE_WAY, "chaos-source/1 on w1:8083: org.apache.kafka.connect.errors"
                + ".ConnectException: signing with <aws.secret.access.key> failed");
        assertThat(check().summary()).doesNotContain("chaos-test-only-secret");
    }

    @Test
    void aTaskStartConnectFailedAtZombieFencingIsCountedButAllowedAndAnyOtherFailureIsNot() {
        SecretScan secrets = SecretScan.of(Map.of());
        byte[] fencing = ("{\"state\":\"FAILED\",\"trace\":\"org.apache.kafka.connect.runtime.rest.errors"
                + ".ConnectRestException: Failed to read to end of config topic before performing zombie fencing\\n"
                + "\\tat org.apache.kafka.connect.runtime.rest.RestClient.httpRequest(RestClient.java:197)\","
                + "\"worker_id\":\"w1:8083\",\"generation\":7}").getBytes(StandardCharsets.UTF_8);
        byte[] ours = ("{\"state\":\"FAILED\",\"trace\":\"org.apache.kafka.connect.errors.ConnectException: zombie"
                + " fencing\\n\\tat io.kcdatazone.source.DataSourceRunSourceTask.poll(DataSourceRunSourceTask.java:1)\","
                + "\"worker_id\":\"w1:8083\",\"generation\":7}").getBytes(StandardCharsets.UTF_8);
        failures.add(TaskFailure.of("status-task-chaos-source-1", fencing, secrets).orElseThrow());

        ChaosReport report = check();
        assertThat(report.violations(Violation.FENCING_FAILED)).singleElement().asString().contains(
                "chaos-source/1 on w1:8083: org.apache.kafka.connect.runtime.rest.errors.ConnectRestException: Failed"
                        + " to read to end of config topic before performing zombie fencing");
        assertThat(report.violations(Violation.FAILED_ON_THE_WAY)).isEmpty();
        assertThat(report.clean()).as("Connect's own failure, restarted").isTrue();

        failures.add(TaskFailure.of("status-task-chaos-source-2", ours, secrets).orElseThrow());
        assertThat(check().violations(Violation.FAILED_ON_THE_WAY)).as("a failure in the plugin's code").hasSize(1);
        assertThat(check().clean()).isFalse();
    }

    @Test
    void onlyFailedStatusRecordsAreFailures() {
        SecretScan secrets = SecretScan.of(Map.of());
        byte[] running = "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":7}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] failed = "{\"state\":\"FAILED\",\"trace\":\"boom\",\"worker_id\":\"w1:8083\",\"generation\":7}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(TaskFailure.of("status-task-chaos-sink-0", running, secrets)).isEmpty();
        assertThat(TaskFailure.of("status-connector-chaos-sink", null, secrets)).isEmpty();
        assertThat(TaskFailure.of("status-connector-chaos-sink", failed, secrets)).get()
                .extracting(TaskFailure::subject).isEqualTo("chaos-sink");
    }

    @Test
    void detectsRunningMissingFromMostRuns() {
        events.remove(4);
        events.set(5, change(6, "a", "run-a", "REQUESTED", "SUCCESS"));

        assertDetects(Violation.RUNNING_SELDOM_PUBLISHED, "0 of 2 runs");
    }

    @Test
    void detectsAFaultAfterWhichTheOutputStoodStill() {
        List<ChaosSchedule.Window> windows = List.of(new ChaosSchedule.Window("kill", seconds(10), seconds(20)));
        TreeMap<Long, Long> progress = new TreeMap<>(Map.of(0L, 0L, seconds(10), 5L, seconds(85), 5L,
                seconds(100), 9L));

        assertThat(ChaosChecker.stalls(windows, progress, Duration.ofSeconds(60))).singleElement()
                .satisfies(stall -> assertThat(stall).startsWith("kill: 5 events read when it began"));

        progress.put(seconds(50), 7L);
        assertThat(ChaosChecker.stalls(windows, progress, Duration.ofSeconds(60))).as("moving again in time")
                .isEmpty();
        assertThat(ChaosChecker.stalls(windows, new TreeMap<>(Map.of(seconds(5), 9L, seconds(100), 9L)),
                Duration.ofSeconds(60))).as("complete before the fault").isEmpty();
    }

    private static long seconds(long seconds) {
        return Duration.ofSeconds(seconds).toNanos();
    }

    private void assertDetects(Violation kind, String evidence) {
        ChaosReport report = check();

        assertThat(report.clean()).isFalse();
        assertThat(report.violations(kind)).as(report.summary()).anySatisfy(e -> assertThat(e).contains(evidence));
        assertThat(report.count(kind.severity())).isPositive();
        assertThat(report.summary()).contains(kind.name());
    }

    private ChaosReport check() {
        return ChaosChecker.check(sent, runs, events, deadLetters, taskStates, failures);
    }

    private static RequestCoordinates at(long offset) {
        return new RequestCoordinates(TOPIC, 0, offset);
    }

    private static RunRecord run(String runId, String token, String status) {
        return new RunRecord(runId, "dzd_chaos", "ds_00", Optional.of(token), Instant.EPOCH, status, false);
    }

    private static OutputEvent started(long offset, String key, long requestOffset, String runId) {
        return new OutputEvent(0, offset, "e" + offset, OutputEvent.RUN_STARTED, key, at(requestOffset), runId,
                "REQUESTED", null, null);
    }

    private static OutputEvent failed(long offset, String key, long requestOffset, String errorType) {
        return new OutputEvent(0, offset, "e" + offset, OutputEvent.RUN_START_FAILED, key, at(requestOffset), null,
                null, null, errorType);
    }

    private static RunRecord vanished(RunRecord run) {
        return new RunRecord(run.runId(), run.domainId(), run.dataSourceId(), run.clientToken(), run.createdAt(),
                run.status(), true);
    }

    private static OutputEvent closing(long offset, String key, String runId, String eventType, String lastStatus) {
        return new OutputEvent(0, offset, "e" + offset, eventType, key, at(0), runId, null, lastStatus, null);
    }

    private static OutputEvent change(long offset, String key, String runId, String from, String to) {
        return new OutputEvent(0, offset, "e" + offset, OutputEvent.RUN_STATUS_CHANGED, key, at(0), runId, to, from,
                null);
    }
}
