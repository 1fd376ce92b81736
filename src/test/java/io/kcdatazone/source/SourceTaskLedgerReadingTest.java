package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.DataSourceRunEventSchema;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.MockTimeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a source task takes entries from its ledger partition: a real task over Kafka's {@link MockConsumer} (so a test
 * places entries exactly), with the real DataZone client pointed at the simulator. Status polls are left out: the
 * poll interval is an hour and the task's clock stands still.
 */
class SourceTaskLedgerReadingTest {

    private static final String LEDGER = "ledger";
    private static final TopicPartition PARTITION = new TopicPartition(LEDGER, 0);
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private final MockTime time = new MockTime(0, NOW.toEpochMilli(), 0);
    /** When set, asking the ledger for a partition's first offsets meets a status answer's wake-up. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.NONE) {
        @Override
        public synchronized Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            return beginningOffsets(partitions, Duration.ofMinutes(1));
        }

        @Override
        public synchronized Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions,
                                                                       Duration timeout) {
            if (wakeupPending.getAndSet(false)) {
                throw new WakeupException();
            }
            return super.beginningOffsets(partitions, timeout);
        }
    };
    private final Map<String, String> props = new HashMap<>();
    private DataZoneSimulator simulator;
    private DataSourceRunSourceTask task;

    @BeforeEach
    void start() {
        simulator = SimulatorClients.startSimulator(new MockTimeClock(time));
        props.put("name", "ledger-reading");
        props.put("output.topic", "events");
        props.put("datazone.region", "us-east-1");
        props.put("datazone.endpoint.override", simulator.endpoint().toString());
        props.put("aws.access.key.id", "AKIATESTONLY");
        props.put("aws.secret.access.key", "test-only-secret");
        props.put("ledger.topic", LEDGER);
        props.put("ledger.bootstrap.servers", "127.0.0.1:9");
        props.put("task.ledger.partitions", "0");
        props.put("status.poll.interval.ms", "3600000");
        props.put("status.poll.interval.max.ms", "3600000");
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        simulator.close();
    }

    private void startTask() {
        startTask(StoredOffsetsContext.none());
    }

    private void startTask(StoredOffsetsContext context) {
        task = new DataSourceRunSourceTask(ignored -> consumer, time);
        task.initialize(context);
        task.start(props);
    }

    @Test
    void aFetchTakesNoMoreRunsThanTheRoomLeftAndReadsOnFromTheEntryItHeldBack() {
        props.put("max.tracked.runs", "2");
        startTask();
        add(0, started("run-a"));
        add(1, started("run-b"));
        add(2, failed());
        add(3, started("run-c"));
        add(4, started("run-d"));

        List<SourceRecord> records = task.poll();

        // The failure needs no tracking slot and goes out; run-c would exceed the cap, so reading stops before it.
        assertThat(eventTypes(records)).containsExactly("RUN_STARTED", "RUN_STARTED", "RUN_START_FAILED");
        Map<String, ?> offset = records.get(records.size() - 1).sourceOffset();
        assertThat(offset.get("position")).isEqualTo(3L);
        assertThat(offset.get("low")).as("both runs hold their entries until their last event is acknowledged")
                .isEqualTo(0L);
        assertThat(consumer.position(PARTITION)).isEqualTo(3);
        assertThat(consumer.paused()).containsExactly(PARTITION);
    }

    @Test
    void anUnreadableEntryFailsTheTaskOnTheNextPollAfterHandingOverTheEntriesBeforeIt() {
        startTask();
        add(0, started("run-a"));
        add(1, failed());
        consumer.addRecord(new ConsumerRecord<>(LEDGER, 0, 2, "key", "{\"version\": 99, \"outcome\": \"RUN_STARTED\"}"
                .getBytes(StandardCharsets.UTF_8)));
        add(3, started("run-b"));

        List<SourceRecord> records = task.poll();

        // Connect stores the position of the last record it is handed: up to just before the unreadable entry.
        assertThat(eventTypes(records)).containsExactly("RUN_STARTED", "RUN_START_FAILED");
        assertThat(records.get(records.size() - 1).sourceOffset().get("position")).isEqualTo(2L);
        assertThat(consumer.position(PARTITION)).isEqualTo(2);
        assertThat(consumer.paused()).containsExactly(PARTITION);
        assertThatThrownBy(() -> task.poll())
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("ledger-0@2")
                .hasMessageContaining("format version 99")
                .hasMessageContaining("every worker runs a version that reads this ledger format")
                .hasMessageContaining("set the 'position' of ledger partition 0 to 3")
                .hasMessageContaining("GET, then PATCH /connectors/<name>/offsets")
                .hasMessageContaining("a stored position below 2 only means the entries in between published"
                        + " nothing");
    }

    @Test
    void aCorruptEntryFailsTheTaskTheSameWay() {
        startTask();
        consumer.addRecord(new ConsumerRecord<>(LEDGER, 0, 0, "key", new byte[] {0, 1, 2}));

        assertThat(task.poll()).isNull();
        assertThatThrownBy(() -> task.poll())
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("ledger-0@0")
                .hasMessageContaining("set the 'position' of ledger partition 0 to 1");
    }

    @Test
    void aGapWhoseBoundsCannotBeReadIsPublishedWithThemUnknownAndTheTaskReadsOnFromTheLogsStart() {
        startTask();
        consumer.updateEndOffsets(Map.of(PARTITION, 0L));
        consumer.setPollException(new OffsetOutOfRangeException("out of range", Map.of(PARTITION, 7L)));
        wakeupPending.set(true);

        try (CapturedLog log = CapturedLog.start(Map.of())) {
            assertThat(task.poll()).isNull();
            assertThat(log.lines()).filteredOn(line -> line.contains("ERROR") && line.contains("no longer holds"))
                    .singleElement().asString()
                    .contains("ledger partition ledger-0: stored position 7, log now holds offsets unknown to 0",
                            "reading on from the log's start");
        }
        add(0, failed());
        assertThat(eventTypes(task.poll())).containsExactly("RUN_START_FAILED");
    }

    /** A recreated ledger topic whose bounds cannot be read: its entries below the stored position are read. */
    @Test
    void aGapWhoseBoundsCannotBeReadReadsTheLogFromItsStartEvenBelowTheStoredPosition() {
        startTask(new StoredOffsetsContext(Map.of(PartitionOffset.key(LEDGER, 0),
                PartitionOffset.format(1, 7, 7, 0, "[]", List.of()))));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 0L));
        consumer.setPollException(new OffsetOutOfRangeException("out of range", Map.of(PARTITION, 7L)));
        wakeupPending.set(true);

        assertThat(task.poll()).isNull();
        add(0, failed());
        assertThat(eventTypes(task.poll())).as("the recreated log's first entry").containsExactly("RUN_START_FAILED");
    }

    /** The sink never writes one (its limit is at most that), but another writer could: it must not bloat offsets. */
    @Test
    void aContextLargerThanTheSinksLimitIsLeftOutOfTheEventsAndOffsets() {
        startTask();
        Map<String, String> small = Map.of("dag", "harvest");
        String note = "x".repeat(DataSourceRunSinkConfig.CONTEXT_MAX_BYTES_LIMIT);
        add(0, started("run-a").withContext(Map.of("note", note)));
        add(1, started("run-b").withContext(small));

        List<SourceRecord> records = task.poll();

        assertThat(records).hasSize(2);
        assertThat(((Struct) records.get(0).value()).get(DataSourceRunEventSchema.CONTEXT)).isNull();
        assertThat(records.get(0).headers().lastWithName("note")).isNull();
        assertThat(((Struct) records.get(1).value()).getMap(DataSourceRunEventSchema.CONTEXT)).isEqualTo(small);
    }

    private void add(long offset, LedgerEntry entry) {
        consumer.addRecord(new ConsumerRecord<>(LEDGER, 0, offset, "key", LedgerCodec.encode(entry)));
    }

    private static LedgerEntry started(String runId) {
        RunSnapshot run = new RunSnapshot(runId, "dzd_demo", "sales_glue", "demo_project", "REQUESTED",
                "PRIORITIZED", NOW, null, null, NOW, null, null, null);
        return LedgerEntry.started(new RequestCoordinates("requests", 0, runId.hashCode() & 0xffff), "token-" + runId,
                run, "req-" + runId, NOW);
    }

    private static LedgerEntry failed() {
        return LedgerEntry.failed(new RequestCoordinates("requests", 0, 99), "token-failed", "dzd_demo",
                "sales_glue", new RunSnapshot.RunError("VALIDATION_EXCEPTION", "bad request"), "req-failed", NOW);
    }

    private static List<String> eventTypes(List<SourceRecord> records) {
        List<String> types = new ArrayList<>();
        for (SourceRecord record : records) {
            types.add(((Struct) record.value()).getString(DataSourceRunEventSchema.EVENT_TYPE));
        }
        return types;
    }
}
