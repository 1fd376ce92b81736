package io.kcdatazone.source;

import io.kcdatazone.bench.BenchmarkReport;
import io.kcdatazone.bench.BenchmarkStats;
import io.kcdatazone.bench.ProcessCpu;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.SimulatorService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a source task costs while its runs wait on DataZone: the CPU of the whole worker process (broker, Connect
 * worker, both connectors, the simulator) while N runs stay RUNNING on a DataZone that answers every call after
 * {@value #CALL_LATENCY_MS} ms, against the same process with no run tracked, measured in one run. Each run has a data
 * source of its own, so each costs a ListDataSourceRuns call per poll interval; most of the time some call is in
 * flight, which is when a task that does not sleep while waiting for answers spins.
 *
 * <p>The poll interval is {@value #POLL_INTERVAL_MS} ms at a fixed rate (the default base interval, without the
 * backoff, so every window sees the same call rate). Figures are cores busy over wall time, per window of
 * {@link #WINDOW}. Run with {@code mvn -B -Pbench test}.
 */
class WaitingRunsCpuBenchmark {

    private static final long CALL_LATENCY_MS = 400;
    private static final long POLL_INTERVAL_MS = 30_000;
    private static final int MAX_RUNS = 1_000;
    private static final int WINDOWS = 2;
    private static final Duration WINDOW = Duration.ofMillis(POLL_INTERVAL_MS);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** Above idle, per source task. */
    private static final double TARGET_CORES = 0.02;

    private static final String SOURCE_TASK = "source task thread";
    private static final String SDK = "AWS SDK client";
    private static final String SIMULATOR = "simulator";
    private static final String OTHER = "broker, worker, sink, JVM";

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(new SimulatorService(SimulatorOptions.builder()
                    // Runs stay REQUESTED for the whole benchmark: every poll sees no change.
                    .seed(Pipeline.seed(MAX_RUNS, Duration.ofHours(10), Duration.ofHours(10)))
                    .latency(Duration.ofMillis(CALL_LATENCY_MS), Duration.ZERO)
                    .startsEveryRun()
                    .build()))
            .build();

    @Test
    void cpuWhileRunsWaitOnASlowDataZone() throws Exception {
        BenchmarkReport report = new BenchmarkReport("waiting-runs-cpu", List.of("runs tracked", "data sources",
                "process cores", "x idle", "cores above idle per task", SOURCE_TASK, SDK, SIMULATOR, OTHER,
                "target"));
        // No status-call budget: every data source is polled at its interval (1,000 at 30 s: 33 calls/s), the cost
        // this benchmark measures, as before the budget existed.
        Pipeline pipeline = new Pipeline(STACK, "waiting")
                .withSource("status.poll.interval.ms", String.valueOf(POLL_INTERVAL_MS))
                .withSource("status.poll.interval.max.ms", String.valueOf(POLL_INTERVAL_MS))
                .withSource("status.requests.per.second", "0");
        pipeline.start(1, 1, 1, 1);
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            Window idle = measure(pipeline);
            report.add(idle.row(0, idle));
            for (int runs : new int[] {10, MAX_RUNS}) {
                int already = (int) reader.readFor(Duration.ZERO).stream().filter(ObservedEvent::isResult).count();
                for (int i = already; i < runs; i++) {
                    pipeline.request("wait-" + i, Pipeline.dataSourceId(i));
                }
                reader.awaitEvents(runs + " runs started", events -> events.stream()
                        .filter(ObservedEvent::isResult).count() >= runs, TIMEOUT);
                report.add(measure(pipeline).row(runs, idle));
            }
        } finally {
            pipeline.delete();
        }
        report.publish();
    }

    /** {@value #WINDOWS} windows of process CPU, the first after letting every tracked run's first poll go out. */
    private static Window measure(Pipeline pipeline) throws InterruptedException {
        Thread.sleep(POLL_INTERVAL_MS);
        List<Map<String, Long>> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            ProcessCpu before = ProcessCpu.now();
            long start = System.nanoTime();
            Thread.sleep(WINDOW.toMillis());
            long wallNanos = System.nanoTime() - start;
            Map<String, Long> cores = new LinkedHashMap<>();
            ProcessCpu.now().bySince(before, thread -> componentOf(pipeline, thread), OTHER)
                    .forEach((component, nanos) -> cores.put(component, nanos * 1_000_000 / wallNanos));
            windows.add(cores);
        }
        return new Window(windows);
    }

    private static String componentOf(Pipeline pipeline, String threadName) {
        if (threadName.startsWith("task-thread-" + pipeline.sourceName())) {
            return SOURCE_TASK;
        }
        if (threadName.startsWith("datazone-sdk-")) {
            return SDK;
        }
        if (threadName.startsWith("datazone-simulator") || threadName.startsWith("HTTP-Dispatcher")) {
            return SIMULATOR;
        }
        return OTHER;
    }

    /** Cores busy (in millionths) per component, one map per window. */
    private record Window(List<Map<String, Long>> windows) {

        BenchmarkStats cores(String component) {
            return BenchmarkStats.of(windows.stream().map(w -> w.getOrDefault(component, 0L) / 1e6).toList());
        }

        BenchmarkStats total() {
            return BenchmarkStats.of(windows.stream()
                    .map(w -> w.values().stream().mapToLong(Long::longValue).sum() / 1e6).toList());
        }

        Map<String, Object> row(int runs, Window idle) {
            double idleCores = idle.total().median();
            BenchmarkStats total = total();
            // One source task: the whole difference is its share.
            double abovePerTask = total.median() - idleCores;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs tracked", runs);
            row.put("data sources", runs);
            row.put("process cores", total);
            row.put("x idle", String.format("%.2f", total.median() / idleCores));
            row.put("cores above idle per task", String.format("%.4f", abovePerTask));
            for (String component : List.of(SOURCE_TASK, SDK, SIMULATOR, OTHER)) {
                row.put(component, cores(component));
            }
            row.put("target", runs == 0 ? "-" : "< " + TARGET_CORES + " above idle: "
                    + (abovePerTask < TARGET_CORES ? "met" : "NOT met"));
            return row;
        }
    }
}
