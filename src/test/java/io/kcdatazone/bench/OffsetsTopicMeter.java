package io.kcdatazone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What one source connector wrote to Connect's offsets topic, read back from the topic: records, bytes (key plus value
 * as stored) and the largest record. It reads {@code read_uncommitted}: an offset record of a transaction that
 * aborted was written all the same, and is what a failing transaction leaves behind.
 */
public final class OffsetsTopicMeter implements AutoCloseable {

    /** Offset records of the connector: how many, their bytes, the largest. */
    public record Written(long records, long bytes, long largestRecord) {

        public Written plus(Written other) {
            return new Written(records + other.records, bytes + other.bytes,
                    Math.max(largestRecord, other.largestRecord));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String connector;
    private Written total = new Written(0, 0, 0);

    public OffsetsTopicMeter(String bootstrapServers, String offsetsTopic, String connector) {
        this.connector = connector;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(offsetsTopic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads the topic up to its end as it is now: what the connector wrote since the previous read. */
    public Written readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        Written read = new Written(0, 0, 0);
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the offsets topic to its end within " + READ_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (isOfConnector(record.key())) {
                    long bytes = record.key().length + (record.value() == null ? 0 : record.value().length);
                    read = read.plus(new Written(1, bytes, bytes));
                }
            }
        }
        total = total.plus(read);
        return read;
    }

    /** Everything read so far. */
    public Written total() {
        return total;
    }

    /** Connect's offset key: {@code ["<connector>", {<source partition>}]}, JSON without schema. */
    private boolean isOfConnector(byte[] key) {
        if (key == null) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(key);
            return node.isArray() && connector.equals(node.path(0).asText());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
