package io.kcdatazone.bench;

import io.kcdatazone.sink.DataSourceRunSinkTask;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.source.RunTrackingFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.Test;

/**
 * Memory and offset-store size: heap per request buffered in a real sink task, heap per run tracked in a source
 * task's state, and the size of one event's source offset after many runs have come and gone and with many in flight
 * (it must grow with neither). Run with {@code mvn -B -Pbench test}.
 */
class MemoryBenchmark {

    private static final int COUNT = 10_000;
    private static final TopicPartition REQUESTS = new TopicPartition("memory-requests", 0);

    @Test
    void heapPerBufferedRequestAndPerTrackedRunAndOffsetSize() throws Exception {
        BenchmarkReport report = new BenchmarkReport("memory", List.of("what", "count", "bytes per item",
                "total KB"));
        sinkHeapPerBufferedRequest(report);
        sourceHeapPerTrackedRun(report);
        offsetSizeAfterManyRuns(report);
        report.publish();
    }

    /** 10,000 requests wait in a task whose one call slot is held by a call DataZone does not answer. */
    private static void sinkHeapPerBufferedRequest(BenchmarkReport report) throws Exception {
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        kafka.createTopic("memory-ledger", 1);
        SimulatorOptions options = SimulatorOptions.builder().latency(Duration.ofMinutes(10), Duration.ZERO).build();
        try (DataZoneSimulator simulator = DataZoneSimulator.start(options)) {
            DataSourceRunSinkTask task = LoneSinkTask.start(REQUESTS, simulator, kafka.bootstrapServers(),
                    "memory-ledger", 1, 0, COUNT + 1);
            try {
                List<SinkRecord> records = new ArrayList<>(COUNT);
                for (int i = 0; i < COUNT; i++) {
                    records.add(new SinkRecord(REQUESTS.topic(), 0, null, String.format("memory-%06d", i), null,
                            "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":\"sales_glue\"}", i));
                }
                long before = Heap.usedAfterGc();
                task.put(records);
                records = null;
                long after = Heap.usedAfterGc();
                report.add(row("sink: request buffered (waiting for a call slot)", COUNT, after - before));
            } finally {
                task.stop();
            }
        } finally {
            kafka.stop();
        }
    }

    private static void sourceHeapPerTrackedRun(BenchmarkReport report) {
        long before = Heap.usedAfterGc();
        RunTrackingFixture source = RunTrackingFixture.start(COUNT);
        source.startRuns(COUNT, 1_000);
        long after = Heap.usedAfterGc();
        report.add(row("source: run tracked", source.followed(), after - before));
    }

    /**
     * What one event's source offset weighs after 100 and after 10,000 runs came and went (20 in flight), and with
     * 10,000 in flight: it must not grow with either. Also the run slots (offset keys) used.
     */
    private static void offsetSizeAfterManyRuns(BenchmarkReport report) {
        for (int runs : new int[] {100, COUNT}) {
            RunTrackingFixture source = RunTrackingFixture.start(COUNT);
            for (int started = 0; started < runs; started += 20) {
                source.startRuns(20, 20);
                source.publishStatus(20, "SUCCESS");
            }
            offsetRows(report, runs + " runs (20 in flight)", source);
        }
        RunTrackingFixture source = RunTrackingFixture.start(COUNT);
        source.startRuns(COUNT, 1_000);
        source.publishStatus(COUNT, "RUNNING");
        offsetRows(report, COUNT + " runs in flight", source);
    }

    private static void offsetRows(BenchmarkReport report, String after, RunTrackingFixture source) {
        report.add(row("source: result event's offset after " + after, 1, source.lastResultOffsetBytes()));
        report.add(row("source: status event's offset after " + after, 1, source.lastStatusOffsetBytes()));
        report.add(row("source: run slots (offset keys) after " + after, source.slotsUsed(), 0));
    }

    private static Map<String, Object> row(String what, int count, long bytes) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("what", what);
        row.put("count", count);
        row.put("bytes per item", count == 0 ? "-" : Long.toString(bytes / count));
        row.put("total KB", bytes / 1024);
        return row;
    }
}
