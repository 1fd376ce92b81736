package io.kcdatazone.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.testkit.ChildConnectWorker;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.ReplicatedConnectStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos suite, on a production-shaped cluster: three KRaft nodes (each broker and controller, each a child JVM),
 * every topic with three replicas and {@code min.insync.replicas=2} (Connect's config, offsets and status topics, the
 * ledger, the output, the requests, the DLQ and the transaction log). Three Connect workers run both connectors
 * ({@code tasks.max=3}, the source in exactly-once mode) while 1,000 requests over 20 data sources stream in, with
 * repeated keys and malformed records among them, and everything that can go wrong does, with nothing paused:
 * <ul>
 *   <li>a worker (a child JVM holding tasks) dies by {@code SIGKILL}; a worker joins and leaves again while Start
 *       calls wait on conflicts; a new worker joins later;</li>
 *   <li>the sink connector, the source connector and single tasks restart through Connect's REST API, a sink task
 *       while its siblings hold conflict retries;</li>
 *   <li>DataZone throttles half of all calls for a minute (while the other faults happen too), answers bursts of
 *       500s, resets connections before and after handling calls (a Start that took effect but whose answer is lost),
 *       is ten times slower for 20 s, refuses Starts on four data sources while one of their runs is in progress,
 *       deletes a data source whose run the source follows, and leaves a run in a status it does not document;</li>
 *   <li>Kafka: a {@code SIGKILL} of the node coordinating the source tasks' transactions; a production roll of all
 *       three nodes (each shut down cleanly with {@code SIGTERM}, restarted, and back in every ISR before the next);
 *       a {@code SIGKILL} of the node leading most of the ledger's partitions and of the offsets partitions the
 *       source writes; a {@code SIGKILL} of the active controller (another takes over); the ledger unreachable from
 *       the connectors for longer than the ledger producer's delivery timeout. A node killed is restarted only once
 *       the cluster has fenced it, and each node fault ends once the node's new incarnation is back in every ISR.</li>
 * </ul>
 * Then {@link ChaosChecker} compares the simulator's record with the topics and Connect's status topic: nothing may be
 * lost, duplicated, out of order or unexpected, every run is closed by an event, and no task is FAILED, at the end or
 * on the way. No transaction may be left open on Connect's offsets and config topics, the output or the ledger, 75 s
 * after each Kafka fault or at the end: the hanging transaction the single-broker suite once saw after a graceful
 * broker stop (README, Troubleshooting) must not come back.
 */
