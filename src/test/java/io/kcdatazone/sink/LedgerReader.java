package io.kcdatazone.sink;

import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerRecord;
import io.kcdatazone.ledger.ProgressMark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a ledger topic from its start the way the source connector does (every partition, committed data only,
 * decoded with {@link LedgerCodec}), and keeps what it has read, so each call only fetches what is new.
 */
final class LedgerReader implements AutoCloseable {

    /** One outcome entry: where it landed, its key, and the entry. */
    record Written(int partition, long offset, String key, LedgerEntry entry) {
    }

    /** One progress mark and where it landed. */
    record Marked(int partition, long offset, ProgressMark mark) {
    }

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final List<Written> read = new ArrayList<>();
    private final List<Marked> marks = new ArrayList<>();
    private boolean assigned;

    LedgerReader(String bootstrapServers, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the sink creates the ledger with its own settings: reading must never create it first
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Every entry written so far, per partition in write order. */
    synchronized List<LedgerEntry> entries() {
        return records().stream().map(Written::entry).toList();
    }

    /** Every progress mark written so far, per partition in write order. */
    synchronized List<Marked> marks() {
        records();
        return List.copyOf(marks);
    }

    /** Every outcome entry written so far, per partition in write order. */
    synchronized List<Written> records() {
        if (!assigned && !assign()) {
            return List.of();
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        while (!caughtUp(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read ledger topic " + topic + " up to " + end);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                LedgerRecord decoded = LedgerCodec.decodeRecord(record.value());
                if (decoded instanceof LedgerEntry entry) {
                    read.add(new Written(record.partition(), record.offset(), record.key(), entry));
                } else {
                    marks.add(new Marked(record.partition(), record.offset(), (ProgressMark) decoded));
                }
            }
        }
        return List.copyOf(read);
    }

    private boolean assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        consumer.seekToBeginning(consumer.assignment());
        assigned = true;
        return true;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
