package io.kcdatazone.examples.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.event.DataSourceRunEvent;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class FailedRunsConsumerTest {

    private static final String TOPIC = "datazone-run-events";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    /** A value in Confluent's wire format: the magic byte, a schema id, some Avro bytes. */
    private static final byte[] WIRE_FORMAT = {0, 0, 0, 0, 7, 2, 4};

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final List<Long> sleeps = new ArrayList<>();
    private final FailedRunsConsumer example = new FailedRunsConsumer(
            new PrintStream(printed, true, StandardCharsets.UTF_8), new RecordingTime());

    @Test
    void aRecordTheRegistryCannotServeYetIsRetriedNotSkippedOrCommittedPast() {
        ScriptedConsumer consumer = new ScriptedConsumer();
        RecordDeserializationException registryDown = unreadable(3, WIRE_FORMAT,
                new SerializationException("schema 7", new ConnectException("Connection refused")));
        consumer.script(() -> records(record(0, failed("run-a", "key-a"))), () -> {
            throw registryDown;
        }, () -> {
            throw registryDown;
        }, () -> records(record(3, failed("run-b", "key-b"))));

        example.run(consumer, TOPIC);

        assertThat(consumer.seeks).containsExactly(3L, 3L);
        // After the first batch, after the batch read once the registry answered, and on stopping: none in between.
        assertThat(consumer.committedOffsets).as("no commit while the record cannot be read")
                .containsExactly(1L, 4L, 4L);
        assertThat(sleeps).hasSize(2).allSatisfy(sleep -> assertThat(sleep).isPositive());
        assertThat(output()).contains("key=key-a", "key=key-b").doesNotContain("UNREADABLE");
    }

    @Test
    void aRecordNotInTheWireFormatOrNotDecodableIsSkipped() {
        ScriptedConsumer consumer = new ScriptedConsumer();
        consumer.script(() -> {
            throw unreadable(5, "not avro".getBytes(StandardCharsets.UTF_8),
                    new SerializationException("Unknown magic byte!"));
        }, () -> {
            throw unreadable(6, WIRE_FORMAT, new UncheckedIOException(new EOFException()));
        });

        example.run(consumer, TOPIC);

        assertThat(consumer.seeks).containsExactly(6L, 7L);
        assertThat(sleeps).isEmpty();
        assertThat(output()).contains("UNREADABLE " + PARTITION + "@5", "UNREADABLE " + PARTITION + "@6");
    }

    @Test
    void aWakeupDuringTheCommitStillCommitsTheHandledBatch() {
        ScriptedConsumer consumer = new ScriptedConsumer();
        consumer.wakeUpInCommit = true;
        consumer.script(() -> records(record(0, failed("run-a", "key-a")), record(1, failed("run-b", "key-b"))));

        example.run(consumer, TOPIC);

        assertThat(consumer.committedOffsets).containsExactly(2L);
    }

    @Test
    void actsOncePerRunAndOncePerRequestWithoutRun() {
        example.handle(failed("run-a", "key-a"));
        // The same key sent again: a second terminal event of the same run, under another eventId.
        DataSourceRunEvent again = failed("run-a", "key-a");
        again.setEventId("another-event");
        example.handle(again);
        example.handle(notStarted("key-c", "event-1"));
        example.handle(notStarted("key-c", "event-2"));
        example.printSummary();

        assertThat(output().lines().filter(line -> line.startsWith("FAILED "))).hasSize(2);
        assertThat(output()).contains("terminal=4 succeeded=0 notSucceeded=2 duplicatesDropped=0 alreadyActedOn=2");
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static DataSourceRunEvent failed(String runId, String key) {
        return DataSourceRunEvent.newBuilder().setEventId("event-" + runId).setEventType("RUN_STATUS_CHANGED")
                .setEventTime(Instant.EPOCH).setClientToken(key).setRunId(runId).setStatus("FAILED")
                .setStoppedAt(Instant.EPOCH).build();
    }

    private static DataSourceRunEvent notStarted(String key, String eventId) {
        return DataSourceRunEvent.newBuilder().setEventId(eventId).setEventType("RUN_START_FAILED")
                .setEventTime(Instant.EPOCH).setClientToken(key).build();
    }

    private static ConsumerRecord<String, DataSourceRunEvent> record(long offset, DataSourceRunEvent event) {
        return new ConsumerRecord<>(TOPIC, 0, offset, event.getClientToken().toString(), event);
    }

    @SafeVarargs
    private static ConsumerRecords<String, DataSourceRunEvent> records(
            ConsumerRecord<String, DataSourceRunEvent>... records) {
        long next = records[records.length - 1].offset() + 1;
        return new ConsumerRecords<>(Map.of(PARTITION, List.of(records)),
                Map.of(PARTITION, new OffsetAndMetadata(next)));
    }

    private static RecordDeserializationException unreadable(long offset, byte[] value, Throwable cause) {
        return new RecordDeserializationException(DeserializationExceptionOrigin.VALUE, PARTITION, offset, 0L,
                TimestampType.CREATE_TIME, null, ByteBuffer.wrap(value), new RecordHeaders(), "cannot deserialize",
                cause);
    }

    /**
     * A consumer whose polls follow a script and that wakes up when the script ends; it records seeks and commits,
     * the position being the offset after the last record polled or the last seek.
     */
    private static final class ScriptedConsumer extends MockConsumer<String, DataSourceRunEvent> {
        final List<Long> seeks = new ArrayList<>();
        final List<Long> committedOffsets = new ArrayList<>();
        boolean wakeUpInCommit;
        private final List<Supplier<ConsumerRecords<String, DataSourceRunEvent>>> polls = new ArrayList<>();
        private long position;

        ScriptedConsumer() {
            super("earliest");
        }

        @SafeVarargs
        final void script(Supplier<ConsumerRecords<String, DataSourceRunEvent>>... steps) {
            polls.addAll(List.of(steps));
        }

        @Override
        public synchronized void subscribe(java.util.Collection<String> topics) {
        }

        @Override
        public synchronized ConsumerRecords<String, DataSourceRunEvent> poll(Duration timeout) {
            if (polls.isEmpty()) {
                throw new WakeupException();
            }
            ConsumerRecords<String, DataSourceRunEvent> records = polls.remove(0).get();
            for (ConsumerRecord<String, DataSourceRunEvent> record : records) {
                position = record.offset() + 1;
            }
            return records;
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            seeks.add(offset);
            position = offset;
        }

        @Override
        public synchronized void commitSync() {
            if (wakeUpInCommit) {
                wakeUpInCommit = false;
                throw new WakeupException();
            }
            committedOffsets.add(position);
        }

        @Override
        public synchronized Set<TopicPartition> assignment() {
            return Set.of(PARTITION);
        }
    }

    private final class RecordingTime implements Time {
        @Override
        public long milliseconds() {
            return 0;
        }

        @Override
        public long nanoseconds() {
            return 0;
        }

        @Override
        public void sleep(long ms) {
            sleeps.add(ms);
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long timeoutMs) {
            throw new UnsupportedOperationException();
        }
    }
}
