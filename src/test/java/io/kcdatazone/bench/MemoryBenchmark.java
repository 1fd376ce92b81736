package io.kcdatazone.bench;

import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.sink.DataSourceRunSinkTask;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.source.LedgerPartitionState;
import io.kcdatazone.source.TrackedRun;
import java.time.Duration;
import java.time.Instant;
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
 * partition's state, and the size of a source offset after many runs have come and gone (it must not grow with the
 * number of runs, only with the runs in flight). Run with {@code mvn -B -Pbench test}.
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
        LedgerPartitionState state = new LedgerPartitionState("ledger", 0);
        for (int i = 0; i < COUNT; i++) {
            state.track(run(i));
        }
        long after = Heap.usedAfterGc();
        report.add(row("source: run tracked", state.runs().size(), after - before));
    }

    /** A partition's offset after 10,000 runs started and finished, against one after 100: it must not grow. */
    private static void offsetSizeAfterManyRuns(BenchmarkReport report) {
        for (int runs : new int[] {100, COUNT}) {
            LedgerPartitionState state = new LedgerPartitionState("ledger", 0);
            for (int i = 0; i < runs; i++) {
                state.track(run(i));
                RequestCoordinates request = new RequestCoordinates("datazone-run-requests", i % 6, i / 6);
                state.accept(LedgerEntry.failed(request, "request-key-" + i, "dzd_demo", "ds_" + (i % 20),
                        new RunError("CONFLICT_EXCEPTION", "a run is in progress"), null, Instant.EPOCH),
                        "result-" + i);
                if (i % 600 == 599) { // the sink's progress marks, at each of its offset commits
                    for (int partition = 0; partition < 6; partition++) {
                        state.markProgress(new ProgressMark.Below("datazone-run-requests", partition, i / 6 + 1));
                    }
                }
                state.advancePast(i);
                if (i >= 20) {
                    state.finish(run(i - 20).runId()); // 20 runs in flight at any time
                }
            }
            long bytes = state.toOffset().values().stream().mapToLong(v -> String.valueOf(v).length()).sum();
            report.add(row("source: offset size after " + runs + " runs (20 in flight)", 1, bytes));
        }
    }

    private static TrackedRun run(int i) {
        return new TrackedRun(String.format("run%010d", i), "dzd_demo", "ds_" + (i % 20), "request-key-" + i,
                "datazone-run-requests", i % 6, i, "RUNNING", 1_772_445_600_000L + i);
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