class ChaosTest {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);

    private static final int VALID_KEYS = 1_000;
    private static final Duration REQUEST_INTERVAL = Duration.ofMillis(150);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(150);
    /**
     * The stuck run closes within the test (it starts with the chaos, which lasts about 300 s). Long enough that the
     * doomed data source's run, deleted once the source has listed it, is seen vanishing first: at 90 s, on a loaded
     * machine where the tasks polled slowly, it was stopped by the limit before its poll saw the deletion.
     */
    private static final Duration TRACKING_LIMIT = Duration.ofSeconds(150);

    @RegisterExtension
    static final ReplicatedConnectStack STACK = ReplicatedConnectStack.builder()
            .workers(2)
            .dir(Path.of("target", "chaos-kafka"))
            .build();

    /** Starts refused for a run in progress before the sink's rebalances began, and once they were over. */
    private final AtomicLong conflictsBeforeRebalances = new AtomicLong();
    private final AtomicLong conflictsAfterRebalances = new AtomicLong();

    @Test
    void nothingIsLostDuplicatedOrReorderedThroughCrashesRestartsFaultsAndBrokerKills() throws Exception {
        long began = System.nanoTime();
        // 50 runs per data source, twice the real account's daily quota.
        try (ChaosScenario scenario = new ChaosScenario(STACK, 100, Path.of("target", "chaos-workers"),
                TRACKING_LIMIT)) {
            run(scenario, began);
        }
    }

    private void run(ChaosScenario scenario, long began) throws Exception {
        ChildConnectWorker doomed = scenario.joinChildWorker("first");
        scenario.start();
        Set<String> doomedTasks = scenario.tasksOn(doomed.workerId());
        assertThat(doomedTasks).as("tasks on the worker that will be killed").isNotEmpty();
        LOG.info("The worker to be killed runs {}", doomedTasks);

        List<RequestStream.Planned> plan = ChaosScenario.plan(VALID_KEYS);
        List<SentRequest> sent;
        List<OutputEvent> events;
        Map<String, String> taskStates;
        List<String> stalls;
        try (RequestStream stream = new RequestStream(STACK.bootstrapServers(), ChaosScenario.REQUESTS, plan);
             OutputTopicReader<OutputEvent> output = scenario.outputReader();
             ChaosSchedule chaos = schedule(scenario, doomed)) {
            stream.start(REQUEST_INTERVAL);
            chaos.start();
            long chaosDeadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
            scenario.readUntil(output, () -> chaos.isDone() || System.nanoTime() > chaosDeadline);
            chaos.awaitDone(Duration.ZERO);
            sent = stream.awaitAllSent(ChaosScenario.TIMEOUT);
            events = scenario.drain(output, plan, sent, DRAIN_TIMEOUT);
            LOG.info("Output read after {} s", ChaosScenario.secondsSince(began));
            taskStates = scenario.taskStates();
            stalls = scenario.stalls(chaos);
        } finally {
            scenario.closeChildren();
        }

        ChaosReport report = scenario.check(sent, events, taskStates);
        List<String> hanging = scenario.hangingTransactions();
        String calls = scenario.callSummary();
        long seconds = ChaosScenario.secondsSince(began);
        System.out.printf("Chaos suite finished in %d s%n%s%s", seconds, report.summary(), calls);
        LOG.info("Chaos suite finished in {} s\n{}{}Hanging transactions: {}; stalls: {}", seconds,
                report.summary(), calls, hanging, stalls);

        assertThat(report.clean()).as(report.summary()).isTrue();
        assertThat(report.volumes().records()).isEqualTo(plan.size());
        assertThat(report.volumes().runs()).isEqualTo(VALID_KEYS + 2);
        assertThat(report.volumes().malformed()).isPositive();
        assertThat(hanging).as("transactions open for over " + ChaosScenario.OPEN_FOR.toSeconds() + " s").isEmpty();
        assertThat(stalls).as("faults after which the output stood still").isEmpty();
        assertThat(scenario.ledgerWritesExpired()).as("ledger writes that expired while the ledger was unreachable")
                .isNotEmpty();
        assertChaosHappened(scenario.simulator().introspection().calls(), events);
        assertThat(conflictsAfterRebalances.get()).as("Starts refused for a run in progress: the sink's tasks were"
                + " retrying them before the rebalances (" + conflictsBeforeRebalances.get() + ") and through them")
                .isGreaterThan(conflictsBeforeRebalances.get());
        assertThat(conflictsBeforeRebalances.get()).as("Starts refused before the rebalances").isPositive();
    }

    private ChaosSchedule schedule(ChaosScenario scenario, ChildConnectWorker doomed) {
        CompletableFuture<WorkerHandle> visitor = new CompletableFuture<>();
        return new ChaosSchedule()
                .at(seconds(3), "DataZone throttles half of all calls", () -> scenario.throttle(0.5))
                .at(seconds(6), "DataZone refuses Starts on " + ChaosScenario.CONFLICTING
                        + " while a run is in progress", () -> scenario.conflicts(true))
                .at(seconds(10), "SIGKILL the worker holding tasks " + scenario.tasksOn(doomed.workerId()),
                        doomed::kill)
                .at(seconds(16), "SIGKILL the source tasks' transaction coordinator",
                        scenario::killTransactionCoordinator)
                .at(seconds(20), "delete the data source " + ChaosScenario.DOOMED + " while its run is followed",
                        scenario::deleteDoomedDataSource)
                .at(seconds(24), "restart sink task 1 while conflict retries are pending", () -> {
                    conflictsBeforeRebalances.set(scenario.conflictsSoFar());
                    scenario.restartTask(ChaosScenario.SINK, 1);
                })
                .at(seconds(28), "a worker joins while conflict retries are pending", () ->
                        ChaosScenario.complete(visitor, scenario::workerJoins))
                .at(seconds(36), "DataZone answers bursts of 500", () -> scenario.burstsOf500(15))
                .at(seconds(40), "the worker that joined leaves", () -> scenario.workerLeaves(visitor.join()))
                .at(seconds(44), "DataZone stops refusing Starts while a run is in progress", () -> {
                    scenario.conflicts(false);
                    conflictsAfterRebalances.set(scenario.conflictsSoFar());
                })
                .at(seconds(46), "restart the sink connector and its tasks", () ->
                        scenario.restartConnector(ChaosScenario.SINK))
                .at(seconds(48), "a new worker joins", () -> scenario.joinChildWorker("second"))
                .at(seconds(52), "DataZone resets connections, before and after handling calls", () ->
                        scenario.connectionResets(8))
                .at(seconds(58), "DataZone slows down tenfold", () -> scenario.slowDown(10))
                .at(seconds(63), "DataZone stops throttling", scenario::stopThrottling)
                .at(seconds(66), "restart sink task 0 and source task 1", () -> {
                    scenario.restartTask(ChaosScenario.SINK, 0);
                    scenario.restartTask(ChaosScenario.SOURCE, 1);
                })
                .at(seconds(70), "rolling restart of the three Kafka nodes", scenario::rollingRestart)
                .at(seconds(75), "DataZone back to normal speed", () -> scenario.slowDown(1))
                .at(seconds(95), "the ledger becomes unreachable for " + ChaosScenario.LEDGER_OUTAGE.toSeconds()
                        + " s", scenario::cutLedger)
                .at(seconds(95).plus(ChaosScenario.LEDGER_OUTAGE), "the ledger is reachable again",
                        scenario::restoreLedger)
                .at(seconds(130), "SIGKILL the node leading the ledger and Connect's offsets",
                        scenario::killLeaderOfLedgerAndOffsets)
                .at(seconds(160), "SIGKILL the active KRaft controller", scenario::controllerFailover)
                .at(seconds(185), "restart the source connector and its tasks", () ->
                        scenario.restartConnector(ChaosScenario.SOURCE));
    }

    /** Proof that the faults reached the connectors: without them a clean report would prove little. */
    private static void assertChaosHappened(List<RecordedCall> calls, List<OutputEvent> events) {
        for (Operation operation : List.of(Operation.START_DATA_SOURCE_RUN, Operation.LIST_DATA_SOURCE_RUNS)) {
            Map<Integer, Long> statuses = calls.stream().filter(call -> call.operation() == operation)
                    .collect(Collectors.groupingBy(RecordedCall::httpStatus, Collectors.counting()));
            assertThat(statuses).as(operation + " answers by HTTP status")
                    .containsKeys(429, 500, RecordedCall.NO_RESPONSE);
        }
        assertThat(events).as("the deleted data source's run and the stuck run closed")
                .extracting(OutputEvent::eventType)
                .contains(OutputEvent.RUN_VANISHED, OutputEvent.RUN_TRACKING_STOPPED);
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
