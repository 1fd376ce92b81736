package io.kcdatazone.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A production-shaped KRaft cluster: {@code n} nodes, each broker and controller, each a child JVM set up as a
 * production install is ({@code kafka-storage format}, then {@code kafka.Kafka server.properties}), so a test can
 * kill one the way a machine dies ({@code SIGKILL}: no controlled shutdown, no clean log close, log recovery on the
 * way back), or stop it the way a production roll does ({@code SIGTERM}: controlled shutdown). Internal topics have
 * three replicas and {@code min.insync.replicas=2}, as {@link #DEFAULT_MIN_ISR} says,
 * and so has every topic created without explicit settings.
 *
 * <p>Besides the usual client listener, each node has a second one that clients reach only through a {@link TcpProxy}
 * ({@link #proxiedBootstrapServers()}, advertised at the proxies' ports): {@link #cutProxiedClients()} partitions
 * those clients from the whole cluster while everyone else goes on.
 *
 * <p>Node operations ({@link #kill}, {@link #stop}, {@link #restart}, the rolling restart) take turns and each waits
 * for its effect on the cluster, not only on the process: a node is down once the cluster has fenced it, and back once
 * its new incarnation has started and rejoined every ISR. So never two nodes are down at once, and the quorum and
 * {@code min.insync.replicas} hold through each.
 */
public final class ChildKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildKafkaCluster.class);

    /** Replicas of every topic, Connect's and the transaction log included. */
    public static final int REPLICATION_FACTOR = 3;
    public static final int DEFAULT_MIN_ISR = 2;
    private static final String HOST = "127.0.0.1";
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(3);
    /** What Kafka logs once a node serves (the broker registered and unfenced), and once it shut down cleanly. */
    private static final String STARTED = "Kafka Server started";
    private static final String SHUTDOWN_COMPLETED = "shut down completed";

    private final Path dir;
    private final Map<String, String> overrides;
    private final List<NodeSlot> nodes = new ArrayList<>();
    private final String clusterId = Uuid.randomUuid().toString();

    /** One node's fixed ports, directory and current process. */
    private static final class NodeSlot {
        final int id;
        final int clientPort;
        final int controllerPort;
        final int proxiedPort;
        final TcpProxy proxy;
        final Path dir;
        ChildJvm process;
        int incarnation;

        NodeSlot(int id, Path dir) {
            this.id = id;
            this.dir = dir;
            this.clientPort = FreePorts.any();
            this.controllerPort = FreePorts.any();
            this.proxiedPort = FreePorts.any();
            this.proxy = TcpProxy.start(0, proxiedPort);
        }
    }

    private ChildKafkaCluster(Path dir, Map<String, String> overrides) {
        this.dir = dir;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Formats and starts {@code nodeCount} nodes under {@code dir} (emptied first) and waits until every one serves.
     *
     * @param overrides broker settings added to (or replacing) the defaults
     */
    public static ChildKafkaCluster start(int nodeCount, Path dir, Map<String, String> overrides) {
        ChildKafkaCluster cluster = new ChildKafkaCluster(dir, overrides);
        try {
            cluster.startAll(nodeCount);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(int nodeCount) {
        try {
            Utils.delete(dir.toFile());
            for (int id = 0; id < nodeCount; id++) {
                nodes.add(new NodeSlot(id, dir.resolve("node-" + id)));
            }
            // Every node's configuration names all the voters: only now are their ports known.
            for (NodeSlot node : nodes) {
                Files.createDirectories(node.dir);
                writeConfig(node);
                format(node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot set up the Kafka nodes under " + dir, e);
        }
        nodes.forEach(this::launch);
        nodes.forEach(ChildKafkaCluster::awaitStarted);
        try (Admin admin = admin()) {
            for (NodeSlot node : nodes) {
                awaitServing(admin, node);
            }
        }
        LOG.info("Kafka cluster {} of {} nodes serves at {}", clusterId, nodeCount, bootstrapServers());
    }

    private void writeConfig(NodeSlot node) throws IOException {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(node.id));
        config.put("controller.quorum.voters", nodes.stream().map(n -> n.id + "@" + HOST + ":" + n.controllerPort)
                .collect(Collectors.joining(",")));
        config.put("listeners", "PLAINTEXT://" + HOST + ":" + node.clientPort + ",CONTROLLER://" + HOST + ":"
                + node.controllerPort + ",PROXIED://" + HOST + ":" + node.proxiedPort);
        config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + node.clientPort + ",PROXIED://" + HOST + ":"
                + node.proxy.port());
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:PLAINTEXT");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", node.dir.resolve("data").toAbsolutePath().toString());
        config.put("num.partitions", "1");
        config.put("default.replication.factor", String.valueOf(REPLICATION_FACTOR));
        config.put("min.insync.replicas", String.valueOf(DEFAULT_MIN_ISR));
        config.put("offsets.topic.replication.factor", String.valueOf(REPLICATION_FACTOR));
        config.put("transaction.state.log.replication.factor", String.valueOf(REPLICATION_FACTOR));
        config.put("transaction.state.log.min.isr", String.valueOf(DEFAULT_MIN_ISR));
        config.put("share.coordinator.state.topic.replication.factor", String.valueOf(REPLICATION_FACTOR));
        config.put("share.coordinator.state.topic.min.isr", String.valueOf(DEFAULT_MIN_ISR));
        config.put("group.initial.rebalance.delay.ms", "0");
        // Small segments and indexes: three brokers share a small test machine.
        config.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        config.putAll(overrides);
        try (Writer out = Files.newBufferedWriter(configFile(node))) {
            config.store(out, "KRaft node " + node.id + " of a test cluster");
        }
    }

    /** {@code kafka-storage format}, in this JVM: the same code path without a JVM start per node. */
    private void format(NodeSlot node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode = kafka.tools.StorageTool.execute(new String[] {"format", "-t", clusterId, "-c",
                configFile(node).toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (exitCode != 0) {
            throw new IllegalStateException("kafka-storage format of node " + node.id + " failed (" + exitCode + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void launch(NodeSlot node) {
        node.incarnation++;
        // A directory per incarnation: the log of a killed node stays for the post-mortem.
        Path runDir = node.dir.resolve("run-" + node.incarnation);
        try {
            node.process = ChildJvm.onTestClasspath("Kafka node " + node.id, "kafka.Kafka",
                    List.of(configFile(node).toAbsolutePath().toString()), Map.of(), runDir, "kafka.out");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start Kafka node " + node.id, e);
        }
    }

    private static Path configFile(NodeSlot node) {
        return node.dir.resolve("server.properties");
    }

    /** The client listeners of every node. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.clientPort).collect(Collectors.joining(","));
    }

    /** The proxied listeners of every node, through the proxies {@link #cutProxiedClients()} cuts. */
    public String proxiedBootstrapServers() {
        return nodes.stream().map(n -> HOST + ":" + n.proxy.port()).collect(Collectors.joining(","));
    }

    /** Node ids, ascending. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    /** The log directory of a node's current incarnation (earlier ones sit next to it). */
    public Path logDir(int nodeId) {
        NodeSlot node = node(nodeId);
        return node.dir.resolve("run-" + node.incarnation);
    }

    /** Clients on the proxied listeners lose every connection and make none until {@link #restoreProxiedClients()}. */
    public void cutProxiedClients() {
        nodes.forEach(n -> n.proxy.cut());
    }

    public void restoreProxiedClients() {
        nodes.forEach(n -> n.proxy.restore());
    }

    /**
     * {@code SIGKILL} of a node, broker and controller alike; returns once the cluster has fenced it: it is gone from
     * the live brokers and from every ISR. Until then the dead node's registration holds (for
     * {@code broker.session.timeout.ms}), and a node started on its id would be refused as a duplicate.
     */
    public synchronized void kill(int nodeId) {
        NodeSlot node = node(nodeId);
        LOG.info("SIGKILL of Kafka node {} (pid {})", nodeId, node.process.pid());
        node.process.kill();
        awaitFenced(nodeId);
    }

    /**
     * Stops a node the way a production roll does: {@code SIGTERM}, so the broker shuts down in a controlled way
     * (it hands its leaderships over first) and closes its logs; waits until the process has exited and the cluster
     * has fenced the node.
     */
    public synchronized void stop(int nodeId) {
        NodeSlot node = node(nodeId);
        LOG.info("Controlled shutdown of Kafka node {} (pid {})", nodeId, node.process.pid());
        int exitCode = node.process.stop(NODE_TIMEOUT);
        boolean clean = logOf(node).contains(SHUTDOWN_COMPLETED);
        LOG.info("Kafka node {} exited with code {}{}", nodeId, exitCode, clean ? " after a clean shutdown" : "");
        if (!clean) {
            throw new IllegalStateException("Kafka node " + nodeId + " exited (" + exitCode + ") without '"
                    + SHUTDOWN_COMPLETED + "' in its log under " + node.process.logFile().getParent());
        }
        awaitFenced(nodeId);
    }

    /**
     * Starts a node that was killed or stopped again, on its ports and data, and waits until this incarnation has
     * started (its own log says so: the broker has registered and been unfenced) and the node is back in the ISR of
     * every partition it holds a replica of.
     */
    public synchronized void restart(int nodeId) {
        NodeSlot node = node(nodeId);
        if (node.process.isAlive()) {
            throw new IllegalStateException("Kafka node " + nodeId + " is running");
        }
        launch(node);
        awaitStarted(node);
        try (Admin admin = admin()) {
            awaitServing(admin, node);
            awaitInSync(admin, nodeId);
        }
        LOG.info("Kafka node {} (incarnation {}) is back and in sync", nodeId, node.incarnation);
    }

    /** A production roll: each node in turn, in id order, stopped cleanly, restarted, and back in every ISR. */
    public synchronized void rollingRestart() {
        for (NodeSlot node : nodes) {
            stop(node.id);
            restart(node.id);
        }
    }

    /** The node the KRaft quorum follows now. */
    public int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe the metadata quorum", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The partitions of {@code topic}. */
    public List<TopicPartition> partitions(String topic) {
        return describe(List.of(topic)).get(topic).partitions().stream()
                .map(partition -> new TopicPartition(topic, partition.partition())).toList();
    }

    /** How many of {@code partitions} each node leads now. */
    public Map<Integer, Long> leadership(Collection<TopicPartition> partitions) {
        Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet());
        Map<Integer, Long> leadership = new TreeMap<>();
        describe(topics).values().forEach(topic -> topic.partitions().forEach(partition -> {
            Node leader = partition.leader();
            if (partitions.contains(new TopicPartition(topic.name(), partition.partition())) && leader != null
                    && !leader.isEmpty()) {
                leadership.merge(leader.id(), 1L, Long::sum);
            }
        }));
        return leadership;
    }

    private Map<String, TopicDescription> describe(Collection<String> topics) {
        try (Admin admin = admin()) {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot describe " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An admin client on the client listeners; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /**
     * Waits until this incarnation's own log says the server started, which Kafka logs once the broker is registered
     * and unfenced: the port answering, or the node listed by an earlier incarnation's registration, proves neither.
     */
    private static void awaitStarted(NodeSlot node) {
        Awaitility.await("Kafka node " + node.id + " incarnation " + node.incarnation + " started (log: "
                        + node.process.logFile().resolveSibling("target") + ")")
                .atMost(NODE_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    node.process.checkAlive();
                    return logOf(node).contains(STARTED);
                });
    }

    /**
     * The current incarnation's server log: the test logging configuration writes it under the child's working
     * directory ({@code kafka.out} only gets the console's warnings).
     */
    private static String logOf(NodeSlot node) {
        Path log = node.dir.resolve("run-" + node.incarnation).resolve(Path.of("target", "test-logs", "tests.log"));
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the cluster no longer lists {@code nodeId} among its brokers nor in any ISR. */
    private void awaitFenced(int nodeId) {
        try (Admin admin = admin()) {
            Awaitility.await("Kafka node " + nodeId + " fenced").atMost(NODE_TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .noneMatch(n -> n.id() == nodeId) && inIsrOf(admin, nodeId).isEmpty());
        }
    }

    private void awaitServing(Admin admin, NodeSlot node) {
        Awaitility.await("Kafka node " + node.id + " serving (log: " + node.process.logFile() + ")")
                .atMost(NODE_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    node.process.checkAlive();
                    return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .anyMatch(n -> n.id() == node.id);
                });
    }

    /** Waits until {@code nodeId} is in the ISR of every partition that has a replica on it. */
    private static void awaitInSync(Admin admin, int nodeId) {
        Awaitility.await("Kafka node " + nodeId + " back in every ISR").atMost(NODE_TIMEOUT)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> partitions(admin, nodeId, (replica, inSync) -> replica && !inSync).isEmpty());
    }

    /** The partitions whose ISR holds {@code nodeId}. */
    private static List<String> inIsrOf(Admin admin, int nodeId) throws Exception {
        return partitions(admin, nodeId, (replica, inSync) -> inSync);
    }

    /**
     * The partitions (topic-partition) of every topic, internal ones included, that pass {@code test}: whether
     * {@code nodeId} is one of its replicas, and whether it is in its ISR.
     */
    private static List<String> partitions(Admin admin, int nodeId, BiPredicate<Boolean, Boolean> test)
            throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(10, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        List<String> matching = new ArrayList<>();
        described.forEach((topic, description) -> description.partitions().forEach(partition -> {
            boolean replica = partition.replicas().stream().anyMatch(n -> n.id() == nodeId);
            boolean inSync = partition.isr().stream().anyMatch(n -> n.id() == nodeId);
            if (test.test(replica, inSync)) {
                matching.add(topic + "-" + partition.partition());
            }
        }));
        return matching;
    }

    private NodeSlot node(int nodeId) {
        return nodes.stream().filter(n -> n.id == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No Kafka node " + nodeId + " in " + nodeIds()));
    }

    /** Kills every node and closes the proxies: the cluster is thrown away, and a clean shutdown only takes time. */
    @Override
    public void close() {
        for (NodeSlot node : nodes) {
            if (node.process != null && node.process.isAlive()) {
                node.process.kill();
            }
            node.proxy.close();
        }
    }
}
