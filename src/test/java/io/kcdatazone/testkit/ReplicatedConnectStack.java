package io.kcdatazone.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JUnit 5 extension (on a static field) for a production-shaped stack: a {@link ChildKafkaCluster} of three KRaft
 * nodes in child JVMs, where every topic has three replicas and {@code min.insync.replicas=2}, Connect workers in this
 * JVM against it, and the schema registry. Where {@link KafkaConnectStack} runs {@code EmbeddedConnectCluster}, whose
 * Kafka has a single controller and lives in the test JVM, this one can kill a broker or the active controller for
 * real.
 *
 * <p>Workers belong to the Connect cluster {@link #clusterName()}; {@link ChildConnectWorker#join} with
 * {@link #childWorkerOverrides()} adds one in a child JVM. {@link #rest()} talks to the workers in this JVM.
 */
public final class ReplicatedConnectStack implements BeforeAllCallback, AfterAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedConnectStack.class);
    private static final Duration REGISTRY_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration WORKER_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final int nodes;
    private final int workers;
    private final Map<String, String> brokerProperties;
    private final Path dir;
    private final List<WorkerHandle> runningWorkers = new CopyOnWriteArrayList<>();
    private final AtomicInteger workersStarted = new AtomicInteger();
    private final ConnectRest rest = new ConnectRest(this::workerUrls);
    private String clusterName;
    private ChildKafkaCluster kafka;
    private ApicurioRegistryProcess registry;

    private ReplicatedConnectStack(Builder builder) {
        this.nodes = builder.nodes;
        this.workers = builder.workers;
        this.brokerProperties = Map.copyOf(builder.brokerProperties);
        this.dir = builder.dir;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        long startNanos = System.nanoTime();
        clusterName = context.getRequiredTestClass().getSimpleName();
        // A worker that cannot go on calls Exit: that must fail the test, not end the test JVM.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("A Connect worker in the test JVM exited (" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new IllegalStateException("A Connect worker in the test JVM halted (" + code + "): " + message);
        });
        try {
            Path registryHome = ApicurioRegistryProcess.homeFromSystemProperty();
            registry = ApicurioRegistryProcess.launch(registryHome, registryHome.resolveSibling("apicurio-work"));
            kafka = ChildKafkaCluster.start(nodes, dir, brokerProperties);
            for (int i = 0; i < workers; i++) {
                addWorker();
            }
            registry.awaitReady(REGISTRY_STARTUP_TIMEOUT);
        } catch (Exception | Error e) {
            afterAll(context);
            throw e;
        }
        LOG.info("Stack {} ({} Kafka nodes, {} worker(s), registry) started in {} ms", clusterName, nodes, workers,
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        runningWorkers.forEach(this::stopQuietly);
        runningWorkers.clear();
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
    }

    private void stopQuietly(WorkerHandle worker) {
        try {
            worker.stop();
        } catch (RuntimeException e) {
            LOG.warn("Worker {} did not stop cleanly", worker, e);
        }
    }

    /** Starts one more worker in this JVM and waits until its REST API answers. */
    public WorkerHandle addWorker() {
        Map<String, String> properties = WorkerDefaults.properties();
        properties.putAll(childWorkerOverrides());
        properties.put("listeners", "http://localhost:0");
        WorkerHandle worker = WorkerHandle.start(clusterName + "-worker-" + workersStarted.getAndIncrement(),
                properties);
        runningWorkers.add(worker);
        ConnectRest own = new ConnectRest(() -> List.of(worker.url()));
        Awaitility.await("worker " + worker + " serving").atMost(WORKER_STARTUP_TIMEOUT)
                .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> own.connectors() != null);
        return worker;
    }

    /** Stops a worker of this JVM the polite way: it leaves the group, its tasks move to the others. */
    public void removeWorker(WorkerHandle worker) {
        runningWorkers.remove(worker);
        worker.stop();
    }

    /**
     * What a {@link ChildConnectWorker} needs besides the defaults to join this cluster: its bootstrap servers and
     * three replicas for the internal topics.
     */
    public Map<String, String> childWorkerOverrides() {
        Map<String, String> overrides = new HashMap<>(WorkerDefaults.cluster(clusterName,
                ChildKafkaCluster.REPLICATION_FACTOR));
        overrides.put(WorkerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
        return overrides;
    }

    /** The Connect cluster's name, from which the group id and internal topic names follow. */
    public String clusterName() {
        return clusterName;
    }

    /** Connect's offsets topic. */
    public String offsetsTopic() {
        return WorkerDefaults.cluster(clusterName, 1).get(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG);
    }

    /** Connect's config topic (written in transactions by the leader, as exactly-once source support has it). */
    public String configTopic() {
        return WorkerDefaults.cluster(clusterName, 1).get(DistributedConfig.CONFIG_TOPIC_CONFIG);
    }

    /** Connect's status topic: every state each connector and task went through, with a failed one's trace. */
    public String statusTopic() {
        return WorkerDefaults.cluster(clusterName, 1).get(DistributedConfig.STATUS_STORAGE_TOPIC_CONFIG);
    }

    /** The workers' group id, which begins the transactional id of each exactly-once source task. */
    public String groupId() {
        return WorkerDefaults.cluster(clusterName, 1).get(DistributedConfig.GROUP_ID_CONFIG);
    }

    public ChildKafkaCluster kafka() {
        if (kafka == null) {
            throw new IllegalStateException("The test stack is not running");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public ConnectRest rest() {
        return rest;
    }

    /** The workers running in this JVM. */
    public List<WorkerHandle> workers() {
        return List.copyOf(runningWorkers);
    }

    private List<URI> workerUrls() {
        List<URI> urls = new ArrayList<>();
        runningWorkers.forEach(worker -> urls.add(worker.url()));
        return urls;
    }

    /** Reads values the way a Confluent Avro consumer does, against this stack's registry. */
    public ConfluentWireFormat confluentWireFormat() {
        return new ConfluentWireFormat(registry.ccompat());
    }

    /** Connector properties that make a converter write Avro in Confluent's wire format against the registry. */
    public Map<String, String> avroConverterProperties(String converterProperty) {
        return ApicurioAvroConverterConfig.properties(converterProperty, registry.registryApiUrl());
    }

    /** Chooses the stack's shape. */
    public static final class Builder {
        private int nodes = ChildKafkaCluster.REPLICATION_FACTOR;
        private int workers = 2;
        private final Map<String, String> brokerProperties = new HashMap<>();
        private Path dir = Path.of("target", "replicated-stack");

        private Builder() {
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** Overrides one of the brokers' settings (or adds one). */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(name, value);
            return this;
        }

        /** Where the Kafka nodes keep their data and logs (emptied at the start). */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        public ReplicatedConnectStack build() {
            return new ReplicatedConnectStack(this);
        }
    }
}
