package io.kcdatazone.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads the output topic from its beginning as a downstream Confluent consumer does: committed records only
 * ({@code read_committed}, so aborted exactly-once transactions stay invisible), values decoded through the schema id
 * in each record and the registry's ccompat API, then turned into what the test needs by its {@link Decoder}.
 *
 * @param <T> what the test reads each event as
 */
public final class OutputTopicReader<T> implements AutoCloseable {

    /** Turns one decoded event, with where it was read, into what the test needs. */
    @FunctionalInterface
    public interface Decoder<T> {
        T decode(String key, int partition, long offset, Headers headers, GenericRecord value);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConfluentWireFormat wireFormat;
    private final Decoder<T> decoder;
    private final List<T> events = new ArrayList<>();

    public OutputTopicReader(String bootstrapServers, String topic, int partitions, ConfluentWireFormat wireFormat,
                             Decoder<T> decoder) {
        this(bootstrapServers, Map.of(), topic, partitions, wireFormat, decoder);
    }

    /** A reader whose consumer also connects with {@code clientSettings}, such as the security settings of a user. */
    public OutputTopicReader(String bootstrapServers, Map<String, String> clientSettings, String topic, int partitions,
                             ConfluentWireFormat wireFormat, Decoder<T> decoder) {
        this.wireFormat = wireFormat;
        this.decoder = decoder;
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assignment = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            assignment.add(new TopicPartition(topic, partition));
        }
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
    }

    /**
     * Reads until {@code condition} holds for everything read so far; returns all events read.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when it does not hold within {@code timeout}
     */
    public List<T> awaitEvents(String description, Predicate<List<T>> condition, Duration timeout) {
        Awaitility.await(description).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    readNext(Duration.ofMillis(100));
                    return condition.test(events);
                });
        return List.copyOf(events);
    }

    /**
     * Reads up to where the topic ends now (for this {@code read_committed} reader: each partition's last stable
     * offset), so everything committed so far is read; returns all events read.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    public List<T> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read to the end offsets " + end + " within " + timeout);
            }
            readNext(Duration.ofMillis(100));
        }
        return List.copyOf(events);
    }

    /** Reads what arrives within {@code duration}, for checks that nothing more comes. */
    public List<T> readFor(Duration duration) {
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
    public List<T> readNext(Duration timeout) {
        List<T> read = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            read.add(decoder.decode(record.key(), record.partition(), record.offset(), record.headers(),
                    wireFormat.decode(record.value())));
        }
        events.addAll(read);
        return read;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
