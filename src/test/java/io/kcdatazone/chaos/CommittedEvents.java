package io.kcdatazone.chaos;

import io.kcdatazone.testkit.ConfluentWireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Follows the output topic from its beginning as a downstream consumer does: committed records only
 * ({@code read_committed}, so aborted exactly-once transactions stay invisible), values decoded through the registry.
 */
final class CommittedEvents implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConfluentWireFormat wireFormat;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final List<OutputEvent> events = new ArrayList<>();

    CommittedEvents(String bootstrapServers, String topic, int partitionCount, ConfluentWireFormat wireFormat) {
        this.wireFormat = wireFormat;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        for (int partition = 0; partition < partitionCount; partition++) {
            partitions.add(new TopicPartition(topic, partition));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until {@code condition} holds for everything read so far, or the timeout passes; says which. */
    boolean awaitUntil(String description, Predicate<List<OutputEvent>> condition, Duration timeout) {
        try {
            Awaitility.await(description).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        readAvailable();
                        return condition.test(events);
                    });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Reads what arrives within {@code duration}: a late duplicate would show up here. */
    List<OutputEvent> readFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            readAvailable();
        }
        return List.copyOf(events);
    }

    private void readAvailable() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            events.add(OutputEvent.of(record.partition(), record.offset(), wireFormat.decode(record.value())));
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
