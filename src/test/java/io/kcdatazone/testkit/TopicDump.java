package io.kcdatazone.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a Kafka cluster holds right now, topic by topic, internal topics included and aborted transactions too
 * ({@code read_uncommitted}): for tests that must know what was written anywhere, not what a consumer would see.
 */
public final class TopicDump {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> clientSettings;

    /** A dump of the cluster at {@code bootstrapServers}, with extra client settings (e.g. SASL). */
    public TopicDump(String bootstrapServers, Map<String, String> extraClientSettings) {
        this.clientSettings = new HashMap<>(extraClientSettings);
        clientSettings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    /** The names of all topics, internal ones included. */
    public Set<String> topics() {
        try (Admin admin = Admin.create(clientSettings)) {
            return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list the topics", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every record of {@code topic} from its start to its end at the time of the call. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
