package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.storage.StringConverter;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * One sink connector under test, with its own request topic, ledger topic and consumer group, on a stack that runs
 * the DataZone simulator. It remembers every request it sent, so tests can ask whether each one has its outcome in
 * the ledger and whether committed offsets ever passed a request without one.
 */
final class SinkScenario implements AutoCloseable {

    static final String DOMAIN = "dzd_demo";
    static final String SALES = "sales_glue";
    static final String ORDERS = "orders_glue";
    static final String REDSHIFT = "legacy_redshift";
    /** Distinctive values, so a test can prove they never reach a log line. */
    static final String ACCESS_KEY_ID = "AKIASINKTESTKEYID0001";
    static final String SECRET_ACCESS_KEY = "sink-test-secret-access-key-must-not-leak";
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A request record this scenario produced, and where it landed. */
    record Sent(String key, String value, RequestCoordinates coordinates) {
        boolean isTombstone() {
            return value == null;
        }
    }

    private final KafkaConnectStack stack;
    private final String name;
    private final String requestTopic;
    private final Map<String, String> config = new HashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private LedgerReader ledger;
    private boolean started;
    private Admin admin;

    private SinkScenario(KafkaConnectStack stack, String name, int partitions) {
        this.stack = stack;
        this.name = name;
        this.requestTopic = name + "-requests";
        stack.createTopic(requestTopic, partitions);
        config.put("connector.class", DataSourceRunSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", requestTopic);
        config.put("key.converter", StringConverter.class.getName());
        config.put("value.converter", StringConverter.class.getName());
        config.put("datazone.endpoint.override", simulator().endpoint().toString());
        config.put("datazone.region", "us-east-1");
        config.put("aws.access.key.id", ACCESS_KEY_ID);
        config.put("aws.secret.access.key", SECRET_ACCESS_KEY);
        config.put("ledger.bootstrap.servers", stack.bootstrapServers());
        config.put("ledger.topic", name + "-ledger");
        config.put("ledger.topic.partitions", "3");
        config.put("datazone.requests.per.second", "200");
        config.put("retry.backoff.ms", "50");
        config.put("retry.backoff.max.ms", "500");
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                // up to what the brokers take, so tests can send records near the limit
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024), new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** A scenario for connector {@code name} over a new request topic of {@code partitions} partitions. */
    static SinkScenario create(KafkaConnectStack stack, String name, int partitions) {
        return new SinkScenario(stack, name, partitions);
    }

    String name() {
        return name;
    }

    String requestTopic() {
        return requestTopic;
    }

    String ledgerTopic() {
        return config.get("ledger.topic");
    }

    /** Sets (or with null removes) a connector setting; takes effect at {@link #start}. */
    SinkScenario with(String setting, String value) {
        if (value == null) {
            config.remove(setting);
        } else {
            config.put(setting, value);
        }
        return this;
    }

    /** The connector settings as they stand. */
    Map<String, String> config() {
        return Map.copyOf(config);
    }

    SinkScenario with(Map<String, String> settings) {
        config.putAll(settings);
        return this;
    }

    /** Creates the connector and waits until it and its {@code tasks.max} tasks run. */
    SinkScenario start() {
        stack.connect().configureConnector(name, config);
        started = true;
        awaitRunning();
        return this;
    }

    void awaitRunning() {
        stack.awaitConnectorRunning(name, Integer.parseInt(config.get("tasks.max")), TIMEOUT);
    }

    DataZoneSimulator simulator() {
        return stack.service(SimulatorService.class).simulator();
    }

    /** A JSON request naming a domain and a data source. */
    static String request(String domainId, String dataSourceId) {
        return "{\"domainIdentifier\":\"" + domainId + "\",\"dataSourceIdentifier\":\"" + dataSourceId + "\"}";
    }

    Sent send(String key, String value) {
        return send(null, key, value);
    }

    /** Produces a request (a tombstone when {@code value} is null) to a partition, or by key when it is null. */
    Sent send(Integer partition, String key, String value) {
        return send(partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), List.of());
    }

    /**
     * Produces a request as raw bytes, with headers; a null {@code value} makes a tombstone. The {@link Sent} shows
     * key and value decoded as UTF-8, whatever they are.
     */
    Sent send(Integer partition, byte[] keyBytes, byte[] valueBytes, List<Header> headers) {
        String key = keyBytes == null ? null : new String(keyBytes, StandardCharsets.UTF_8);
        String value = valueBytes == null ? null : new String(valueBytes, StandardCharsets.UTF_8);
        RecordMetadata metadata;
        try {
            metadata = producer.send(new ProducerRecord<>(requestTopic, partition, keyBytes, valueBytes, headers))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not produce a request", e.getCause());
        }
        Sent request = new Sent(key, value, new RequestCoordinates(requestTopic, metadata.partition(),
                metadata.offset()));
        sent.add(request);
        return request;
    }

