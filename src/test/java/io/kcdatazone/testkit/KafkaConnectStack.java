package io.kcdatazone.testkit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.runtime.AbstractStatus;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.apache.kafka.coordinator.transaction.TransactionLogConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JUnit 5 extension that runs the stack the integration tests need, all real and on loopback: a KRaft Kafka cluster
 * and Connect workers in this JVM ({@link EmbeddedConnectCluster}, Kafka 4.3.1), Apicurio Registry serving
 * Confluent's Schema Registry API as a child process, and any further {@link StackService}s (the DataZone simulator).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaConnectStack STACK = KafkaConnectStack.builder().workers(3).build();
 * }</pre>
 *
 * On a static field the stack lives for the test class; on an instance field, for each test.
 *
 * <p>Tests should prefer this class's helpers over {@link #connect()}: they name what a test needs from any Kafka
 * and Connect, so tests written against them keep working if Kafka comes from elsewhere (see {@link DockerProbe}).
 */
public final class KafkaConnectStack implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnectStack.class);
    private static final Duration REGISTRY_STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final int brokers;
    private final int workers;
    private final Map<String, String> workerPropertyOverrides;
    private final Map<String, String> brokerPropertyOverrides;
    private final Map<String, String> clientProperties;
    private final List<StackService> services;

    private EmbeddedConnectCluster connect;
    private ApicurioRegistryProcess registry;
    private final List<StackService> startedServices = new ArrayList<>();
    private boolean startedPerTest;

    private KafkaConnectStack(Builder builder) {
        this.brokers = builder.brokers;
        this.workers = builder.workers;
        this.workerPropertyOverrides = Map.copyOf(builder.workerProperties);
        this.brokerPropertyOverrides = Map.copyOf(builder.brokerProperties);
        this.clientProperties = Map.copyOf(builder.clientProperties);
        this.services = List.copyOf(builder.services);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (connect == null) {
            startedPerTest = true;
            start(context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedPerTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start(String name) throws Exception {
        long startNanos = System.nanoTime();
        logKafkaSource();
        Path registryHome = ApicurioRegistryProcess.homeFromSystemProperty();
        registry = ApicurioRegistryProcess.launch(registryHome, registryHome.resolveSibling("apicurio-work"));
        try {
            connect = new EmbeddedConnectCluster.Builder()
                    .name(name)
                    .numBrokers(brokers)
                    .numWorkers(workers)
                    .brokerProps(brokerProperties())
                    .workerProps(workerProperties())
                    .clientProps(clientProperties)
                    .build();
            connect.start();
            registry.awaitReady(REGISTRY_STARTUP_TIMEOUT);
            for (StackService service : services) {
                service.start(this);
                startedServices.add(service);
            }
        } catch (Exception | Error e) {
            stopQuietly(e);
            throw e;
        }
        log.info("Stack {} ({} broker(s), {} worker(s), registry, {} service(s)) started in {} ms",
                name, brokers, workers, services.size(), Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    private static void logKafkaSource() {
        if (DockerProbe.dockerAvailable()) {
            // EmbeddedConnectCluster always starts its own brokers and points its workers at them, so a container
            // broker would need workers started without it. Until that exists, Docker changes nothing here.
            log.info("A Docker engine answers, but the Testcontainers Kafka backend is not implemented: "
                    + "using in-process KRaft brokers");
        } else {
            log.info("No Docker engine (or -D{}=false): using in-process KRaft brokers", DockerProbe.ENABLED_PROPERTY);
        }
    }

    private Properties brokerProperties() {
        Properties properties = new Properties();
        // Exactly-once source workers create a transactional producer; with fewer brokers than the transaction log's
        // default replication factor (3) and min ISR (2) they hang creating it.
        properties.put(TransactionLogConfig.TRANSACTIONS_TOPIC_REPLICATION_FACTOR_CONFIG,
                String.valueOf(Math.min(brokers, 3)));
        properties.put(TransactionLogConfig.TRANSACTIONS_TOPIC_MIN_ISR_CONFIG, String.valueOf(Math.min(brokers, 2)));
        properties.putAll(brokerPropertyOverrides);
        return properties;
    }

    /** EmbeddedConnectCluster adds bootstrap servers and its defaults to this map, so it must be mutable. */
    private Map<String, String> workerProperties() {
        Map<String, String> properties = WorkerDefaults.properties();
        properties.putAll(workerPropertyOverrides);
        return properties;
    }

    private void stop() {
        RuntimeException failure = stopQuietly(null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops everything that started, in reverse order; returns the first failure with the others suppressed. */
    private RuntimeException stopQuietly(Throwable cause) {
        List<AutoCloseable> toStop = new ArrayList<>(startedServices);
        Collections.reverse(toStop);
        if (connect != null) {
            toStop.add(connect::stop);
        }
        if (registry != null) {
            toStop.add(registry);
        }
        RuntimeException failure = null;
        for (AutoCloseable closeable : toStop) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop the test stack cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null && cause != null) {
            cause.addSuppressed(failure);
        }
        startedServices.clear();
        connect = null;
        registry = null;
        startedPerTest = false;
        return failure;
    }

    /** The brokers' bootstrap servers. */
    public String bootstrapServers() {
        return running().kafka().bootstrapServers();
    }

    /**
     * The settings, besides the bootstrap servers, that the stack's own clients connect with (its security settings,
     * say); other clients of the brokers need them too.
     */
    public Map<String, String> clientSettings() {
        return clientProperties;
    }

    /**
     * The embedded Connect cluster itself: its REST helpers, worker handles and Kafka cluster. Prefer this class's
     * helpers where they cover what a test needs.
     */
    public EmbeddedConnectCluster connect() {
        return running();
    }

    /** The schema registry. */
    public ApicurioRegistryProcess registry() {
        if (registry == null) {
            throw new IllegalStateException("The test stack is not running");
        }
        return registry;
    }

    /** Confluent's Schema Registry API root, for {@code schema.registry.url}-style settings. */
    public String ccompatUrl() {
        return registry().ccompatUrl();
    }

    /** Reads values the way a Confluent Avro consumer does, against this stack's registry. */
    public ConfluentWireFormat confluentWireFormat() {
        return new ConfluentWireFormat(registry().ccompat());
    }

    /**
     * Connector properties that make a converter write Avro in Confluent's wire format against this stack's
     * registry, e.g. {@code avroConverterProperties("value.converter")}.
     */
    public Map<String, String> avroConverterProperties(String converterProperty) {
        return ApicurioAvroConverterConfig.properties(converterProperty, registry().registryApiUrl());
    }

    /** The same settings without prefix, to configure a converter directly. */
    public Map<String, String> avroConverterSettings() {
        return ApicurioAvroConverterConfig.settings(registry().registryApiUrl());
    }

    /** The service of a type added with {@link Builder#service}. */
    public <T extends StackService> T service(Class<T> type) {
        return services.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No " + type.getSimpleName() + " in this stack"));
    }

    public void createTopic(String topic, int partitions) {
        running().kafka().createTopic(topic, partitions);
    }

    public void produce(String topic, String key, String value) {
        running().kafka().produce(topic, key, value);
    }

    /** Produces one record with {@code headers} (UTF-8 values), as an orchestrator sending a traced request does. */
    public void produce(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((name, headerValue) -> record.headers().add(name,
                headerValue.getBytes(StandardCharsets.UTF_8)));
        try (KafkaProducer<byte[], byte[]> producer = running().kafka().createProducer(Map.of())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /**
     * Consumes at least {@code count} committed records (transactions aborted by exactly-once sources stay
     * invisible) from the beginning of the topics.
     *
     * @throws RuntimeException when fewer arrive within the timeout
     */
    public ConsumerRecords<byte[], byte[]> consume(int count, Duration timeout, String... topics) {
        return running().kafka().consume(count, timeout.toMillis(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), topics);
    }

    /** Waits until the connector and exactly {@code tasks} tasks are RUNNING. */
    public void awaitConnectorRunning(String connector, int tasks, Duration timeout) {
        Awaitility.await("connector " + connector + " and " + tasks + " task(s) RUNNING")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> isRunning(running().connectorStatus(connector), tasks));
    }

    public void restartTask(String connector, int task) {
        running().restartTask(connector, task);
    }

    /** The running workers. */
    public Set<WorkerHandle> workers() {
        return running().workers();
    }

    /** Stops a worker as a crash-free shutdown would; its tasks move to the others after the rebalance delay. */
    public void stopWorker(WorkerHandle worker) {
        running().removeWorker(worker);
    }

    /** Starts one more worker and waits until its REST API answers. */
    public WorkerHandle startWorker(Duration timeout) {
        WorkerHandle worker = running().addWorker();
        Awaitility.await("worker " + worker + " healthy")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> running().isHealthy(worker));
        return worker;
    }

    private static boolean isRunning(ConnectorStateInfo status, int tasks) {
        String running = AbstractStatus.State.RUNNING.toString();
        return running.equals(status.connector().state())
                && status.tasks().size() == tasks
                && status.tasks().stream().allMatch(task -> running.equals(task.state()));
    }

    private EmbeddedConnectCluster running() {
        if (connect == null) {
            throw new IllegalStateException("The test stack is not running");
        }
        return connect;
    }

    /** Chooses the stack's shape; every setting has a default that suits a single-worker test. */
    public static final class Builder {
        private int brokers = 1;
        private int workers = 1;
        private final Map<String, String> workerProperties = new HashMap<>();
        private final Map<String, String> brokerProperties = new HashMap<>();
        private final Map<String, String> clientProperties = new HashMap<>();
        private final List<StackService> services = new ArrayList<>();

        private Builder() {
        }

        public Builder brokers(int brokers) {
            this.brokers = brokers;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Overrides one of the workers' settings (or adds one). */
        public Builder workerProperty(String name, String value) {
            workerProperties.put(name, value);
            return this;
        }

        /** Overrides one of the brokers' settings (or adds one). */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(name, value);
            return this;
        }

        /**
         * Sets one of the settings the stack's own clients (topic creation, produce, consume, the cluster checks)
         * connect with, such as a security setting the brokers demand.
         */
        public Builder clientProperty(String name, String value) {
            clientProperties.put(name, value);
            return this;
        }

        /** Adds a service to start with the stack, e.g. the DataZone simulator. */
        public Builder service(StackService service) {
            services.add(service);
            return this;
        }

        public KafkaConnectStack build() {
            if (brokers < 1 || workers < 0) {
                throw new IllegalArgumentException("Need at least one broker and no negative worker count");
            }
            return new KafkaConnectStack(this);
        }
    }
}
