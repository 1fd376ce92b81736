package io.kcdatazone.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kcdatazone.testkit.ChildConnectWorker;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.RemoteJvm;
import io.kcdatazone.testkit.ReplicatedConnectStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak, outside the test suite ({@code mvn -B -Pchaos test}, about 40 minutes; {@code -Dchaos.soak.minutes=N}
 * for another length): the chaos suite's stack and checks, with 10,000 requests over 30 minutes under a steady mix of
 * the same faults, repeated every five minutes (one Kafka fault per round, in turn: a production roll, a kill of the
 * ledger's and offsets' leader, a controller failover, a kill of the source's transaction coordinator, the ledger
 * unreachable). Each minute it samples what the output holds so far and a worker that runs tasks throughout (a child
 * JVM that is never killed): its heap in use after a full collection and the CPU it used. The table is printed and
 * written to {@code target/chaos-soak.json}. A heap that stays flat while the runs pile up is the point; the final
 * check must be as clean as the suite's.
 */
class ChaosSoak {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSoak.class);

    /** {@code -Dchaos.soak.minutes=N} shortens (or stretches) the soak, the requests in proportion: for a quick try. */
    private static final Duration LENGTH = Duration.ofMinutes(Long.getLong("chaos.soak.minutes", 30));
    private static final int VALID_KEYS = (int) (10_000 * LENGTH.toMinutes() / 30);
    private static final Duration ROUND = Duration.ofMinutes(5);
    private static final Duration SAMPLE_EVERY = Duration.ofMinutes(1);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    /** Every run ends long before this, whatever the faults; the stuck run closes after it. */
    private static final Duration TRACKING_LIMIT = Duration.ofMinutes(5);
    private static final Path REPORT = Path.of("target", "chaos-soak.json");

    @RegisterExtension
    static final ReplicatedConnectStack STACK = ReplicatedConnectStack.builder()
            .workers(2)
            .dir(Path.of("target", "chaos-soak-kafka"))
            .build();

    /** One minute's sample. */
    record Sample(long minute, int requestsSent, long results, long statusEvents, long closedRuns, double workerHeapMb,
            double workerCpuCores, int workerTasks) {
    }

    @Test
    void tenThousandRequestsOverHalfAnHourOfFaultsLeaveTheHeapFlatAndNothingLost() throws Exception {
        long began = System.nanoTime();
        // 500 runs per data source: no daily quota.
        try (ChaosScenario scenario = new ChaosScenario(STACK, 0, Path.of("target", "chaos-soak-workers"),
                TRACKING_LIMIT)) {
            run(scenario, began);
        }
    }

    private static void run(ChaosScenario scenario, long began) throws Exception {
        ChildConnectWorker sampled = scenario.joinChildWorker("sampled");
        scenario.start();
        List<RequestStream.Planned> plan = ChaosScenario.plan(VALID_KEYS);
        Duration interval = LENGTH.dividedBy(plan.size());
        List<Sample> samples = new ArrayList<>();
        List<SentRequest> sent;
        List<OutputEvent> events;
        Map<String, String> taskStates;
        List<String> stalls;
        try (RequestStream stream = new RequestStream(STACK.bootstrapServers(), ChaosScenario.REQUESTS, plan);
             OutputTopicReader<OutputEvent> output = scenario.outputReader();
             RemoteJvm worker = RemoteJvm.attach(sampled.pid());
             ChaosSchedule chaos = schedule(scenario)) {
            long streamStart = System.nanoTime();
            stream.start(interval);
            chaos.start();
            long cpuBefore = worker.processCpuNanos();
            for (long minute = 1; minute <= LENGTH.dividedBy(SAMPLE_EVERY); minute++) {
                long due = streamStart + SAMPLE_EVERY.multipliedBy(minute).toNanos();
                List<OutputEvent> read = scenario.readUntil(output, () -> System.nanoTime() >= due);
                long cpuNow = worker.processCpuNanos();
                Sample sample = new Sample(minute, stream.sentCount(),
                        read.stream().filter(OutputEvent::isResult).count(),
                        read.stream().filter(OutputEvent::isStatusChange).count(), ChaosChecker.closedRuns(read),
                        worker.heapUsedAfterGcBytes() / 1024.0 / 1024.0,
                        (cpuNow - cpuBefore) / (double) SAMPLE_EVERY.toNanos(),
                        scenario.tasksOn(sampled.workerId()).size());
                cpuBefore = cpuNow;
                samples.add(sample);
                LOG.info("Soak {}", sample);
            }
            chaos.awaitDone(Duration.ofMinutes(10));
            sent = stream.awaitAllSent(ChaosScenario.TIMEOUT);
            events = scenario.drain(output, plan, sent, DRAIN_TIMEOUT);
            taskStates = scenario.taskStates();
            stalls = scenario.stalls(chaos);
        } finally {
            scenario.closeChildren();
        }

        ChaosReport report = scenario.check(sent, events, taskStates);
        List<String> hanging = scenario.hangingTransactions();
        String table = table(samples);
        long seconds = ChaosScenario.secondsSince(began);
        System.out.printf("Soak finished in %d s%n%s%s%s", seconds, table, report.summary(), scenario.callSummary());
        LOG.info("Soak finished in {} s\n{}{}Hanging transactions: {}; stalls: {}", seconds, table,
                report.summary(), hanging, stalls);
        writeReport(samples, report, seconds);

        assertThat(report.clean()).as(report.summary()).isTrue();
        assertThat(report.volumes().runs()).isEqualTo(VALID_KEYS + 2);
        assertThat(hanging).as("transactions open for over " + ChaosScenario.OPEN_FOR.toSeconds() + " s").isEmpty();
        assertThat(stalls).as("faults after which the output stood still").isEmpty();
        assertThat(scenario.ledgerWritesExpired()).as("ledger writes that expired while the ledger was unreachable")
                .isNotEmpty();
        assertThat(samples).as("the sampled worker ran tasks at every sample")
                .allSatisfy(sample -> assertThat(sample.workerTasks()).isPositive());
    }

    /** The same faults every round, and one Kafka fault per round in turn. */
    private static ChaosSchedule schedule(ChaosScenario scenario) {
        ChaosSchedule schedule = new ChaosSchedule()
                .at(Duration.ofSeconds(20), "delete the data source " + ChaosScenario.DOOMED,
                        scenario::deleteDoomedDataSource);
        for (int round = 0; round < LENGTH.dividedBy(ROUND); round++) {
            Duration start = ROUND.multipliedBy(round);
            int task = round % ChaosScenario.TASKS;
            CompletableFuture<WorkerHandle> visitor = new CompletableFuture<>();
            CompletableFuture<ChildConnectWorker> victim = new CompletableFuture<>();
            String name = "round " + (round + 1) + ": ";
            String victimName = "victim-" + round;
            schedule.at(start.plusSeconds(5), name + "DataZone throttles a fifth of all calls",
                            () -> scenario.throttle(0.2))
                    .at(start.plusSeconds(35), name + "DataZone answers bursts of 500", () -> scenario.burstsOf500(10))
                    .at(start.plusSeconds(65), name + "DataZone stops throttling", scenario::stopThrottling)
                    .at(start.plusSeconds(70), name + "conflicts on", () -> scenario.conflicts(true))
                    .at(start.plusSeconds(90), name + "restart sink task " + task, () ->
                            scenario.restartTask(ChaosScenario.SINK, task))
                    .at(start.plusSeconds(115), name + "conflicts off", () -> scenario.conflicts(false))
                    .at(start.plusSeconds(120), name + "DataZone resets connections", () ->
                            scenario.connectionResets(5))
                    .at(start.plusSeconds(210), name + "restart source task " + task, () ->
                            scenario.restartTask(ChaosScenario.SOURCE, task))
                    .at(start.plusSeconds(230), name + "a worker joins", () ->
                            ChaosScenario.complete(visitor, scenario::workerJoins))
                    .at(start.plusSeconds(260), name + "the worker leaves", () ->
                            scenario.workerLeaves(visitor.join()))
                    .at(start.plusSeconds(240), name + "a child worker joins", () ->
                            ChaosScenario.complete(victim, () -> scenario.joinChildWorker(victimName)))
                    .at(start.plusSeconds(285), name + "SIGKILL the child worker", () -> victim.join().kill());
            switch (round % 5) {
                case 0 -> schedule.at(start.plusSeconds(150), name + "rolling restart of the Kafka nodes",
                        scenario::rollingRestart);
                case 1 -> schedule.at(start.plusSeconds(150), name + "SIGKILL the leader of the ledger and offsets",
                        scenario::killLeaderOfLedgerAndOffsets);
                case 2 -> schedule.at(start.plusSeconds(150), name + "SIGKILL the active controller",
                        scenario::controllerFailover);
                case 3 -> schedule.at(start.plusSeconds(150), name + "SIGKILL the source's transaction coordinator",
                        scenario::killTransactionCoordinator);
                default -> schedule.at(start.plusSeconds(150), name + "the ledger unreachable", scenario::cutLedger)
                        .at(start.plusSeconds(150).plus(ChaosScenario.LEDGER_OUTAGE), name + "the ledger back",
                                scenario::restoreLedger);
            }
        }
        return schedule;
    }

    private static String table(List<Sample> samples) {
        StringBuilder text = new StringBuilder(String.format("%6s %9s %8s %8s %8s %10s %9s %5s%n", "minute", "requests",
                "results", "statuses", "closed", "heap MB", "CPU cores", "tasks"));
        samples.forEach(s -> text.append(String.format("%6d %9d %8d %8d %8d %10.1f %9.2f %5d%n", s.minute(),
                s.requestsSent(), s.results(), s.statusEvents(), s.closedRuns(), s.workerHeapMb(),
                s.workerCpuCores(), s.workerTasks())));
        return text.toString();
    }

    private static void writeReport(List<Sample> samples, ChaosReport report, long seconds) throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("durationSeconds", seconds);
        json.put("samples", samples);
        json.put("volumes", report.volumes());
        Map<String, Integer> findings = new LinkedHashMap<>();
        for (ChaosReport.Severity severity : ChaosReport.Severity.values()) {
            findings.put(severity.name(), report.count(severity));
        }
        json.put("findings", findings);
        Files.createDirectories(REPORT.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(REPORT.toFile(), json);
    }
}
