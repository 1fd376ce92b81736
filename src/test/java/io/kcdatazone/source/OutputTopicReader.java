package io.kcdatazone.source;

import io.kcdatazone.testkit.ConfluentWireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads the output topic from its beginning as a downstream Confluent consumer does: committed records only
 * ({@code read_committed}), values decoded through the schema id in each record and the registry's ccompat API.
 */
final class OutputTopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConfluentWireFormat wireFormat;
    private final List<ObservedEvent> events = new ArrayList<>();

    OutputTopicReader(String bootstrapServers, String topic, int partitions, ConfluentWireFormat wireFormat) {
        this.wireFormat = wireFormat;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assignment = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            assignment.add(new TopicPartition(topic, partition));
        }
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
    }

    /** Reads until {@code condition} holds for everything read so far; returns all events read. */
    List<ObservedEvent> awaitEvents(String description, Predicate<List<ObservedEvent>> condition, Duration timeout) {
        Awaitility.await(description).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    readNext(Duration.ofMillis(100));
                    return condition.test(events);
                });
        return List.copyOf(events);
    }

    /** Reads what arrives within {@code duration}, for checks that nothing more comes. */
    List<ObservedEvent> readFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            readNext(Duration.ofMillis(100));
        }
        return List.copyOf(events);
    }

    /**
     * Reads what arrives within {@code timeout}, returning as soon as something does: the events read by this call
     * (they are also kept with all the others read). For callers that time each event's arrival.
     */
    List<ObservedEvent> readNext(Duration timeout) {
        List<ObservedEvent> read = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            read.add(ObservedEvent.of(record.key(), record.partition(), record.offset(),
                    wireFormat.decode(record.value())));
        }
        events.addAll(read);
        return read;
    }

    /** Events grouped by run id, each list in the order the run's output partition holds them. */
    static Map<String, List<ObservedEvent>> byRun(List<ObservedEvent> events) {
        return events.stream().filter(e -> e.runId() != null)
                .collect(Collectors.groupingBy(ObservedEvent::runId, Collectors.toList()));
    }

    static long count(List<ObservedEvent> events, Predicate<ObservedEvent> which) {
        return events.stream().filter(which).count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
