package io.kcdatazone.demo;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.kcdatazone.testkit.ChildJvm;

/**
 * One KRaft Kafka node (broker and controller) in a child JVM on Kafka's own jars, set up the way a production install
 * is: {@code kafka-storage format}, then {@code kafka-server-start}.
 */
final class KafkaBroker implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true");

    private final ChildJvm process;
    private final int port;
    private final String bootstrapServers;

    private KafkaBroker(ChildJvm process, int port) {
        this.process = process;
        this.port = port;
        this.bootstrapServers = Ports.HOST + ":" + port;
    }

    static KafkaBroker start(DemoLayout layout, String classpath, int port) throws IOException, InterruptedException {
        // A new cluster each time: a fresh cluster id, no topics or connectors from an earlier demo.
        Path dir = layout.freshDir("kafka");
        Path config = dir.resolve("server.properties");
        writeConfig(config, dir.resolve("data"), port, Ports.free());
        List<String> jvmOptions = layout.logOptions(JVM_OPTIONS, dir.resolve("kafka.log"));
        ChildJvm.run("kafka-storage format", classpath, jvmOptions, "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                dir.resolve("format.out"), Duration.ofSeconds(60));
        ChildJvm process = ChildJvm.start("Kafka broker", classpath, jvmOptions, "kafka.Kafka",
                List.of(config.toString()), dir.resolve("broker.out"));
        KafkaBroker broker = new KafkaBroker(process, port);
        try {
            broker.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private static void writeConfig(Path file, Path dataDir, int port, int controllerPort) throws IOException {
        Properties config = new Properties();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + Ports.HOST + ":" + controllerPort);
        config.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + port + ",CONTROLLER://" + Ports.HOST + ":"
                + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        // One node: every internal topic with one replica.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        try (Writer out = Files.newBufferedWriter(file)) {
            config.store(out, "Single-node KRaft cluster for the kafka-connect-datazone demo");
        }
    }

    private void awaitReady(Duration timeout) {
        String what = "Kafka at " + bootstrapServers + " (log: " + process.logFile() + ")";
        // Listening first: an admin client started earlier would fill the log with connection warnings.
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(this::listening);
        try (Admin admin = Admin.create(adminConfig())) {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> answers(admin));
        }
    }

    private boolean answers(Admin admin) throws InterruptedException {
        process.checkAlive();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(3, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException notYet) {
            return false;
        }
    }

    private boolean listening() {
        process.checkAlive();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Ports.HOST, port), 1_000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Map<String, Object> adminConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    }

    @Override
    public void close() {
        process.close();
    }
}