    /** Grows the request topic to {@code partitions} partitions; the task's consumer finds them on its next refresh. */
    void increasePartitions(int partitions) {
        try {
            admin().createPartitions(Map.of(requestTopic, NewPartitions.increaseTo(partitions))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not add partitions to " + requestTopic, e.getCause());
        }
    }

    List<LedgerEntry> ledgerEntries() {
        return ledger().entries();
    }

    LedgerReader ledger() {
        if (ledger == null) {
            ledger = new LedgerReader(stack.bootstrapServers(), ledgerTopic());
        }
        return ledger;
    }

    /** The ledger entries of a request, by its coordinates. */
    List<LedgerEntry> outcomesOf(Sent request) {
        return ledgerEntries().stream().filter(e -> e.request().equals(request.coordinates())).toList();
    }

    /**
     * Waits until every request sent that is not a tombstone has at least one outcome in the ledger, checking on every
     * poll that committed offsets never pass a request without one.
     */
    Map<Sent, LedgerEntry> awaitEveryOutcome() {
        await("every request has an outcome in ledger " + ledgerTopic()).until(() -> {
            assertCommittedOffsetsPassOnlyRecordedOutcomes();
            return everyRequestHasAnOutcome();
        });
        Map<RequestCoordinates, LedgerEntry> byCoordinates = ledgerEntries().stream()
                .collect(Collectors.toMap(LedgerEntry::request, e -> e, (first, later) -> first));
        Map<Sent, LedgerEntry> outcomes = new HashMap<>();
        sent.stream().filter(s -> !s.isTombstone())
                .forEach(s -> outcomes.put(s, byCoordinates.get(s.coordinates())));
        return outcomes;
    }

    /** The single outcome of one request, once it is there. */
    LedgerEntry awaitOutcome(Sent request) {
        await("an outcome for " + request.coordinates()).until(() -> !outcomesOf(request).isEmpty());
        return outcomesOf(request).get(0);
    }

    private boolean everyRequestHasAnOutcome() {
        Set<RequestCoordinates> recorded = ledgerEntries().stream().map(LedgerEntry::request)
                .collect(Collectors.toSet());
        return sent.stream().filter(s -> !s.isTombstone()).allMatch(s -> recorded.contains(s.coordinates()));
    }

    /** The offsets Connect committed for this connector's consumer group. */
    Map<TopicPartition, Long> committedOffsets() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets("connect-" + name)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    offsets.put(partition, offset.offset());
                }
            });
            return offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not read committed offsets", e.getCause());
        }
    }

    /**
     * No committed offset has passed a request whose outcome is not in the ledger (docs/sink.md, "Offsets and
     * durability"). Offsets are read before the ledger, so an outcome written in between cannot hide a violation.
     */
    void assertCommittedOffsetsPassOnlyRecordedOutcomes() {
        Map<TopicPartition, Long> committed = committedOffsets();
        Set<RequestCoordinates> recorded = ledgerEntries().stream().map(LedgerEntry::request)
                .collect(Collectors.toSet());
        List<Sent> passedWithoutOutcome = sent.stream()
                .filter(s -> !s.isTombstone())
                .filter(s -> s.coordinates().offset() < committed.getOrDefault(
                        new TopicPartition(requestTopic, s.coordinates().partition()), 0L))
                .filter(s -> !recorded.contains(s.coordinates()))
                .toList();
        assertThat(passedWithoutOutcome).as("requests behind the committed offsets %s without an outcome", committed)
                .isEmpty();
    }

    /** Waits until Connect has committed offsets past every request sent. */
    void awaitOffsetsCommittedToTheEnd() {
        Map<TopicPartition, Long> end = new HashMap<>();
        sent.forEach(s -> end.merge(new TopicPartition(requestTopic, s.coordinates().partition()),
                s.coordinates().offset() + 1, Math::max));
        await("offsets committed up to " + end).until(() -> {
            Map<TopicPartition, Long> committed = committedOffsets();
            return end.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
        });
    }

    /** The runs the simulator started for a client token. */
    int runsFor(String clientToken) {
        return simulator().introspection().runsForClientToken(clientToken).size();
    }

    /** The StartDataSourceRun calls the simulator received with a client token. */
    List<RecordedCall> startCallsFor(String clientToken) {
        return simulator().introspection().calls(Operation.START_DATA_SOURCE_RUN).stream()
                .filter(call -> call.clientToken().filter(clientToken::equals).isPresent())
                .toList();
    }


    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(200));
    }

    /** The id of the task whose consumer holds {@code partition} of the request topic now, if one does. */
    Optional<Integer> taskOwning(int partition) {
        TopicPartition owned = new TopicPartition(requestTopic, partition);
        String group = "connect-" + name;
        try {
            return admin().describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .filter(member -> member.assignment().topicPartitions().contains(owned))
                    .map(member -> Integer.parseInt(member.clientId().substring(member.clientId().lastIndexOf('-')
                            + 1)))
                    .findFirst();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("could not describe group " + group, e);
        }
    }

    private Admin admin() {
        if (admin == null) {
            admin = stack.connect().kafka().createAdminClient();
        }
        return admin;
    }

    /** Deletes the connector and closes this scenario's clients; its topics stay for inspection. */
    @Override
    public void close() {
        if (started) {
            stack.connect().deleteConnector(name);
        }
        producer.close(Duration.ofSeconds(5));
        if (ledger != null) {
            ledger.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
