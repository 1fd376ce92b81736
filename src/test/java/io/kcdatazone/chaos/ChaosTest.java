package io.kcdatazone.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Faults;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.Outcome;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.simulator.Seed;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.source.DataSourceRunSourceConnector;
import io.kcdatazone.testkit.ChildConnectWorker;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.SimulatorService;
import io.kcdatazone.testkit.TopicDump;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos suite: three Connect workers run both connectors ({@code tasks.max=3}, the source in exactly-once mode)
 * while 1,000 requests over 20 data sources stream in, with repeated keys and malformed records among them, and
 * everything that can go wrong does:
 * <ul>
 *   <li>a worker (a child JVM holding tasks) dies by {@code SIGKILL}; a new worker joins later;</li>
 *   <li>the sink connector, the source connector and single tasks restart through Connect's REST API;</li>
 *   <li>DataZone throttles half of all calls for a minute (while the other faults happen too), answers bursts of
 *       500s, resets connections before and after handling calls (a Start that took effect but
 *       whose answer is lost), and is ten times slower for 20 s;</li>
 *   <li>the Kafka broker stops and restarts, with the source connector paused around it (see
 *       {@link #restartBroker()}).</li>
 * </ul>
 * Then {@link ChaosChecker} compares the simulator's record with the topics: nothing may be lost, duplicated, out of
 * order or unexpected.
 */
class ChaosTest {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);

    private static final String DOMAIN = "dzd_chaos";
    private static final int DATA_SOURCES = 20;
    private static final int VALID_KEYS = 1_000;
    private static final int TASKS = 3;
    private static final int PARTITIONS = 6;
    private static final Duration REQUEST_INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    private static final List<Operation> DATAZONE_CALLS = List.of(Operation.START_DATA_SOURCE_RUN,
            Operation.LIST_DATA_SOURCE_RUNS, Operation.GET_DATA_SOURCE_RUN);
    private static final Path CHILD_WORKER_DIR = Path.of("target", "chaos-workers");

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workers(2)
            .service(new SimulatorService(SimulatorOptions.builder()
                    .seed(seed())
                    .latency(Duration.ofMillis(15), Duration.ofMillis(10))
                    // Many requests per data source start close together; conflicts would only queue them up.
                    .conflictWhileRunInProgress(false)
                    // 50 runs per data source, twice the real account's daily quota.
                    .runsPerDataSourcePerDay(100)
                    .build()))
            .build();

    /** Every child worker started, the killed one included; a step of the schedule adds one. */
    private final List<ChildConnectWorker> children = new CopyOnWriteArrayList<>();

    @Test
    void nothingIsLostDuplicatedOrReorderedThroughCrashesRestartsFaultsAndABrokerRestart() throws Exception {
        long began = System.nanoTime();
        ChildConnectWorker doomed = joinChildWorker("first");
        createTopicsAndConnectors();
        Set<String> doomedTasks = tasksOn(doomed);
        assertThat(doomedTasks).as("tasks on the worker that will be killed").isNotEmpty();
        LOG.info("The worker to be killed runs {}", doomedTasks);

        List<RequestStream.Planned> plan = RequestStream.plan(VALID_KEYS, dataSourceIds(), DOMAIN);
        List<SentRequest> sent;
        List<OutputEvent> events;
        try (RequestStream stream = new RequestStream(STACK.bootstrapServers(), requestTopic(), plan);
             OutputTopicReader<OutputEvent> output = new OutputTopicReader<>(STACK.bootstrapServers(),
                     outputTopic(), PARTITIONS, STACK.confluentWireFormat(),
                     (key, partition, offset, value) -> OutputEvent.of(partition, offset, value));
             ChaosSchedule chaos = schedule(doomed)) {
            stream.start(REQUEST_INTERVAL);
            chaos.start();
            chaos.awaitDone(Duration.ofMinutes(4));
            sent = stream.awaitAllSent(TIMEOUT);
            long validKeys = plan.stream().filter(p -> !p.malformed()).map(RequestStream.Planned::key).distinct()
                    .count();
            boolean drained = drain(output, all -> all.stream().filter(OutputEvent::isResult).count() >= sent.size()
                    && terminalRuns(all) >= validKeys);
            LOG.info("Output {} after {} s", drained ? "complete" : "INCOMPLETE", elapsed(began));
            events = output.readFor(Duration.ofSeconds(5));
        } finally {
            children.forEach(ChildConnectWorker::close);
        }

        DataZoneSimulator simulator = STACK.service(SimulatorService.class).simulator();
        List<DeadLetter> deadLetters = new TopicDump(STACK.bootstrapServers(), Map.of()).records(deadLetterTopic())
                .stream().map(DeadLetter::of).toList();
        ChaosReport report = ChaosChecker.check(sent, simulator.introspection().runs(), events, deadLetters);
        String calls = callSummary(simulator.introspection().calls());
        System.out.printf("Chaos suite finished in %d s%n%s%s", elapsed(began), report.summary(), calls);
        LOG.info("Chaos suite finished in {} s\n{}{}", elapsed(began), report.summary(), calls);

        assertThat(report.count(ChaosReport.Severity.LOST)).as(report.summary()).isZero();
        assertThat(report.count(ChaosReport.Severity.DUPLICATED)).as(report.summary()).isZero();
        assertThat(report.count(ChaosReport.Severity.OUT_OF_ORDER)).as(report.summary()).isZero();
        assertThat(report.count(ChaosReport.Severity.UNEXPECTED)).as(report.summary()).isZero();
        assertThat(report.volumes().records()).isEqualTo(plan.size());
        assertThat(report.volumes().runs()).isEqualTo(VALID_KEYS);
        assertThat(report.volumes().malformed()).isPositive();
        assertChaosHappened(simulator.introspection().calls());
        for (String connector : List.of(sinkName(), sourceName())) {
            assertThat(STACK.connect().connectorStatus(connector).tasks()).as(connector + " tasks at the end")
                    .extracting(ConnectorStateInfo.TaskState::state).containsOnly("RUNNING");
        }
    }

    private ChaosSchedule schedule(ChildConnectWorker doomed) {
        Faults faults = STACK.service(SimulatorService.class).simulator().faults();
        return new ChaosSchedule()
                .at(seconds(3), "DataZone throttles half of all calls", () -> DATAZONE_CALLS.forEach(op ->
                        faults.failRandomly(op, ServiceError.THROTTLING, 0.5)))
                .at(seconds(10), "SIGKILL the worker holding tasks " + tasksOn(doomed), doomed::kill)
                .at(seconds(36), "DataZone answers bursts of 500", () -> DATAZONE_CALLS.forEach(op ->
                        faults.failNext(op, ServiceError.INTERNAL_SERVER, 15)))
                .at(seconds(42), "restart the sink connector and its tasks", () -> restartConnector(sinkName()))
                .at(seconds(45), "a new worker joins", () -> joinChildWorker("second"))
                .at(seconds(50), "DataZone resets connections, before and after handling calls", () ->
                        DATAZONE_CALLS.forEach(op -> faults.resetNext(op, 8).dropResponseNext(op, 8)))
                .at(seconds(58), "DataZone slows down tenfold", () -> faults.slowDown(10))
                .at(seconds(63), "DataZone stops throttling", () -> DATAZONE_CALLS.forEach(faults::stopFailingRandomly))
                .at(seconds(66), "restart sink task 0 and source task 1", () -> {
                    restartTask(sinkName(), 0);
                    restartTask(sourceName(), 1);
                })
                .at(seconds(78), "DataZone back to normal speed", () -> faults.slowDown(1))
                .at(seconds(85), "restart the broker", this::restartBroker)
                .at(seconds(100), "restart the source connector and its tasks", () -> restartConnector(sourceName()));
    }

    private ChildConnectWorker joinChildWorker(String name) {
        ChildConnectWorker child = ChildConnectWorker.join(ChaosTest.class.getSimpleName(), STACK.bootstrapServers(),
                Map.of(), CHILD_WORKER_DIR.resolve(name));
        children.add(child);
        return child.awaitReady(TIMEOUT);
    }

    /**
     * Stops the broker and starts it again on the same port and log directories; the outage lasts as long as the
     * restart takes (restartOnlyBrokers waits until the broker serves again). The source connector is paused around
     * it, so no exactly-once transaction is open: when the broker stopped under source tasks in mid-transaction, an
     * offsets topic partition kept an open transaction that the restarted transaction coordinator no longer knew
     * (its transactional id at a newer epoch, state Empty), a hanging transaction nothing aborts. Its last stable
     * offset then never moves, and every restarted source task hung in Connect's own start-up (KafkaOffsetBackingStore
     * reading the offsets topic to its end with read_committed) before ever calling the connector. The sink, the
     * ledger and the workers take the restart live.
     */
    private void restartBroker() {
        STACK.connect().pauseConnector(sourceName());
        awaitTasks(sourceName(), "PAUSED");
        STACK.connect().kafka().stopOnlyBrokers();
        LOG.info("Broker stopped");
        STACK.connect().kafka().restartOnlyBrokers();
        LOG.info("Broker restarted");
        STACK.connect().resumeConnector(sourceName());
        awaitTasks(sourceName(), "RUNNING");
    }

    private static void awaitTasks(String connector, String state) {
        Awaitility.await(connector + " tasks " + state).atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    ConnectorStateInfo status = STACK.connect().connectorStatus(connector);
                    return status.tasks().size() == TASKS
                            && status.tasks().stream().allMatch(task -> state.equals(task.state()));
                });
    }

    private static void restartConnector(String connector) {
        Awaitility.await("restart of " + connector).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    STACK.connect().restartConnectorAndTasks(connector, false, true, false);
                    return true;
                });
    }

    private static void restartTask(String connector, int task) {
        Awaitility.await("restart of " + connector + " task " + task).atMost(TIMEOUT)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    STACK.restartTask(connector, task);
                    return true;
                });
    }

    private void createTopicsAndConnectors() {
        STACK.createTopic(requestTopic(), PARTITIONS);
        STACK.createTopic(outputTopic(), PARTITIONS);
        STACK.createTopic(deadLetterTopic(), 1);
        STACK.connect().configureConnector(sinkName(), sinkConfig());
        STACK.connect().configureConnector(sourceName(), sourceConfig());
        STACK.awaitConnectorRunning(sinkName(), TASKS, TIMEOUT);
        STACK.awaitConnectorRunning(sourceName(), TASKS, TIMEOUT);
    }

    private static Map<String, String> sinkConfig() {
        Map<String, String> sink = commonConfig();
        sink.put("connector.class", DataSourceRunSinkConnector.class.getName());
        sink.put("topics", requestTopic());
        sink.put("value.converter", StringConverter.class.getName());
        sink.put("datazone.requests.per.second", "0");
        sink.put("retry.backoff.ms", "100");
        sink.put("retry.backoff.max.ms", "2000");
        // Every valid request must start its run, however long DataZone misbehaves within the test.
        sink.put("retry.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
        sink.put("errors.tolerance", "all");
        sink.put("errors.deadletterqueue.topic.name", deadLetterTopic());
        sink.put("errors.deadletterqueue.topic.replication.factor", "1");
        sink.put("errors.deadletterqueue.context.headers.enable", "true");
        return sink;
    }

    private static Map<String, String> sourceConfig() {
        Map<String, String> source = commonConfig();
        source.put("connector.class", DataSourceRunSourceConnector.class.getName());
        source.put("output.topic", outputTopic());
        source.put("status.poll.interval.ms", "500");
        source.put("status.poll.interval.max.ms", "2000");
        source.put("exactly.once.support", "required");
        source.put("transaction.boundary", "poll");
        source.putAll(STACK.avroConverterProperties("value.converter"));
        return source;
    }

    private static Map<String, String> commonConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("tasks.max", String.valueOf(TASKS));
        config.put("key.converter", StringConverter.class.getName());
        config.put("datazone.region", "us-east-1");
        config.put("datazone.endpoint.override",
                STACK.service(SimulatorService.class).simulator().endpoint().toString());
        config.put("aws.access.key.id", "AKIACHAOSTESTONLY");
        config.put("aws.secret.access.key", "chaos-test-only-secret");
        config.put("ledger.topic", "chaos-ledger");
        config.put("ledger.bootstrap.servers", STACK.bootstrapServers());
        config.put("ledger.topic.partitions", String.valueOf(PARTITIONS));
        config.put("ledger.topic.replication.factor", "1");
        return config;
    }

    /** The tasks Connect's status shows on the worker, as {@code connector/task}. */
    private static Set<String> tasksOn(ChildConnectWorker worker) {
        Set<String> tasks = new HashSet<>();
        for (String connector : List.of(sinkName(), sourceName())) {
            STACK.connect().connectorStatus(connector).tasks().stream()
                    .filter(task -> worker.workerId().equals(task.workerId()))
                    .forEach(task -> tasks.add(connector + "/" + task.id()));
        }
        return tasks;
    }

    /**
     * Reads the output until it looks complete; false when it does not within {@link #DRAIN_TIMEOUT}, which the
     * checker then explains (a timeout here would hide what is missing).
     */
    private static boolean drain(OutputTopicReader<OutputEvent> output, Predicate<List<OutputEvent>> complete) {
        try {
            output.awaitEvents("a result per request record and a terminal status per run", complete, DRAIN_TIMEOUT);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static long terminalRuns(List<OutputEvent> events) {
        return events.stream().filter(ChaosChecker::isTerminal).map(OutputEvent::runId).distinct().count();
    }

    /** Proof that the faults reached the connectors: without them a clean report would prove little. */
    private static void assertChaosHappened(List<RecordedCall> calls) {
        for (Operation operation : List.of(Operation.START_DATA_SOURCE_RUN, Operation.LIST_DATA_SOURCE_RUNS)) {
            Map<Integer, Long> statuses = calls.stream().filter(call -> call.operation() == operation)
                    .collect(Collectors.groupingBy(RecordedCall::httpStatus, Collectors.counting()));
            assertThat(statuses).as(operation + " answers by HTTP status")
                    .containsKeys(429, 500, RecordedCall.NO_RESPONSE);
        }
    }

    /** Calls per operation by HTTP status (0: connection closed without an answer). */
    private static String callSummary(List<RecordedCall> calls) {
        StringBuilder text = new StringBuilder("DataZone calls by HTTP status:\n");
        calls.stream().collect(Collectors.groupingBy(RecordedCall::operation, TreeMap::new,
                        Collectors.groupingBy(RecordedCall::httpStatus, TreeMap::new, Collectors.counting())))
                .forEach((operation, statuses) -> text.append("  ").append(operation.apiName()).append(' ')
                        .append(statuses).append('\n'));
        return text.toString();
    }

    private static Seed seed() {
        List<Outcome> outcomes = List.of(Outcome.SUCCESS, Outcome.PARTIALLY_SUCCEEDED, Outcome.FAILED);
        List<Seed.DataSource> sources = IntStream.range(0, DATA_SOURCES)
                .mapToObj(i -> new Seed.DataSource(dataSourceId(i), "Data source " + i, "GLUE", "db_" + i,
                        List.of(outcomes.get(i % outcomes.size())), Duration.ofSeconds(2), Duration.ofSeconds(4), 10,
                        "ACCESS_DENIED_EXCEPTION", "Insufficient Lake Formation permissions"))
                .toList();
        return new Seed("123456789012", "us-east-1", List.of(new Seed.Domain(DOMAIN, "Chaos domain",
                List.of(new Seed.Project("chaos_project", "Chaos project", sources)))));
    }

    private static List<String> dataSourceIds() {
        return IntStream.range(0, DATA_SOURCES).mapToObj(ChaosTest::dataSourceId).toList();
    }

    private static String dataSourceId(int index) {
        return String.format("ds_%02d", index);
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static long elapsed(long beganNanos) {
        return Duration.ofNanos(System.nanoTime() - beganNanos).toSeconds();
    }

    private static String requestTopic() {
        return "chaos-requests";
    }

    private static String outputTopic() {
        return "chaos-events";
    }

    private static String deadLetterTopic() {
        return "chaos-dlq";
    }

    private static String sinkName() {
        return "chaos-sink";
    }

    private static String sourceName() {
        return "chaos-source";
    }
}
