package io.kcdatazone.source;

import io.kcdatazone.bench.BenchmarkReport;
import io.kcdatazone.bench.BenchmarkStats;
import io.kcdatazone.bench.Heap;
import io.kcdatazone.bench.OffsetsTopicMeter;
import io.kcdatazone.bench.Percentiles;
import io.kcdatazone.bench.ProcessCpu;
import io.kcdatazone.bench.StatusCallRate;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.datazone.DataZoneConnectionConfig;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.simulator.UtcClock;
import io.kcdatazone.testkit.JmxTaskMetrics;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.SimulatorService;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the source costs as the runs it tracks grow: one Connect worker, the source exactly-once with {@value #TASKS}
 * tasks, the sink starting runs over {@code scale.dataSources} (1,000) data sources on a DataZone that answers every
 * call after {@value #CALL_LATENCY_MS} ms (no daily quota, no conflicts), measured at each step of tracked runs
 * ({@code -Dscale.steps}, 100, 1,000 and 10,000 by default). Run with
 * {@code mvn -B -Pbench test -Dtest=ScaleBenchmark}.
 *
 * <p>The simulator's clock stands still unless the benchmark lets it run, so a step's runs stay REQUESTED while it is
 * measured. After an idle baseline (no runs) and an untimed warm-up, each step:
 * <ol>
 *   <li>starts its runs and, once every data source has been polled, measures the source's heap: used heap after GC
 *       with its tasks (restarted from their offsets one poll interval before, so earlier traffic's buffers do not
 *       count) paused for longer than a DataZone call may take (the SDK keeps a call's state until its timeout would
 *       have fired) minus with them stopped, so the rest of the process (the simulator's runs too) cancels out. Heap
 *       per tracked run is its growth from the step before, per run more;
 *   <li>while every run waits: the source's CPU (its task, SDK and producer threads) per task above idle, and status
 *       calls per second from the simulator's call record, over {@value #WINDOWS} windows of one poll interval;
 *   <li>sends {@code scale.batch} (2,000) requests for a data source that does not exist: each makes one
 *       RUN_START_FAILED event through the whole per-event path (ledger, state, offset, Avro, transaction) while the
 *       runs stay tracked. CPU per event is the source's CPU over a whole number of poll intervals (each data source
 *       is polled once per interval, at a fixed rate) minus its waiting rate over the same time, per event; offset
 *       bytes per event are what the source wrote to Connect's offsets topic, read back from the topic;
 *   <li>lets the clock run: each run goes RUNNING 1 s plus its data source's share of one poll interval later, so the
 *       changes are spread over an interval whatever the phase of the polls. Detection lag is from a change, in wall
 *       time, to its event read by a {@code read_committed} consumer; offset bytes per status event as above;
 *   <li>stops the worker, ends every run meanwhile and starts a worker: the time from that start to the first status
 *       event read, with the step's runs tracked.
 * </ol>
 * Offsets-topic bytes per hour are the bytes the source wrote over the whole step divided by its wall time, with the
 * events per hour of the same span beside them. Ratios are against the first step of the same run.
 *
 * <p>A step that fails (a task FAILED, or no progress for {@link #STALL}) ends the run: its figures so far, what it
 * was doing, the runs tracked and the largest offset record written are reported, the later steps are not run.
 * Settings: {@code -Dscale.steps=100,1000}, {@code -Dscale.pollIntervalMs} (30,000, fixed rate), {@code
 * -Dscale.dataSources}, {@code -Dscale.batch}, {@code -Dscale.source.<setting>=<value>} for any source setting (e.g.
 * {@code -Dscale.source.max.tracked.runs=10000}), {@code -Dscale.budgetConfig} (the status-call budget's setting, {@value
 * #DEFAULT_BUDGET_CONFIG} by default; "no budget" while the source has no such setting).
 */
class ScaleBenchmark {

    private static final List<Integer> STEPS = Arrays.stream(System.getProperty("scale.steps", "100,1000,10000")
            .split(",")).map(String::trim).map(Integer::valueOf).toList();
    private static final long POLL_INTERVAL_MS = Long.getLong("scale.pollIntervalMs", 30_000L);
    private static final int DATA_SOURCES = Integer.getInteger("scale.dataSources", 1_000);
    private static final int BATCH = Integer.getInteger("scale.batch", 2_000);
    private static final String DEFAULT_BUDGET_CONFIG = "status.requests.per.second";
    private static final String BUDGET_CONFIG = System.getProperty("scale.budgetConfig", DEFAULT_BUDGET_CONFIG);
    private static final String SOURCE_SETTING_PREFIX = "scale.source.";

    private static final long CALL_LATENCY_MS = 400;
    private static final int TASKS = 3;
    private static final int WINDOWS = 2;
    /** After one poll interval, a little longer, so the last poll of the interval has been answered. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration STALL = Duration.ofMillis(Math.max(4 * POLL_INTERVAL_MS, 120_000));
    private static final Duration HEALTH_CHECK_INTERVAL = Duration.ofSeconds(2);
    private static final Duration PEAK_WINDOW = Duration.ofSeconds(5);
    /** A run of data source 0 goes RUNNING this long after the clock starts to run. */
    private static final Duration FIRST_CHANGE = Duration.ofSeconds(1);
    private static final Duration RUNNING_FOR = Duration.ofDays(1);
    private static final String OFFSETS_TOPIC = "scale-connect-offsets";
    private static final String MISSING_DATA_SOURCE = "no_such_source";

    private static final double TARGET_RATIO = 1.5;
    private static final double TARGET_HEAP_BYTES_PER_RUN = 1024;
    private static final double TARGET_WAITING_CORES_PER_TASK = 0.02;
    private static final Duration TARGET_RESTART = Duration.ofSeconds(30);

    private static final String SOURCE_TASKS = "source task threads";
    private static final String SOURCE_CLIENTS = "source SDK and producer threads";
    private static final String SIMULATOR = "simulator";
    private static final String OTHER = "broker, worker, sink, benchmark";
    private static final String JVM = "JIT, GC, ended threads";
    private static final List<String> SOURCE = List.of(SOURCE_TASKS, SOURCE_CLIENTS);
    private static final List<String> PROCESS = List.of(SOURCE_TASKS, SOURCE_CLIENTS, SIMULATOR, OTHER, JVM);
    private static final List<String> TABLE_COLUMNS = List.of("runs tracked", "data sources polled",
            "source CPU us/event", "CPU x first", "offset B/event", "bytes x first", "offset B/status event",
            "status bytes x first", "largest offset record B", "heap B/tracked run",
            "source cores above idle per task", "status calls/s mean (peak 5 s)", "budget", "lag p50/p99 ms",
            "restart to first status event s", "offsets MB/hour", "result");

    /** Runs far behind the wall clock, so no jump of the simulator's clock puts DataZone's times ahead of the worker's. */
    private static final SteppedClock CLOCK = new SteppedClock(Instant.now().minus(Duration.ofDays(30)));

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workerProperty(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG, OFFSETS_TOPIC)
            .service(new SimulatorService(SimulatorOptions.builder()
                    .clock(CLOCK)
                    .seed(Pipeline.seed(DATA_SOURCES, ScaleBenchmark::requestedFor, RUNNING_FOR))
                    .latency(Duration.ofMillis(CALL_LATENCY_MS), Duration.ZERO)
                    .startsEveryRun()
                    .build()))
            .build();

    private Pipeline pipeline;
    private OutputTopicReader<ObservedEvent> reader;
    private OffsetsTopicMeter offsets;
    private StatusCallRate calls;
    private Windows idle;
    /** The step being measured: what is read from the offsets topic meanwhile counts for it. */
    private Step current;

    @Test
    void costPerEventAndPerTrackedRunAsTrackedRunsGrow() throws Exception {
        Map<String, String> sourceSettings = sourceSettings();
        pipeline = new Pipeline(STACK, "scale")
                .withSource(DataSourceRunSourceConfig.STATUS_POLL_INTERVAL_MS, String.valueOf(POLL_INTERVAL_MS))
                .withSource(DataSourceRunSourceConfig.STATUS_POLL_INTERVAL_MAX_MS, String.valueOf(POLL_INTERVAL_MS))
                // Fills 10,000 runs in about a minute at 400 ms a call.
                .withSink("max.in.flight.requests", "64");
        sourceSettings.forEach(pipeline::withSource);
        List<Step> steps = new ArrayList<>();
        for (int runs : STEPS) {
            steps.add(new Step(runs, steps.isEmpty() ? null : steps.get(steps.size() - 1)));
        }
        OptionalDouble budget = statusBudget(sourceSettings);
        String budgetText = budget.isPresent() ? format(budget.getAsDouble(), "%.1f/s")
                : hasBudgetSetting() ? "none set" : "no budget (no " + BUDGET_CONFIG + " setting)";
        // Each row is printed as soon as it is measured, so a run cut short still shows the steps it finished.
        BenchmarkReport table = new BenchmarkReport("scale", TABLE_COLUMNS);
        pipeline.start(TASKS, TASKS, TASKS, TASKS);
        try (OutputTopicReader<ObservedEvent> events = pipeline.reader(TASKS);
             OffsetsTopicMeter offsetsTopic = new OffsetsTopicMeter(STACK.bootstrapServers(), OFFSETS_TOPIC,
                     pipeline.sourceName());
             StatusCallRate statusCalls = new StatusCallRate(
                     STACK.service(SimulatorService.class).simulator().introspection())) {
            reader = events;
            offsets = offsetsTopic;
            calls = statusCalls;
            progress("idle baseline: no runs, " + WINDOWS + " windows of " + POLL_INTERVAL_MS + " ms");
            idle = windows();
            table.add(idleRow(budgetText));
            progress("warm-up: " + BATCH + " requests, untimed");
            // The first step would otherwise pay for compiling the per-event path, and the ratios would flatter.
            produce(BATCH, k -> "w-" + k, k -> MISSING_DATA_SOURCE);
            readUntil("warming up", e -> e.isResult() && e.clientToken().startsWith("w-"), BATCH, null);
            for (int i = 0; i < steps.size(); i++) {
                current = steps.get(i);
                try {
                    measure(current);
                } catch (StepFailed e) {
                    readOffsets();
                    current.failure = "FAILED " + e.getMessage();
                    for (Step later : steps.subList(i + 1, steps.size())) {
                        later.failure = "not run: step " + current.runs + " failed";
                    }
                }
                table.add(current.row(steps.get(0), idle, budgetText));
                if (current.failure != null) {
                    break;
                }
            }
            steps.stream().filter(step -> step.failure != null && step.failure.startsWith("not run"))
                    .forEach(step -> table.add(step.row(steps.get(0), idle, budgetText)));
        } finally {
            try {
                pipeline.delete();
            } catch (RuntimeException e) {
                progress("could not delete the connectors: " + e);
            }
        }
        table.publish();
        BenchmarkReport targets = new BenchmarkReport("scale-targets", List.of("target", "figure", "met"));
        targets(steps, budget, sourceSettings).forEach(targets::add);
        targets.publish();
    }

    private void measure(Step step) throws Exception {
        String prefix = "s" + step.runs + "-";
        long start = System.nanoTime();
        readOffsets();
        progress("step " + step.runs + ": starting " + step.runs + " runs over " + step.dataSources
                + " data sources");
        long createdAtMs = CLOCK.millis();
        produce(step.runs, k -> prefix + k, k -> Pipeline.dataSourceId(dataSourceIndex(k, step.runs)));
        readUntil("starting " + step.runs + " runs", e -> e.isResult() && e.clientToken().startsWith(prefix),
                step.runs, null);
        // Every data source has had its first poll since its last run was tracked.
        Thread.sleep(POLL_INTERVAL_MS + SETTLE.toMillis());
        step.trackedByJmx = JmxTaskMetrics.read(pipeline.sourceName(), "runs-tracked", "");

        progress("step " + step.runs + ": " + step.trackedByJmx + " runs tracked (JMX); heap (pausing, stopping and"
                + " resuming the source)");
        step.heapTracked = sourceHeap("measuring the heap with " + step.runs + " runs tracked");
        // The resumed tasks poll every run at once, then at their interval.
        Thread.sleep(POLL_INTERVAL_MS + SETTLE.toMillis());

        progress("step " + step.runs + ": waiting");
        long waitingFrom = System.nanoTime();
        step.waiting = windows();
        checkSource("waiting", "");
        step.callsMean = calls.mean(waitingFrom, System.nanoTime());
        step.callsPeak = calls.peak(waitingFrom, System.nanoTime(), PEAK_WINDOW);

        // Right after the waiting windows, so their rate is that of the same tasks at the same poll phase.
        progress("step " + step.runs + ": " + BATCH + " events while the runs wait");
        eventBatch(step);

        progress("step " + step.runs + ": every run goes RUNNING within one poll interval");
        statusChanges(step, prefix, createdAtMs);

        progress("step " + step.runs + ": worker restart, every run ends meanwhile");
        restart(step, prefix);

        readOffsets();
        long wallNanos = System.nanoTime() - start;
        step.offsetBytesPerHour = step.written.bytes() * 3.6e12 / wallNanos;
        step.eventsPerHour = (3.0 * step.runs + BATCH) * 3.6e12 / wallNanos;
        progress("step " + step.runs + ": done in " + Duration.ofNanos(wallNanos).toSeconds() + " s");
    }

    /**
     * {@value #BATCH} RUN_START_FAILED events while the step's runs stay tracked, measured over a whole number of poll
     * intervals: the status polls in it are then those of the waiting windows, whose rate is subtracted.
     */
    private void eventBatch(Step step) throws InterruptedException {
        String prefix = "b" + step.runs + "-";
        readOffsets();
        ProcessCpu before = ProcessCpu.now();
        long start = System.nanoTime();
        produce(BATCH, k -> prefix + k, k -> MISSING_DATA_SOURCE);
        readUntil("publishing " + BATCH + " RUN_START_FAILED events", e -> "RUN_START_FAILED".equals(e.eventType())
                && e.clientToken().startsWith(prefix), BATCH, null);
        long interval = Duration.ofMillis(POLL_INTERVAL_MS).toNanos();
        long intervals = Math.max(1, (System.nanoTime() - start + interval - 1) / interval);
        Thread.sleep(Math.max(0, (start + intervals * interval - System.nanoTime()) / 1_000_000));
        long wallNanos = System.nanoTime() - start;
        Map<String, Long> spent = ProcessCpu.now().bySince(before, this::componentOf, JVM);
        OffsetsTopicMeter.Written written = readOffsets();
        step.cpuMicrosPerEvent = (sum(spent, SOURCE) - step.waiting.cores(SOURCE).median() * wallNanos) / BATCH / 1e3;
        step.processCpuMicrosPerEvent = (sum(spent, PROCESS) - step.waiting.cores(PROCESS).median() * wallNanos)
                / BATCH / 1e3;
        step.offsetBytesPerEvent = (double) written.bytes() / BATCH;
        step.offsetRecordsPerEvent = (double) written.records() / BATCH;
    }

    /** Lets the simulator's clock run until every run of the step is RUNNING and its event is read. */
    private void statusChanges(Step step, String prefix, long createdAtMs) {
        readOffsets();
        List<Double> lags = new ArrayList<>();
        long behindWallMs = CLOCK.run();
        try {
            readUntil("publishing " + step.runs + " status changes", e -> e.isStatusChange()
                    && e.clientToken().startsWith(prefix) && "RUNNING".equals(e.status()), step.runs, e -> {
                        long changedAtWallMs = createdAtMs + requestedFor(dataSourceIndex(e.dataSourceId())).toMillis()
                                + behindWallMs;
                        lags.add((double) (System.currentTimeMillis() - changedAtWallMs));
                    });
        } finally {
            CLOCK.stop();
        }
        OffsetsTopicMeter.Written written = readOffsets();
        step.offsetBytesPerStatusEvent = (double) written.bytes() / step.runs;
        Percentiles percentiles = new Percentiles(lags);
        step.lagP50Ms = percentiles.at(50);
        step.lagP99Ms = percentiles.at(99);
    }

    /** Stops the worker, ends every run meanwhile, starts a worker and reads until every run's end is out. */
    private void restart(Step step, String prefix) throws Exception {
        WorkerHandle worker = STACK.workers().iterator().next();
        STACK.stopWorker(worker);
        CLOCK.advance(RUNNING_FOR);
        long start = System.nanoTime();
        FutureTask<WorkerHandle> started = new FutureTask<>(() -> STACK.startWorker(Duration.ofMinutes(2)));
        new Thread(started, "scale-worker-start").start();
        long[] firstAndLast = new long[2];
        readUntil("publishing the runs' ends after a worker restart", e -> e.isStatusChange()
                && e.clientToken().startsWith(prefix) && !"RUNNING".equals(e.status()), step.runs, e -> {
                    firstAndLast[1] = System.nanoTime();
                    if (firstAndLast[0] == 0) {
                        firstAndLast[0] = firstAndLast[1];
                    }
                });
        started.get();
        step.restartToFirstEventMs = (firstAndLast[0] - start) / 1e6;
        step.restartToLastEventMs = (firstAndLast[1] - start) / 1e6;
        // At least one poll interval: a restart's polls may be spread over it.
        long until = Math.max(System.nanoTime(), start + Duration.ofMillis(POLL_INTERVAL_MS).plus(SETTLE).toNanos());
        Thread.sleep(Math.max(0, (until - System.nanoTime()) / 1_000_000));
        step.callsPeakAfterRestart = calls.peak(start, until, PEAK_WINDOW);
    }

    /**
     * The heap the source's tasks hold: used heap after GC with them paused minus with them stopped, a few seconds
     * apart, so the rest of the process (the simulator's runs too) cancels out. The tasks are restarted from their
     * stored offsets one poll interval before, so what earlier traffic left in their clients' buffers does not count
     * and every step measures tasks with the same history; and paused for longer than a DataZone call may take, since
     * the SDK keeps each call's state until its timeout would have fired.
     */
    private long sourceHeap(String phase) throws InterruptedException {
        String source = pipeline.sourceName();
        stopSource(phase);
        resumeSource(phase);
        // The restored runs' first polls are answered and taken in before the pause.
        Thread.sleep(POLL_INTERVAL_MS + SETTLE.toMillis());
        STACK.connect().pauseConnector(source);
        awaitSource(phase + ": pausing the source", status -> "PAUSED".equals(status.connector().state())
                && status.tasks().stream().allMatch(task -> "PAUSED".equals(task.state())));
        Thread.sleep(callTimeoutMs() + SETTLE.toMillis());
        long paused = Heap.usedAfterGc();
        stopSource(phase);
        long stopped = Heap.usedAfterGc();
        resumeSource(phase);
        return paused - stopped;
    }

    private void stopSource(String phase) {
        STACK.connect().stopConnector(pipeline.sourceName());
        awaitSource(phase + ": stopping the source", status -> "STOPPED".equals(status.connector().state())
                && status.tasks().isEmpty());
    }

    private void resumeSource(String phase) {
        STACK.connect().resumeConnector(pipeline.sourceName());
        awaitSource(phase + ": resuming the source", status -> "RUNNING".equals(status.connector().state())
                && status.tasks().size() == TASKS
                && status.tasks().stream().allMatch(task -> "RUNNING".equals(task.state())));
    }

    private static long callTimeoutMs() {
        return Long.parseLong(sourceSettings().getOrDefault(DataZoneConnectionConfig.API_CALL_TIMEOUT_MS,
                String.valueOf(DataZoneConnectionConfig.DEFAULT_API_CALL_TIMEOUT_MS)));
    }

    /** What the source wrote to the offsets topic since the last read, counted for the step being measured. */
    private OffsetsTopicMeter.Written readOffsets() {
        OffsetsTopicMeter.Written written = offsets.readToEnd();
        if (current != null) {
            current.written = current.written.plus(written);
        }
        return written;
    }

    /** Produces {@code count} run requests, sent together and then flushed. */
    private void produce(int count, IntFunction<String> key, IntFunction<String> dataSource) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int k = 0; k < count; k++) {
                producer.send(new ProducerRecord<>(pipeline.requestTopic(), key.apply(k),
                        Pipeline.requestValue(dataSource.apply(k))));
            }
            producer.flush();
        }
    }

    /**
     * Reads until {@code count} events {@code which} accepts have arrived, handing each to {@code onEach}; the step
     * fails when a source task or the connector fails, or when none arrives for {@link #STALL}.
     */
    private void readUntil(String phase, Predicate<ObservedEvent> which, int count, Consumer<ObservedEvent> onEach) {
        int seen = 0;
        long lastArrival = System.nanoTime();
        long lastCheck = lastArrival;
        while (seen < count) {
            for (ObservedEvent event : reader.readNext(Duration.ofMillis(100))) {
                if (which.test(event)) {
                    seen++;
                    lastArrival = System.nanoTime();
                    if (onEach != null) {
                        onEach.accept(event);
                    }
                }
            }
            long now = System.nanoTime();
            if (now - lastCheck > HEALTH_CHECK_INTERVAL.toNanos()) {
                checkSource(phase, seen + " of " + count + " events read");
                lastCheck = now;
            }
            if (now - lastArrival > STALL.toNanos()) {
                throw new StepFailed(phase, seen + " of " + count + " events read, none for " + STALL.toSeconds()
                        + " s; " + sourceState());
            }
        }
    }

    private void checkSource(String phase, String progress) {
        ConnectorStateInfo status = sourceStatus();
        if (status != null && failed(status)) {
            throw new StepFailed(phase, progress + (progress.isEmpty() ? "" : "; ") + sourceState());
        }
    }

    private void awaitSource(String phase, Predicate<ConnectorStateInfo> done) {
        try {
            Awaitility.await(phase).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
                ConnectorStateInfo status = sourceStatus();
                if (status != null && failed(status)) {
                    throw new StepFailed(phase, sourceState());
                }
                return status != null && done.test(status);
            });
        } catch (ConditionTimeoutException e) {
            throw new StepFailed(phase, "not done within 2 minutes; " + sourceState());
        }
    }

    /** The source connector's status, or null while no worker answers (one is restarting). */
    private ConnectorStateInfo sourceStatus() {
        try {
            return STACK.connect().connectorStatus(pipeline.sourceName());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean failed(ConnectorStateInfo status) {
        return "FAILED".equals(status.connector().state())
                || status.tasks().stream().anyMatch(task -> "FAILED".equals(task.state()));
    }

    /**
     * The runs tracked, the largest offset record written so far, the JVM's heap and GC time (a heap too small for
     * the source's state shows as GC time) and each task's state, with a failure's cause.
     */
    private String sourceState() {
        readOffsets();
        long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        StringBuilder state = new StringBuilder(String.format("runs tracked (JMX): %.0f; largest offset record "
                + "written so far: %,d bytes; JVM heap used %,d of %,d MB, %,d s in GC so far",
                JmxTaskMetrics.read(pipeline.sourceName(), "runs-tracked", ""), offsets.total().largestRecord(),
                Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, gcMillis / 1000));
        ConnectorStateInfo status = sourceStatus();
        if (status == null) {
            return state.append("; no worker answers").toString();
        }
        state.append("; connector ").append(status.connector().state());
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            state.append(", task ").append(task.id()).append(' ').append(task.state());
            if (task.trace() != null) {
                state.append(" (").append(causes(task.trace())).append(')');
            }
        }
        return state.toString();
    }

    /** The first line of a stack trace and of each of its causes. */
    private static String causes(String trace) {
        return trace.lines().filter(line -> !line.startsWith("\t") && !line.isBlank())
                .map(line -> line.length() > 300 ? line.substring(0, 300) + "..." : line)
                .collect(Collectors.joining(" / "));
    }

    /** {@value #WINDOWS} windows of one poll interval: cores busy per thread group. */
    private Windows windows() throws InterruptedException {
        List<Map<String, Double>> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            ProcessCpu before = ProcessCpu.now();
            long start = System.nanoTime();
            Thread.sleep(POLL_INTERVAL_MS);
            long wallNanos = System.nanoTime() - start;
            Map<String, Double> cores = new LinkedHashMap<>();
            ProcessCpu.now().bySince(before, this::componentOf, JVM)
                    .forEach((group, nanos) -> cores.put(group, (double) nanos / wallNanos));
            windows.add(cores);
        }
        return new Windows(windows);
    }

    /** The thread group a thread works for: the source's threads carry its name (task, SDK, producer threads). */
    private String componentOf(String threadName) {
        String source = pipeline.sourceName();
        if (threadName.startsWith("task-thread-" + source)) {
            return SOURCE_TASKS;
        }
        if (threadName.contains(source)) {
            return SOURCE_CLIENTS;
        }
        if (threadName.startsWith("datazone-simulator") || threadName.startsWith("HTTP-Dispatcher")) {
            return SIMULATOR;
        }
        return OTHER;
    }

    private static double sum(Map<String, Long> spent, List<String> groups) {
        return groups.stream().mapToLong(group -> spent.getOrDefault(group, 0L)).sum();
    }

    /**
     * How long a run of data source {@code index} stays REQUESTED: the data sources' changes are spread over one poll
     * interval, so the lag measures polling at any phase.
     */
    private static Duration requestedFor(int index) {
        return FIRST_CHANGE.plusMillis(POLL_INTERVAL_MS * index / DATA_SOURCES);
    }

    /** The data source of a step's run {@code k}: spread over all data sources when there are fewer runs. */
    private static int dataSourceIndex(int k, int runs) {
        return runs < DATA_SOURCES ? (int) ((long) k * DATA_SOURCES / runs) : k % DATA_SOURCES;
    }

    private static int dataSourceIndex(String dataSourceId) {
        return Integer.parseInt(dataSourceId.substring("ds_".length()));
    }

    private static Map<String, String> sourceSettings() {
        return System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(SOURCE_SETTING_PREFIX))
                .collect(Collectors.toMap(name -> name.substring(SOURCE_SETTING_PREFIX.length()),
                        System::getProperty));
    }

    /** The status-call budget the source runs with, per second; empty when it has none. */
    private static OptionalDouble statusBudget(Map<String, String> sourceSettings) {
        if (!hasBudgetSetting()) {
            return OptionalDouble.empty();
        }
        Object value = sourceSettings.containsKey(BUDGET_CONFIG) ? sourceSettings.get(BUDGET_CONFIG)
                : DataSourceRunSourceConfig.CONFIG_DEF.defaultValues().get(BUDGET_CONFIG);
        double budget = value == null ? 0 : Double.parseDouble(value.toString());
        return budget > 0 ? OptionalDouble.of(budget) : OptionalDouble.empty();
    }

    private static boolean hasBudgetSetting() {
        return DataSourceRunSourceConfig.CONFIG_DEF.names().contains(BUDGET_CONFIG);
    }

    private static void progress(String message) {
        System.out.println("scale: " + message);
    }

    private Map<String, Object> idleRow(String budgetText) {
        Map<String, Object> row = new LinkedHashMap<>();
        TABLE_COLUMNS.forEach(column -> row.put(column, "-"));
        row.put("runs tracked", "0 (idle)");
        row.put("data sources polled", 0);
        row.put("source cores above idle per task", "idle: " + format(idle.cores(SOURCE).median(), "%.4f")
                + " source, " + format(idle.cores(PROCESS).median(), "%.3f") + " process");
        row.put("budget", budgetText);
        row.put("result", "baseline");
        row.put("cores by thread group", idle.byGroup());
        row.put("settings", Map.of("poll interval ms", POLL_INTERVAL_MS, "data sources", DATA_SOURCES,
                "batch", BATCH, "call latency ms", CALL_LATENCY_MS, "source tasks", TASKS));
        return row;
    }

    private List<Map<String, Object>> targets(List<Step> steps, OptionalDouble budget,
                                              Map<String, String> sourceSettings) {
        Step first = steps.get(0);
        Step last = steps.get(steps.size() - 1);
        String at = " at " + String.format("%,d", last.runs) + " runs";
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(ratioTarget("CPU per event", first, last, step -> step.cpuMicrosPerEvent, "%,.0f us"));
        rows.add(ratioTarget("offset bytes per event", first, last, step -> step.offsetBytesPerEvent, "%,.0f B"));
        rows.add(ratioTarget("offset bytes per status change event", first, last,
                step -> step.offsetBytesPerStatusEvent, "%,.0f B"));
        rows.add(target("heap per tracked run" + at + " < 1 KB (growth from the step before, per run)",
                last.heapPerTrackedRun(), last,
                bytes -> bytes < TARGET_HEAP_BYTES_PER_RUN, bytes -> format(bytes, "%,.0f B")));
        rows.add(target("source CPU while every run waits" + at + " < " + TARGET_WAITING_CORES_PER_TASK
                + " cores per task above idle", last.waitingCoresAbovePerTask(idle), last,
                cores -> cores < TARGET_WAITING_CORES_PER_TASK, cores -> format(cores, "%.4f")));
        double peak = steps.stream().flatMap(s -> Stream.of(s.callsPeak, s.callsPeakAfterRestart))
                .filter(v -> v != null && !Double.isNaN(v)).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        Map<String, Object> calls = new LinkedHashMap<>();
        calls.put("target", "status calls per second never above the budget (peak over " + PEAK_WINDOW.toSeconds()
                + " s, waiting and after restarts)");
        calls.put("figure", format(peak, "%.1f/s peak") + (budget.isPresent()
                ? format(budget.getAsDouble(), " against %.1f/s") : ", no budget"));
        calls.put("met", budget.isEmpty() ? "no budget" : Double.isNaN(peak) ? "not measured"
                : peak <= budget.getAsDouble() ? "met" : "missed");
        rows.add(calls);
        long maxIntervalMs = Long.parseLong(sourceSettings.getOrDefault(
                DataSourceRunSourceConfig.STATUS_POLL_INTERVAL_MAX_MS, String.valueOf(POLL_INTERVAL_MS)));
        double lagTargetMs = maxIntervalMs + CALL_LATENCY_MS;
        double neededRate = last.dataSources * 1000.0 / POLL_INTERVAL_MS;
        boolean budgetAllows = budget.isEmpty() || budget.getAsDouble() >= neededRate;
        Map<String, Object> lag = target("detection lag p99" + at + " within one poll interval + one call ("
                + (long) lagTargetMs + " ms)", last.lagP99Ms, last, ms -> ms <= lagTargetMs,
                ms -> format(ms, "%,.0f ms"));
        if (!budgetAllows) {
            lag.put("met", "n/a: budget " + format(budget.getAsDouble(), "%.1f/s") + " below the "
                    + format(neededRate, "%.1f/s") + " polling needs");
        }
        rows.add(lag);
        rows.add(target("worker restart to the first status event" + at + " < " + TARGET_RESTART.toSeconds() + " s",
                last.restartToFirstEventMs, last, ms -> ms < TARGET_RESTART.toMillis(),
                ms -> format(ms / 1000, "%.1f s")));
        Map<String, Object> bytesPerHour = target("offsets-topic bytes per hour" + at, last.offsetBytesPerHour, last,
                bytes -> true, bytes -> format(bytes / 1e6, "%,.1f MB/hour") + " at "
                        + format(last.eventsPerHour, "%,.0f events/hour"));
        bytesPerHour.put("met", "no target");
        rows.add(bytesPerHour);
        return rows;
    }

    /** The target that {@code figure} at the last step stays within {@value #TARGET_RATIO} times the first step's. */
    private static Map<String, Object> ratioTarget(String what, Step first, Step last, Function<Step, Double> figure,
                                                   String unit) {
        return target(what + " at " + String.format("%,d", last.runs) + " runs within " + TARGET_RATIO + "x of "
                + first.runs, ratio(figure.apply(last), figure.apply(first)), last, ratio -> ratio <= TARGET_RATIO,
                ratio -> format(ratio, "%.2fx") + " (" + format(figure.apply(last), unit) + " vs "
                        + format(figure.apply(first), unit) + ")");
    }

    /** A target row: its figure and whether it is met, or why the figure is missing. */
    private static Map<String, Object> target(String target, Double figure, Step step,
                                              Predicate<Double> met, Function<Double, String> text) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", target);
        if (figure == null || Double.isNaN(figure)) {
            row.put("figure", "not measured" + (step.failure == null ? "" : ": step " + step.runs + " "
                    + step.failure));
            row.put("met", "missed");
        } else {
            row.put("figure", text.apply(figure));
            row.put("met", met.test(figure) ? "met" : "missed");
        }
        return row;
    }

    private static Double ratio(Double value, Double baseline) {
        return value == null || baseline == null || baseline <= 0 ? null : value / baseline;
    }

    private static String format(Double value, String pattern) {
        return value == null || Double.isNaN(value) ? "-" : String.format(pattern, value);
    }

    /** One step's figures, null until measured. */
    private static final class Step {
        final int runs;
        final int dataSources;
        /** The step before, or null for the first. */
        final Step previous;
        OffsetsTopicMeter.Written written = new OffsetsTopicMeter.Written(0, 0, 0);
        Double trackedByJmx;
        Windows waiting;
        Double callsMean;
        Double callsPeak;
        Long heapTracked;
        Double cpuMicrosPerEvent;
        Double processCpuMicrosPerEvent;
        Double offsetBytesPerEvent;
        Double offsetRecordsPerEvent;
        Double offsetBytesPerStatusEvent;
        Double lagP50Ms;
        Double lagP99Ms;
        Double restartToFirstEventMs;
        Double restartToLastEventMs;
        Double callsPeakAfterRestart;
        Double offsetBytesPerHour;
        Double eventsPerHour;
        String failure;

        Step(int runs, Step previous) {
            this.runs = runs;
            this.previous = previous;
            this.dataSources = Math.min(runs, DATA_SOURCES);
        }

        /**
         * The tasks' heap per tracked run: its growth from the step before, per run more. Not over the heap with no run:
         * a task with none never builds its DataZone client. From 100 to 1,000 runs the data sources polled grow too, and
         * what grows with them is in the figure; from 1,000 to 10,000 they stay at 1,000.
         */
        Double heapPerTrackedRun() {
            return heapTracked == null || previous == null || previous.heapTracked == null ? null
                    : (double) (heapTracked - previous.heapTracked) / (runs - previous.runs);
        }

        Double waitingCoresAbovePerTask(Windows idle) {
            return waiting == null ? null : (waiting.cores(SOURCE).median() - idle.cores(SOURCE).median()) / TASKS;
        }

        Map<String, Object> row(Step first, Windows idle, String budgetText) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs tracked", runs);
            row.put("data sources polled", dataSources);
            row.put("source CPU us/event", format(cpuMicrosPerEvent, "%,.0f"));
            row.put("CPU x first", format(ratio(cpuMicrosPerEvent, first.cpuMicrosPerEvent), "%.2f"));
            row.put("offset B/event", format(offsetBytesPerEvent, "%,.0f"));
            row.put("bytes x first", format(ratio(offsetBytesPerEvent, first.offsetBytesPerEvent), "%.2f"));
            row.put("offset B/status event", format(offsetBytesPerStatusEvent, "%,.0f"));
            row.put("status bytes x first", format(ratio(offsetBytesPerStatusEvent, first.offsetBytesPerStatusEvent),
                    "%.2f"));
            row.put("largest offset record B", written.records() == 0 ? "-"
                    : String.format("%,d", written.largestRecord()));
            row.put("heap B/tracked run", format(heapPerTrackedRun(), "%,.0f"));
            row.put("source cores above idle per task", format(waitingCoresAbovePerTask(idle), "%.4f"));
            row.put("status calls/s mean (peak 5 s)", callsMean == null ? "-"
                    : format(callsMean, "%.1f") + " (" + format(callsPeak, "%.1f") + ")");
            row.put("budget", budgetText);
            row.put("lag p50/p99 ms", lagP99Ms == null ? "-"
                    : format(lagP50Ms, "%,.0f") + " / " + format(lagP99Ms, "%,.0f"));
            row.put("restart to first status event s", format(restartToFirstEventMs == null ? null
                    : restartToFirstEventMs / 1000, "%.1f"));
            row.put("offsets MB/hour", format(offsetBytesPerHour == null ? null : offsetBytesPerHour / 1e6,
                    "%,.1f"));
            row.put("result", failure == null ? "ok" : failure);
            // The JSON has these too.
            row.put("runs tracked (JMX, while waiting)", trackedByJmx);
            row.put("process CPU us/event", processCpuMicrosPerEvent);
            row.put("offset records/event", offsetRecordsPerEvent);
            row.put("offset bytes and records written in the step", Map.of("bytes", written.bytes(), "records",
                    written.records()));
            row.put("restart to last status event ms", restartToLastEventMs);
            row.put("status calls/s peak after restart", callsPeakAfterRestart);
            row.put("events/hour", eventsPerHour);
            row.put("source tasks' heap bytes", heapTracked);
            row.put("cores by thread group while waiting", waiting == null ? null : waiting.byGroup());
            return row;
        }
    }

    /** Cores busy per thread group, one map per window. */
    private record Windows(List<Map<String, Double>> windows) {

        BenchmarkStats cores(List<String> groups) {
            return BenchmarkStats.of(windows.stream()
                    .map(w -> groups.stream().mapToDouble(g -> w.getOrDefault(g, 0.0)).sum()).toList());
        }

        Map<String, String> byGroup() {
            Map<String, String> groups = new LinkedHashMap<>();
            for (String group : PROCESS) {
                BenchmarkStats stats = cores(List.of(group));
                groups.put(group, String.format("%.4f (%.4f..%.4f)", stats.median(), stats.min(), stats.max()));
            }
            return groups;
        }
    }

    /** A step could not go on: the source failed or stopped making progress. */
    private static final class StepFailed extends RuntimeException {
        StepFailed(String phase, String detail) {
            super("while " + phase + ": " + detail);
        }
    }

    /**
     * The simulator's clock: it stands still unless the benchmark lets it run, so runs stay in flight as long as a
     * step needs; while it runs it keeps pace with the wall clock, so when a run changed status is known in wall time.
     */
    private static final class SteppedClock extends UtcClock {

        private long standingAtMs;
        /** While running: how far the clock is behind the wall clock. */
        private long behindWallMs;
        private boolean running;

        SteppedClock(Instant start) {
            this.standingAtMs = start.toEpochMilli();
        }

        @Override
        public synchronized Instant instant() {
            return Instant.ofEpochMilli(running ? System.currentTimeMillis() - behindWallMs : standingAtMs);
        }

        /** Lets the clock run on from where it stands; returns how far behind the wall clock it runs. */
        synchronized long run() {
            behindWallMs = System.currentTimeMillis() - standingAtMs;
            running = true;
            return behindWallMs;
        }

        synchronized void stop() {
            standingAtMs = instant().toEpochMilli();
            running = false;
        }

        /** Moves the standing clock forward. */
        synchronized void advance(Duration amount) {
            if (running) {
                throw new IllegalStateException("the clock moves by itself while it runs");
            }
            standingAtMs += amount.toMillis();
        }
    }
}
