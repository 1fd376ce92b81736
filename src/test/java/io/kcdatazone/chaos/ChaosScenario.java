package io.kcdatazone.chaos;

import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Faults;
import io.kcdatazone.simulator.OddAnswers;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.Outcome;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.simulator.RunScript;
import io.kcdatazone.simulator.Seed;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.source.DataSourceRunSourceConnector;
import io.kcdatazone.testkit.ChildConnectWorker;
import io.kcdatazone.testkit.ChildKafkaCluster;
import io.kcdatazone.testkit.HangingTransactions;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.ReplicatedConnectStack;
import io.kcdatazone.testkit.SecretScan;
import io.kcdatazone.testkit.TopicDump;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the chaos suite and the soak share: the DataZone account, the topics and connectors, every fault as one call,
 * and the final check. The account has {@value #DATA_SOURCES} ordinary data sources that the request stream spreads
 * over, and two that get one request each at the start: {@link #DOOMED} (its run takes ten minutes, and the data
 * source is deleted while the source follows it) and {@link #STUCK} (its run ends in {@code CANCELLED}, a status
 * DataZone does not document, reported without a stop time, so only the tracking limit ends it).
 */
final class ChaosScenario implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosScenario.class);

    static final String DOMAIN = "dzd_chaos";
    static final int DATA_SOURCES = 20;
    static final String DOOMED = "ds_doomed";
    static final String STUCK = "ds_stuck";
    static final String UNKNOWN_STATUS = "CANCELLED";
    /** Where a Start while a run is in progress is refused while {@link #conflicts(boolean)} is on. */
    static final List<String> CONFLICTING = List.of("ds_00", "ds_01", "ds_02", "ds_03");
    static final int TASKS = 3;
    static final int PARTITIONS = 6;
    /** The ledger producer's delivery timeout, which a ledger outage in the schedule outlasts. */
    static final Duration LEDGER_DELIVERY_TIMEOUT = Duration.ofSeconds(15);
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    /** A ledger outage outlasts the ledger producer's delivery timeout. */
    static final Duration LEDGER_OUTAGE = LEDGER_DELIVERY_TIMEOUT.plusSeconds(10);
    /** The longest the output may stand still after a fault while more is to come. */
    static final Duration LIVENESS_GRACE = Duration.ofSeconds(60);
    /**
     * A transaction open this long hangs: Connect's producers keep Kafka's default {@code transaction.timeout.ms} of
     * 60 s, after which the coordinator aborts (checking every 10 s).
     */
    static final Duration OPEN_FOR = Duration.ofSeconds(60);
    private static final Duration PROBE_DELAY = OPEN_FOR.plusSeconds(15);
    static final List<Operation> DATAZONE_CALLS = List.of(Operation.START_DATA_SOURCE_RUN,
            Operation.LIST_DATA_SOURCE_RUNS, Operation.GET_DATA_SOURCE_RUN);

    static final String REQUESTS = "chaos-requests";
    static final String OUTPUT = "chaos-events";
    static final String DLQ = "chaos-dlq";
    static final String LEDGER = "chaos-ledger";
    static final String SINK = "chaos-sink";
    static final String SOURCE = "chaos-source";
    private static final String ACCESS_KEY_ID = "AKIACHAOSTESTONLY";
    private static final String SECRET_ACCESS_KEY = "chaos-test-only-secret";

    private final ReplicatedConnectStack stack;
    private final DataZoneSimulator simulator;
    private final Path childWorkerDir;
    private final Duration trackingLimit;
    /** How many output events had been read at each moment ({@link System#nanoTime()}): for the liveness check. */
    private final NavigableMap<Long, Long> progress = new ConcurrentSkipListMap<>();
    private final List<OutputEvent> read = new ArrayList<>();
    /** Every child worker started, the killed ones included. */
    private final List<ChildConnectWorker> children = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService probeExecutor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaos-transaction-probe");
        thread.setDaemon(true);
        return thread;
    });
    /** The operator: restarts a task Connect failed at zombie fencing, as the README tells operators to. */
    private final ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaos-operator");
        thread.setDaemon(true);
        return thread;
    });
    /** What each Kafka fault's look for open transactions found (empty: none). */
    private final List<Future<List<String>>> probes = new CopyOnWriteArrayList<>();

    /**
     * @param trackingLimit the source's {@code max.run.tracking.ms}: the stuck run closes this long after the source
     *     began tracking it, and every other run must end sooner, whatever the faults
     */
    ChaosScenario(ReplicatedConnectStack stack, int runsPerDataSourcePerDay, Path childWorkerDir,
            Duration trackingLimit) {
        this.stack = stack;
        this.simulator = DataZoneSimulator.start(simulatorOptions(runsPerDataSourcePerDay));
        this.childWorkerDir = childWorkerDir;
        this.trackingLimit = trackingLimit;
    }

    /** The DataZone account, with its record of every call and run. */
    DataZoneSimulator simulator() {
        return simulator;
    }

    private static SimulatorOptions simulatorOptions(int runsPerDataSourcePerDay) {
        return SimulatorOptions.builder()
                .seed(seed())
                .latency(Duration.ofMillis(15), Duration.ofMillis(10))
                // Many requests per data source start close together; conflicts would only queue them up, except
                // where conflicts(true) switches them on.
                .conflictWhileRunInProgress(false)
                .runsPerDataSourcePerDay(runsPerDataSourcePerDay)
                .build();
    }

    /** The two requests of the special data sources, then {@code validKeys} requests over the ordinary ones. */
    static List<RequestStream.Planned> plan(int validKeys) {
        List<RequestStream.Planned> plan = new ArrayList<>();
        plan.add(RequestStream.request("chaos-stuck", STUCK, DOMAIN));
        plan.add(RequestStream.request("chaos-doomed", DOOMED, DOMAIN));
        plan.addAll(RequestStream.plan(validKeys, dataSourceIds(), DOMAIN));
        return plan;
    }

    /** Sets up the odd runs, the topics (three replicas, min ISR 2) and both connectors, and waits for their tasks. */
    void start() throws Exception {
        simulator.faults().scriptNextRun(STUCK, RunScript.endsWithUnknownStatus(UNKNOWN_STATUS));
        // Without a stop time only a documented terminal status ends a run; the unknown one does not.
        simulator.oddAnswers().omit(OddAnswers.OptionalRunMember.STOPPED_AT);
        try (Admin admin = stack.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(REQUESTS, PARTITIONS, (short) ChildKafkaCluster.REPLICATION_FACTOR),
                    new NewTopic(OUTPUT, PARTITIONS, (short) ChildKafkaCluster.REPLICATION_FACTOR),
                    new NewTopic(DLQ, 1, (short) ChildKafkaCluster.REPLICATION_FACTOR))).all()
                    .get(60, TimeUnit.SECONDS);
        }
        configure(SINK, sinkConfig());
        configure(SOURCE, sourceConfig());
        stack.rest().awaitRunning(SINK, TASKS, TIMEOUT);
        stack.rest().awaitRunning(SOURCE, TASKS, TIMEOUT);
        operator.scheduleWithFixedDelay(this::restartTasksConnectFailedAtFencing, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * Restarts each task that Connect's runtime failed at the zombie fencing before an exactly-once start (see
     * {@link TaskFailure#failedZombieFencing()}); a task that failed in our code stays FAILED, for the check to see.
     */
    private void restartTasksConnectFailedAtFencing() {
        for (String connector : List.of(SINK, SOURCE)) {
            try {
                stack.rest().connectorStatus(connector).tasks().stream()
                        .filter(task -> "FAILED".equals(task.state())
                                && TaskFailure.isFailedZombieFencing(task.trace()))
                        .forEach(task -> {
                            LOG.warn("The operator restarts {} task {}, which Connect failed at zombie fencing",
                                    connector, task.id());
                            stack.rest().restartTask(connector, task.id());
                        });
            } catch (RuntimeException e) {
                LOG.info("The operator could not read or restart {}'s tasks now: {}", connector, e.toString());
            }
        }
    }

    private void configure(String connector, Map<String, String> config) {
        Awaitility.await("configuration of " + connector).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    stack.rest().configureConnector(connector, config);
                    return true;
                });
    }

    /** Starts a worker in a child JVM (so it can be killed) and waits until it has joined. */
    ChildConnectWorker joinChildWorker(String name) {
        ChildConnectWorker child = ChildConnectWorker.join(stack.clusterName(), stack.bootstrapServers(),
                stack.childWorkerOverrides(), childWorkerDir.resolve(name));
        children.add(child);
        return child.awaitReady(TIMEOUT);
    }

    /** The tasks Connect's status shows on the worker, as {@code connector/task}. */
    Set<String> tasksOn(String workerId) {
        Set<String> tasks = new HashSet<>();
        for (String connector : List.of(SINK, SOURCE)) {
            stack.rest().connectorStatus(connector).tasks().stream()
                    .filter(task -> workerId.equals(task.workerId()))
                    .forEach(task -> tasks.add(connector + "/" + task.id()));
        }
        return tasks;
    }

    // DataZone's faults

    void throttle(double probability) {
        Faults faults = simulator.faults();
        DATAZONE_CALLS.forEach(op -> faults.failRandomly(op, ServiceError.THROTTLING, probability));
    }

    void stopThrottling() {
        DATAZONE_CALLS.forEach(simulator.faults()::stopFailingRandomly);
    }

    void burstsOf500(int times) {
        DATAZONE_CALLS.forEach(op -> simulator.faults().failNext(op, ServiceError.INTERNAL_SERVER, times));
    }

    void connectionResets(int times) {
        DATAZONE_CALLS.forEach(op -> simulator.faults().resetNext(op, times).dropResponseNext(op, times));
    }

    void slowDown(int factor) {
        simulator.faults().slowDown(factor);
    }

    /** Starts on the {@link #CONFLICTING} data sources while one of their runs is in progress refuse (true) or not. */
    void conflicts(boolean on) {
        CONFLICTING.forEach(dataSource -> simulator.faults().conflictWhileRunInProgress(dataSource, on));
    }

    /** How many Starts DataZone refused so far because a run was in progress (409). */
    long conflictsSoFar() {
        return simulator.introspection().calls().stream()
                .filter(call -> call.operation() == Operation.START_DATA_SOURCE_RUN && call.httpStatus() == 409)
                .count();
    }

    /**
     * Deletes {@link #DOOMED} once the source follows its run (it takes ten minutes): once DataZone has been asked for
     * that data source's runs.
     */
    void deleteDoomedDataSource() {
        Awaitility.await("the source polling the doomed data source's run").atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> simulator.introspection().calls(Operation.LIST_DATA_SOURCE_RUNS).stream()
                        .anyMatch(call -> call.httpStatus() == 200
                                && DOOMED.equals(call.labels().get("dataSourceIdentifier"))));
        simulator.faults().deleteDataSource(DOMAIN, DOOMED);
    }

    // Connect's faults

    void restartConnector(String connector) {
        Awaitility.await("restart of " + connector).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    stack.rest().restartConnectorAndTasks(connector);
                    return true;
                });
    }

    void restartTask(String connector, int task) {
        Awaitility.await("restart of " + connector + " task " + task).atMost(TIMEOUT)
                .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    stack.rest().restartTask(connector, task);
                    return true;
                });
    }

    /** A worker joins (a rebalance) and waits until it holds tasks. */
    WorkerHandle workerJoins() {
        WorkerHandle worker = stack.addWorker();
        String workerId = worker.url().getHost() + ":" + worker.url().getPort();
        Awaitility.await("tasks on the worker that joined").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> !tasksOn(workerId).isEmpty());
        LOG.info("Worker {} joined and runs {}", workerId, tasksOn(workerId));
        return worker;
    }

    /** A worker leaves politely (another rebalance). */
    void workerLeaves(WorkerHandle worker) {
        stack.removeWorker(worker);
    }

    // Kafka's faults. Each is followed, PROBE_DELAY later, by a look for transactions it left open.

    /** A production roll: each node in turn shut down cleanly ({@code SIGTERM}), restarted and back in every ISR. */
    void rollingRestart() {
        stack.kafka().rollingRestart();
        probeLater("the rolling restart");
    }

    /**
     * {@code SIGKILL} of the node leading the most of the partitions the connectors write: the ledger's, and those
     * of Connect's offsets topic holding the source's offsets (the topic's other partitions hold none).
     */
    void killLeaderOfLedgerAndOffsets() throws Exception {
        List<TopicPartition> written = new ArrayList<>(stack.kafka().partitions(LEDGER));
        written.addAll(partitionsHoldingSourceOffsets());
        killAndRestart("the leader of " + written, () -> {
            Map<Integer, Long> leadership = stack.kafka().leadership(written);
            LOG.info("Leaders of the ledger and the source's offsets partitions, by node: {}", leadership);
            return leadership.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        });
    }

    /** The partitions of Connect's offsets topic that hold an offset of the source connector. */
    private Set<TopicPartition> partitionsHoldingSourceOffsets() {
        // Connect keys a source offset as the JSON array [connector name, source partition].
        byte[] prefix = ("[\"" + SOURCE + "\"").getBytes(StandardCharsets.UTF_8);
        return new TopicDump(stack.bootstrapServers(), Map.of()).records(stack.offsetsTopic()).stream()
                .filter(record -> record.key() != null && Arrays.equals(record.key(), 0,
                        Math.min(prefix.length, record.key().length), prefix, 0, prefix.length))
                .map(record -> new TopicPartition(record.topic(), record.partition()))
                .collect(Collectors.toSet());
    }

    /**
     * {@code SIGKILL} of the node coordinating the most of the source tasks' transactions (Connect names their
     * transactional ids {@code <group id>-<connector>-<task>}): their transactions move to another coordinator while
     * open.
     */
    void killTransactionCoordinator() throws Exception {
        killAndRestart("the source tasks' transaction coordinator", () -> {
            try (Admin admin = stack.kafka().admin()) {
                String prefix = stack.groupId() + "-" + SOURCE + "-";
                Set<String> ids = admin.listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                        .map(TransactionListing::transactionalId).filter(id -> id.startsWith(prefix))
                        .collect(Collectors.toSet());
                Map<String, Integer> coordinators = new TreeMap<>();
                admin.describeTransactions(ids).all().get(30, TimeUnit.SECONDS)
                        .forEach((id, description) -> coordinators.put(id, description.coordinatorId()));
                LOG.info("Transaction coordinators of the source tasks: {}", coordinators);
                return coordinators.values().stream()
                        .collect(Collectors.groupingBy(node -> node, Collectors.counting())).entrySet().stream()
                        .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            }
        });
    }

    /** {@code SIGKILL} of the active KRaft controller; another takes over, then it returns. */
    void controllerFailover() throws Exception {
        ChildKafkaCluster kafka = stack.kafka();
        killAndRestart("the active controller", kafka::activeController, controller -> {
            Awaitility.await("a new active controller").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> kafka.activeController() != controller);
            LOG.info("Node {} is the active controller after node {} died", kafka.activeController(), controller);
        });
    }

    private void killAndRestart(String victim, Callable<Integer> choice) throws Exception {
        killAndRestart(victim, choice, node -> { });
    }

    /**
     * {@code SIGKILL} of the node {@code choice} names, {@code whileDown} with it down, then its restart, which also
     * follows a failure in between: the next fault must find three nodes.
     */
    private void killAndRestart(String victim, Callable<Integer> choice, IntConsumer whileDown) throws Exception {
        ChildKafkaCluster kafka = stack.kafka();
        // The choice and the kill in one turn: no other node operation moves the leaders in between.
        synchronized (kafka) {
            int node = choice.call();
            LOG.info("Killing node {}, {}", node, victim);
            try {
                kafka.kill(node);
                whileDown.accept(node);
            } finally {
                kafka.restart(node);
            }
        }
        probeLater("the SIGKILL of " + victim);
    }

    /** The ledger clients lose the whole cluster (Connect's own clients do not) until {@link #restoreLedger()}. */
    void cutLedger() {
        stack.kafka().cutProxiedClients();
    }

    void restoreLedger() {
        stack.kafka().restoreProxiedClients();
    }

    /**
     * The sink tasks' warnings that ledger writes expired ({@code delivery.timeout.ms} passed during an outage), from
     * the test JVM's log and each child worker's: proof that an outage outlasted the producer's delivery timeout.
     */
    List<String> ledgerWritesExpired() throws IOException {
        String warning = "Cannot write request outcomes to the ledger topic '" + LEDGER + "' (TimeoutException";
        List<Path> logs = new ArrayList<>();
        logs.add(Path.of(System.getProperty("basedir", "."), "target", "test-logs", "tests.log"));
        children.forEach(child -> logs.add(child.logFile()));
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            if (Files.exists(log)) {
                try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                    lines.filter(line -> line.contains(warning)).forEach(found::add);
                }
            }
        }
        return found;
    }

    // Reading the output

    /** A reader of the output topic from its beginning, as a downstream Confluent consumer reads it. */
    OutputTopicReader<OutputEvent> outputReader() {
        return new OutputTopicReader<>(stack.bootstrapServers(), OUTPUT, PARTITIONS, stack.confluentWireFormat(),
                (key, partition, offset, headers, value) -> OutputEvent.of(partition, offset, value));
    }

    /** Reads the output until {@code done} holds, noting the progress; returns everything read so far. */
    List<OutputEvent> readUntil(OutputTopicReader<OutputEvent> output, BooleanSupplier done) {
        progress.putIfAbsent(System.nanoTime(), (long) read.size());
        while (!done.getAsBoolean()) {
            read.addAll(output.readNext(Duration.ofMillis(200)));
            progress.put(System.nanoTime(), (long) read.size());
        }
        return List.copyOf(read);
    }

    /**
     * Reads the output until it holds a result per request record and a closing event per run, or {@code timeout}
     * passed (the check then says what is missing; a timeout here would hide it); then on to the end of what is
     * committed, so anything more the connectors wrote (a duplicate) is read too. Returns every event read.
     */
    List<OutputEvent> drain(OutputTopicReader<OutputEvent> output, List<RequestStream.Planned> plan,
            List<SentRequest> sent, Duration timeout) {
        long validKeys = plan.stream().filter(p -> !p.malformed()).map(RequestStream.Planned::key).distinct().count();
        long deadline = System.nanoTime() + timeout.toNanos();
        readUntil(output, () -> System.nanoTime() > deadline || read.stream().filter(OutputEvent::isResult).count()
                >= sent.size() && ChaosChecker.closedRuns(read) >= validKeys);
        List<OutputEvent> all = output.readToEnd(TIMEOUT);
        LOG.info("The output holds {} events ({})", all.size(), System.nanoTime() > deadline
                ? "INCOMPLETE after " + timeout : "complete");
        return all;
    }

    /** The steps of {@code schedule} after which the output stood still for over {@link #LIVENESS_GRACE}. */
    List<String> stalls(ChaosSchedule schedule) {
        return ChaosChecker.stalls(schedule.windows(), progress, LIVENESS_GRACE);
    }

    /** Completes {@code future} with what {@code step} returns, or with its failure, so no one waits forever. */
    static <T> void complete(CompletableFuture<T> future, Callable<T> step) throws Exception {
        try {
            future.complete(step.call());
        } catch (Exception | Error e) {
            future.completeExceptionally(e);
            throw e;
        }
    }

    static long secondsSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
    }

    // The end

    /** Each task's state, by {@code connector/task}. */
    Map<String, String> taskStates() {
        Map<String, String> states = new TreeMap<>();
        for (String connector : List.of(SINK, SOURCE)) {
            ConnectorStateInfo status = stack.rest().connectorStatus(connector);
            status.tasks().forEach(task -> states.put(connector + "/" + task.id(), task.state()));
        }
        return states;
    }

    /** @param taskStates the tasks' states at the end, read while every worker still ran */
    ChaosReport check(List<SentRequest> sent, List<OutputEvent> events, Map<String, String> taskStates) {
        TopicDump dump = new TopicDump(stack.bootstrapServers(), Map.of());
        List<DeadLetter> deadLetters = dump.records(DLQ).stream().map(DeadLetter::of).toList();
        SecretScan secrets = SecretScan.of(Map.of("aws.access.key.id", ACCESS_KEY_ID,
                "aws.secret.access.key", SECRET_ACCESS_KEY));
        List<TaskFailure> failures = dump.records(stack.statusTopic()).stream()
                .flatMap(record -> TaskFailure.of(record.key() == null ? null
                        : new String(record.key(), StandardCharsets.UTF_8), record.value(), secrets).stream())
                .toList();
        return ChaosChecker.check(sent, simulator.introspection().runs(), events, deadLetters, taskStates, failures);
    }

    /**
     * Looks for transactions left open by a fault, {@link #PROBE_DELAY} after it ended: by then each transaction
     * open at the fault has either ended or been aborted by its coordinator, or it hangs.
     */
    private void probeLater(String fault) {
        probes.add(probeExecutor.schedule(() -> hangingTransactions("after " + fault), PROBE_DELAY.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /**
     * Transactions open for longer than {@link #OPEN_FOR} on the topics written in transactions (Connect's offsets
     * and config topics, the output) and on the ledger: each Kafka fault's probe (waiting for those still due), then
     * one now. Any is evidence of a hanging transaction.
     */
    List<String> hangingTransactions() throws Exception {
        List<String> evidence = new ArrayList<>();
        for (Future<List<String>> probe : probes) {
            evidence.addAll(probe.get(PROBE_DELAY.plus(TIMEOUT).toMillis(), TimeUnit.MILLISECONDS));
        }
        evidence.addAll(hangingTransactions("at the end"));
        return evidence;
    }

    private List<String> hangingTransactions(String when) throws Exception {
        try (Admin admin = stack.kafka().admin()) {
            List<String> found = HangingTransactions.find(admin, List.of(stack.offsetsTopic(), stack.configTopic(),
                    OUTPUT, LEDGER), OPEN_FOR);
            LOG.info("Transactions open for over {} s {}: {}", OPEN_FOR.toSeconds(), when, found);
            return found.stream().map(line -> when + ": " + line).toList();
        }
    }

    /** Calls per operation by HTTP status (0: connection closed without an answer). */
    String callSummary() {
        StringBuilder text = new StringBuilder("DataZone calls by HTTP status:\n");
        simulator.introspection().calls().stream().collect(Collectors.groupingBy(RecordedCall::operation,
                        TreeMap::new, Collectors.groupingBy(RecordedCall::httpStatus, TreeMap::new,
                                Collectors.counting())))
                .forEach((operation, statuses) -> text.append("  ").append(operation.apiName()).append(' ')
                        .append(statuses).append('\n'));
        return text.toString();
    }

    /** Kills every child worker: once the tasks' states are read, nothing more is to come from them. */
    void closeChildren() {
        children.forEach(ChildConnectWorker::close);
    }

    @Override
    public void close() {
        operator.shutdownNow();
        closeChildren();
        probeExecutor.shutdownNow();
        simulator.close();
    }

    private Map<String, String> sinkConfig() {
        Map<String, String> sink = commonConfig();
        sink.put("connector.class", DataSourceRunSinkConnector.class.getName());
        sink.put("topics", REQUESTS);
        sink.put("value.converter", StringConverter.class.getName());
        sink.put("datazone.requests.per.second", "0");
        sink.put("retry.backoff.ms", "100");
        sink.put("retry.backoff.max.ms", "2000");
        // Every valid request must start its run, however long DataZone misbehaves within the test.
        sink.put("retry.timeout.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
        sink.put("errors.tolerance", "all");
        sink.put("errors.deadletterqueue.topic.name", DLQ);
        sink.put("errors.deadletterqueue.topic.replication.factor", String.valueOf(
                ChildKafkaCluster.REPLICATION_FACTOR));
        sink.put("errors.deadletterqueue.context.headers.enable", "true");
        return sink;
    }

    private Map<String, String> sourceConfig() {
        Map<String, String> source = commonConfig();
        source.put("connector.class", DataSourceRunSourceConnector.class.getName());
        source.put("output.topic", OUTPUT);
        source.put("status.poll.interval.ms", "500");
        source.put("status.poll.interval.max.ms", "2000");
        // 20 data sources polled every 500 ms want 40 status calls a second: a budget with room to spare, so the
        // suite's timing is the faults', while every call still goes through the budget.
        source.put("status.requests.per.second", "50");
        source.put("max.run.tracking.ms", String.valueOf(trackingLimit.toMillis()));
        source.put("exactly.once.support", "required");
        source.put("transaction.boundary", "poll");
        source.putAll(stack.avroConverterProperties("value.converter"));
        return source;
    }

    private Map<String, String> commonConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("tasks.max", String.valueOf(TASKS));
        config.put("key.converter", StringConverter.class.getName());
        config.put("datazone.region", "us-east-1");
        config.put("datazone.endpoint.override", simulator.endpoint().toString());
        config.put("aws.access.key.id", ACCESS_KEY_ID);
        config.put("aws.secret.access.key", SECRET_ACCESS_KEY);
        config.put("ledger.topic", LEDGER);
        // Through the proxies that ledgerUnreachable() cuts; Connect's own clients go to the brokers directly.
        config.put("ledger.bootstrap.servers", stack.kafka().proxiedBootstrapServers());
        config.put("ledger.topic.partitions", String.valueOf(PARTITIONS));
        config.put("ledger.topic.replication.factor", String.valueOf(ChildKafkaCluster.REPLICATION_FACTOR));
        config.put("ledger.kafka.delivery.timeout.ms", String.valueOf(LEDGER_DELIVERY_TIMEOUT.toMillis()));
        config.put("ledger.kafka.request.timeout.ms", "5000");
        return config;
    }

    private static Seed seed() {
        List<Outcome> outcomes = List.of(Outcome.SUCCESS, Outcome.PARTIALLY_SUCCEEDED, Outcome.FAILED);
        Stream<Seed.DataSource> ordinary = IntStream.range(0, DATA_SOURCES)
                .mapToObj(i -> dataSource(dataSourceId(i), outcomes.get(i % outcomes.size()), Duration.ofSeconds(4)));
        Stream<Seed.DataSource> special = Stream.of(dataSource(DOOMED, Outcome.SUCCESS, Duration.ofMinutes(10)),
                dataSource(STUCK, Outcome.SUCCESS, Duration.ofSeconds(4)));
        return new Seed("123456789012", "us-east-1", List.of(new Seed.Domain(DOMAIN, "Chaos domain",
                List.of(new Seed.Project("chaos_project", "Chaos project",
                        Stream.concat(ordinary, special).toList())))));
    }

    private static Seed.DataSource dataSource(String id, Outcome outcome, Duration runningFor) {
        return new Seed.DataSource(id, "Data source " + id, "GLUE", "db_" + id, List.of(outcome),
                Duration.ofSeconds(2), runningFor, 10, "ACCESS_DENIED_EXCEPTION",
                "Insufficient Lake Formation permissions");
    }

    static List<String> dataSourceIds() {
        return IntStream.range(0, DATA_SOURCES).mapToObj(ChaosScenario::dataSourceId).toList();
    }

    private static String dataSourceId(int index) {
        return String.format("ds_%02d", index);
    }
}
