package io.kcdatazone.bench;

import io.kcdatazone.sink.DataSourceRunSinkTask;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RateLimit;
import io.kcdatazone.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sink throughput: runs started per second by one real {@link DataSourceRunSinkTask} (real AWS SDK client, real
 * ledger producer on an embedded broker) against the simulator with a fixed call latency, for several
 * {@code max.in.flight.requests}, with and without a DataZone request quota. Each figure is compared with its limit,
 * min(quota, in-flight / latency), and with the sequential baseline (1 in flight) measured in the same run.
 *
 * <p>A benchmark, not a test: it asserts nothing about speed. Run it with {@code mvn -B -Pbench test}.
 */
class SinkThroughputBenchmark {

    private static final int REPETITIONS = 3;
    private static final TopicPartition REQUESTS = new TopicPartition("bench-requests", 0);
    private static final String DOMAIN = "dzd_demo";
    private static final String DATA_SOURCE = "sales_glue";
    private static final String LEDGER_TOPIC = "bench-ledger";

    private static final String SDK = "AWS SDK client";
    private static final String SIMULATOR = "simulator";
    private static final String TASK = "sink task";
    private static final String KAFKA = "Kafka broker, ledger producer, benchmark, other";
    private static final String JVM = "JIT, GC, ended threads";

    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        // The connector creates the ledger topic; a lone task expects it to exist.
        kafka.createTopic(LEDGER_TOPIC, 1);
    }

    @AfterAll
    static void stopKafka() {
        kafka.stop();
    }

    @Test
    void runsStartedPerSecond() throws Exception {
        BenchmarkReport report = new BenchmarkReport("sink-throughput", List.of("latency ms", "quota/s", "in flight",
                "runs/s median (min..max)", "limit/s", "of limit", "x sequential", "throttled calls",
                "CPU cores busy", "CPU us per run"));
        BenchmarkReport cpuByThread = new BenchmarkReport("sink-cpu-by-thread", List.of("latency ms", "quota/s",
                "in flight", "CPU us per run", SDK, SIMULATOR, TASK, KAFKA, JVM));
        // Untimed: the first runs of a JVM pay for class loading and JIT compilation of the SDK, Netty and the Kafka
        // clients (the first call alone takes about half a second), which would otherwise land on the first figures.
        measure(0, 0, 32);
        for (int latencyMs : new int[] {20, 100}) {
            double sequential = 0;
            for (int inFlight : new int[] {1, 8, 32, 128}) {
                Result result = measure(latencyMs, 0, inFlight);
                if (inFlight == 1) {
                    sequential = result.rate.median();
                }
                report.add(row(latencyMs, 0, inFlight, result, sequential));
                cpuByThread.add(cpuRow(latencyMs, 0, inFlight, result));
            }
            Result quota = measure(latencyMs, 50, 32);
            report.add(row(latencyMs, 50, 32, quota, sequential));
            cpuByThread.add(cpuRow(latencyMs, 50, 32, quota));
        }
        report.publish();
        cpuByThread.publish();
    }

    private static Map<String, Object> row(int latencyMs, int quota, int inFlight, Result result, double sequential) {
        double limit = limit(latencyMs, quota, inFlight);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("latency ms", latencyMs);
        row.put("quota/s", quota == 0 ? "none" : quota);
        row.put("in flight", inFlight);
        row.put("runs/s median (min..max)", result.rate);
        row.put("limit/s", limit);
        row.put("of limit", String.format("%.0f%%", 100 * result.rate.median() / limit));
        row.put("x sequential", sequential == 0 ? "-" : String.format("%.1f", result.rate.median() / sequential));
        row.put("throttled calls", String.format("%.2f%%", result.throttledPercent));
        row.put("CPU cores busy", result.coresBusy);
        row.put("CPU us per run", Math.round(result.totalCpuMicrosPerRun()));
        return row;
    }

    private static Map<String, Object> cpuRow(int latencyMs, int quota, int inFlight, Result result) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("latency ms", latencyMs);
        row.put("quota/s", quota == 0 ? "none" : quota);
        row.put("in flight", inFlight);
        row.put("CPU us per run", Math.round(result.totalCpuMicrosPerRun()));
        for (String group : List.of(SDK, SIMULATOR, TASK, KAFKA, JVM)) {
            row.put(group, Math.round(result.cpuMicrosPerRun.getOrDefault(group, 0.0)));
        }
        return row;
    }

    /** Which component a thread works for, by its name (DataZoneClients names the SDK's threads datazone-sdk-*). */
    private static String componentOf(String threadName) {
        if (threadName.startsWith("datazone-sdk-")) {
            return SDK;
        }
        if (threadName.startsWith("datazone-simulator") || threadName.startsWith("HTTP-Dispatcher")) {
            return SIMULATOR;
        }
        if (threadName.startsWith("datazone-sink-dispatcher")) {
            return TASK;
        }
        return KAFKA;
    }

    private static double limit(int latencyMs, int quota, int inFlight) {
        double byConcurrency = inFlight * 1000.0 / latencyMs;
        return quota == 0 ? byConcurrency : Math.min(quota, byConcurrency);
    }

    private static Result measure(int latencyMs, int quota, int inFlight) throws Exception {
        double limit = limit(latencyMs, quota, inFlight);
        int requests = (int) Math.max(30, Math.min(4_000, limit * 4));
        List<Double> rates = new ArrayList<>();
        long throttled = 0;
        long calls = 0;
        long runs = 0;
        long wallNanos = 0;
        Map<String, Long> cpuNanos = new LinkedHashMap<>();
        for (int rep = 0; rep < REPETITIONS; rep++) {
            SimulatorOptions.Builder options = SimulatorOptions.builder()
                    .latency(Duration.ofMillis(latencyMs), Duration.ZERO)
                    .startsEveryRun();
            if (quota > 0) {
                options.rateLimit(Operation.START_DATA_SOURCE_RUN, new RateLimit(quota, Math.max(1, quota / 10)));
            }
            try (DataZoneSimulator simulator = DataZoneSimulator.start(options.build())) {
                Rep result = runOnce(simulator, "rep" + rep + "-" + latencyMs + "-" + quota + "-" + inFlight,
                        requests, inFlight, quota);
                rates.add(requests / (result.wallNanos / 1e9));
                wallNanos += result.wallNanos;
                result.cpuNanos.forEach((component, nanos) -> cpuNanos.merge(component, nanos, Long::sum));
                runs += requests;
                var startCalls = simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN);
                calls += startCalls.size();
                throttled += startCalls.stream().filter(c -> c.httpStatus() == 429).count();
            }
        }
        Map<String, Double> cpuMicrosPerRun = new LinkedHashMap<>();
        long cpuTotal = 0;
        for (Map.Entry<String, Long> component : cpuNanos.entrySet()) {
            cpuMicrosPerRun.put(component.getKey(), component.getValue() / 1e3 / runs);
            cpuTotal += component.getValue();
        }
        return new Result(BenchmarkStats.of(rates), calls == 0 ? 0 : 100.0 * throttled / calls,
                (double) cpuTotal / wallNanos, cpuMicrosPerRun);
    }

    /** Puts {@code requests} records in a new task and waits until the ledger has every outcome. */
    private static Rep runOnce(DataZoneSimulator simulator, String keyPrefix, int requests, int inFlight,
                               int quota) throws InterruptedException {
        DataSourceRunSinkTask task = LoneSinkTask.start(REQUESTS, simulator, kafka.bootstrapServers(), LEDGER_TOPIC,
                inFlight, quota, requests + 1);
        try {
            List<SinkRecord> records = new ArrayList<>(requests);
            String value = "{\"domainIdentifier\":\"" + DOMAIN + "\",\"dataSourceIdentifier\":\"" + DATA_SOURCE + "\"}";
            for (int i = 0; i < requests; i++) {
                records.add(new SinkRecord(REQUESTS.topic(), REQUESTS.partition(), null, keyPrefix + "-" + i, null,
                        value, i));
            }
            ProcessCpu cpuBefore = ProcessCpu.now();
            long start = System.nanoTime();
            task.put(records);
            Map<TopicPartition, OffsetAndMetadata> current = Map.of(REQUESTS, new OffsetAndMetadata(requests));
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (committed(task.preCommit(current)) < requests) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("requests did not complete within 5 minutes");
                }
                Thread.sleep(2);
            }
            long wallNanos = System.nanoTime() - start;
            return new Rep(wallNanos, ProcessCpu.now().bySince(cpuBefore, SinkThroughputBenchmark::componentOf, JVM));
        } finally {
            task.stop();
        }
    }

    private static long committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        OffsetAndMetadata offset = offsets.get(REQUESTS);
        return offset == null ? 0 : offset.offset();
    }

    /** One repetition: how long it took, and the CPU each component spent meanwhile. */
    private record Rep(long wallNanos, Map<String, Long> cpuNanos) {
    }

    /**
     * @param coresBusy process CPU time over wall time: near the machine's core count, the CPU is the bottleneck
     * @param cpuMicrosPerRun process CPU per run started, by component
     */
    private record Result(BenchmarkStats rate, double throttledPercent, double coresBusy,
                          Map<String, Double> cpuMicrosPerRun) {

        double totalCpuMicrosPerRun() {
            return cpuMicrosPerRun.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }
}
