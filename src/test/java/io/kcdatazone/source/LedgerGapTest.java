package io.kcdatazone.source;

import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.metrics.TaskMetrics;
import io.kcdatazone.testkit.CapturedLog;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger that lost entries the source task had not read yet (the topic truncated, recreated, or retention passed
 * during an outage, or the partition's last entries were progress marks or second outcomes, which move no stored
 * position), on a real broker: a task restarting from a position the log no longer holds publishes the gap (one ERROR
 * naming it, a metric) and reads on from the log's start, still running; a task with no stored position starts
 * wherever the log starts now.
 */
class LedgerGapTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static EmbeddedKafkaCluster kafka;

    private DataSourceRunSourceTask task;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.stop();
    }

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.stop();
        }
    }

    @Test
    void aStoredPositionTheLogNoLongerHoldsIsPublishedAsAGapAndTheTaskReadsOnFromTheLogsStart() throws Exception {
        String ledger = "gap-ledger";
        writeLedger(ledger, 0, 5);
        // The task had published entries 0 and 1 when it stopped; then entries 0 to 3 were removed.
        deleteBefore(ledger, 4);

        List<SourceRecord> records = new ArrayList<>();
        try (CapturedLog log = CapturedLog.start(Map.of())) {
            startTask(ledger, Map.of(PartitionOffset.key(ledger, 0), PartitionOffset.format(1, 2, 2, 0, "[]",
                    List.of())));
            Awaitility.await("the entry after the gap published").atMost(TIMEOUT)
                    .until(() -> pollInto(records) >= 1);
            writeLedger(ledger, 5, 2);
            Awaitility.await("the entries written later published").atMost(TIMEOUT)
                    .until(() -> pollInto(records) >= 3);

            List<String> gapLines = log.lines().stream()
                    .filter(line -> line.contains("ERROR") && line.contains("no longer holds")).collect(toList());
            assertThat(gapLines).as("one ERROR for the gap").hasSize(1);
            assertThat(gapLines.get(0)).contains("ledger partition " + ledger + "-0", "stored position 2",
                    "log now holds offsets 4 to 5", "progress marks", "second outcomes", "dead letter queue",
                    "DataZone", "reading on from offset 4");
        }
        List<Object> positions = new ArrayList<>();
        records.forEach(record -> positions.add(record.sourceOffset().get("position")));
        assertThat(positions).containsExactly(5L, 6L, 7L);
        assertThat(taskMetric("ledger-gaps-total")).as("a meter's total, a double").isEqualTo(1.0);
    }

    @Test
    void aTaskWithNoStoredPositionStartsWhereTheLogStartsNow() throws Exception {
        String ledger = "new-ledger";
        writeLedger(ledger, 0, 5);
        deleteBefore(ledger, 3);

        startTask(ledger, Map.of());
        List<SourceRecord> records = new ArrayList<>();
        Awaitility.await("the entries left published").atMost(TIMEOUT).until(() -> pollInto(records) >= 2);

        List<Object> positions = new ArrayList<>();
        records.forEach(record -> positions.add(record.sourceOffset().get("position")));
        assertThat(positions).containsExactly(4L, 5L);
    }

    /** Polls the task once, adding what it hands over to {@code records}; the number of records collected so far. */
    private int pollInto(List<SourceRecord> records) {
        List<SourceRecord> polled = task.poll();
        if (polled != null) {
            records.addAll(polled);
        }
        return records.size();
    }

    /**
     * An untagged metric of the task, read over JMX: with no plugin metrics in its context (and no task id in the
     * logging context) the task publishes through its own reporter, as task "unknown".
     */
    private static Object taskMetric(String name) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(TaskMetrics.FALLBACK_JMX_PREFIX
                + ":type=datazone-task-metrics,connector=gap-source,task=unknown"), name);
    }

    private void startTask(String ledger, Map<Map<String, Object>, Map<String, Object>> offsets) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "gap-source");
        props.put("output.topic", "events");
        props.put("datazone.region", "us-east-1");
        // No run is tracked: DataZone is never called.
        props.put("datazone.endpoint.override", "http://127.0.0.1:9");
        props.put("aws.access.key.id", "AKIATESTONLY");
        props.put("aws.secret.access.key", "test-only-secret");
        props.put("ledger.topic", ledger);
        props.put("ledger.bootstrap.servers", kafka.bootstrapServers());
        props.put("task.ledger.partitions", "0");
        task = new DataSourceRunSourceTask();
        task.initialize(new StoredOffsetsContext(offsets));
        task.start(props);
    }

    /**
     * Entries {@code first} to {@code first + count - 1} (the topic is created with the first): requests that started
     * no run, so reading them needs no DataZone call.
     */
    private static void writeLedger(String ledger, int first, int count) throws Exception {
        if (first == 0) {
            kafka.createTopic(ledger, 1);
        }
        try (KafkaProducer<byte[], byte[]> producer = kafka.createProducer(Map.of())) {
            for (int i = first; i < first + count; i++) {
                LedgerEntry entry = LedgerEntry.failed(new RequestCoordinates("requests", 0, i), "token-" + i,
                        "dzd_demo", "sales_glue", new RunSnapshot.RunError("VALIDATION_EXCEPTION", "bad"), "req-" + i,
                        NOW);
                producer.send(new ProducerRecord<>(ledger, 0, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        LedgerCodec.encode(entry))).get();
            }
        }
    }

    private static void deleteBefore(String ledger, long offset) throws Exception {
        try (Admin admin = kafka.createAdminClient()) {
            admin.deleteRecords(Map.of(new TopicPartition(ledger, 0), RecordsToDelete.beforeOffset(offset)))
                    .all().get();
        }
    }
}
