package io.kcdatazone.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.testkit.ApicurioRegistryProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Everything the demo runs, on loopback: Apicurio Registry, a KRaft broker and a distributed Connect worker (both in
 * child JVMs on the Kafka jars given), the DataZone simulator unless another endpoint is given, and the plugin
 * unpacked from its ZIP into the worker's {@code plugin.path}. The connectors come from the files in {@code config/}
 * with only the addresses changed.
 */
final class DemoStack implements AutoCloseable {

    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CONNECTOR_TIMEOUT = Duration.ofSeconds(60);

    /** The topics of the example configuration. */
    record Topics(String request, String output, String ledger, String dlq) {
    }

    private final DemoLayout layout;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final JsonNode sink;
    private final JsonNode source;
    private final Topics topics;
    private ApicurioRegistryProcess registry;
    private KafkaBroker kafka;
    private DataZoneSimulator simulator;
    private URI datazone;
    private ConnectWorker connect;

    private DemoStack(DemoLayout layout) throws IOException {
        this.layout = layout;
        ObjectMapper json = new ObjectMapper();
        this.sink = json.readTree(layout.configDir().resolve("datazone-sink.json").toFile());
        this.source = json.readTree(layout.configDir().resolve("datazone-source.json").toFile());
        this.topics = new Topics(sink.path("config").path("topics").asText(),
                source.path("config").path("output.topic").asText(), sink.path("config").path("ledger.topic").asText(),
                sink.path("config").path("errors.deadletterqueue.topic.name").asText());
    }

    /**
     * Starts the stack; on failure stops what already started.
     *
     * @param kafkaClasspath the Kafka distribution jars for the broker and the worker
     * @param datazoneEndpoint a DataZone endpoint to use, or null to start the simulator
     * @param exporter the Prometheus JMX exporter to run in the Connect worker, or null for none
     * @param progress where the progress lines go
     */
    static DemoStack start(DemoLayout layout, String kafkaClasspath, StackPorts ports, URI datazoneEndpoint,
            JmxExporter exporter, PrintStream progress) throws Exception {
        DemoStack stack = new DemoStack(layout);
        try {
            stack.startAll(kafkaClasspath, ports, datazoneEndpoint, exporter, progress);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(String kafkaClasspath, StackPorts ports, URI datazoneEndpoint, JmxExporter exporter,
            PrintStream progress) throws Exception {
        Files.createDirectories(layout.workDir());
        unpackPlugin();
        progress.println("starting 1/4: schema registry (Apicurio) ...");
        registry = keep(ApicurioRegistryProcess.launch(ApicurioRegistryProcess.homeFromSystemProperty(),
                layout.workDir()));
        progress.println("starting 2/4: Kafka broker (KRaft) ...");
        kafka = keep(KafkaBroker.start(layout, kafkaClasspath, ports.kafka()));
        registry.awaitReady(REGISTRY_TIMEOUT);
        progress.println("starting 3/4: DataZone ...");
        if (datazoneEndpoint == null) {
            simulator = keep(DataZoneSimulator.start(SimulatorOptions.builder().port(ports.datazone()).build()));
            datazone = simulator.endpoint();
        } else {
            datazone = datazoneEndpoint;
        }
        progress.println("starting 4/4: Connect worker (plugin from " + layout.pluginZip().getFileName() + ") ...");
        connect = keep(ConnectWorker.start(layout, kafkaClasspath,
                layout.configDir().resolve("connect-distributed-apicurio.properties"),
                Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "value.converter.apicurio.registry.url", registry.registryApiUrl()),
                ports.connect(), exporter));
        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(topics.request(), 3, (short) 1),
                    new NewTopic(topics.output(), 3, (short) 1), new NewTopic(topics.dlq(), 1, (short) 1))).all()
                    .get();
        }
    }

    /**
     * Creates both connectors from {@code config/datazone-sink.json} and {@code config/datazone-source.json} and waits
     * until they run.
     *
     * @param sinkSettings settings to change in the sink's file besides the addresses
     * @return every setting changed, for the user to see
     */
    Map<String, String> createConnectors(Map<String, String> sinkSettings) throws IOException {
        Map<String, String> connection = new LinkedHashMap<>();
        connection.put("ledger.bootstrap.servers", kafka.bootstrapServers());
        connection.put("datazone.endpoint.override", datazone.toString());
        if (simulator != null) {
            // The simulator checks no signature, but the SDK signs every call: any static keys do.
            connection.put("aws.access.key.id", "demo");
            connection.put("aws.secret.access.key", "demo");
        }
        Map<String, String> sinkOverrides = new LinkedHashMap<>(connection);
        sinkOverrides.putAll(sinkSettings);
        Map<String, String> sourceOverrides = new LinkedHashMap<>(connection);
        // Poll often: the simulator's runs take seconds, not the minutes of a real harvest.
        sourceOverrides.put("status.poll.interval.ms", "1000");
        sourceOverrides.put("status.poll.interval.max.ms", "2000");
        connect.createConnector(sink, sinkOverrides);
        connect.createConnector(source, sourceOverrides);
        connect.awaitRunning(sink.path("name").asText(), CONNECTOR_TIMEOUT);
        connect.awaitRunning(source.path("name").asText(), CONNECTOR_TIMEOUT);
        Map<String, String> changed = new LinkedHashMap<>(sinkOverrides);
        changed.putAll(sourceOverrides);
        return changed;
    }

    String sinkName() {
        return sink.path("name").asText();
    }

    String sourceName() {
        return source.path("name").asText();
    }

    String connectorNames() {
        return sink.path("name").asText() + " and " + source.path("name").asText();
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    ConnectWorker connect() {
        return connect;
    }

    ApicurioRegistryProcess registry() {
        return registry;
    }

    URI datazone() {
        return datazone;
    }

    Optional<DataZoneSimulator> simulator() {
        return Optional.ofNullable(simulator);
    }

    Topics topics() {
        return topics;
    }

    /** Unpacks the Confluent Hub ZIP into plugin.path, replacing an earlier copy. */
    private void unpackPlugin() throws IOException {
        Path zip = layout.pluginZip();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: mvn package builds it");
        }
        Path pluginPath = Files.createDirectories(layout.pluginPath());
        try (Stream<Path> earlier = Files.list(pluginPath)) {
            for (Path dir : earlier.filter(p -> p.getFileName().toString().startsWith("kcdatazone-")).toList()) {
                DemoLayout.deleteRecursively(dir);
            }
        }
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path target = pluginPath.resolve(entry.getName()).normalize();
                if (!target.startsWith(pluginPath)) {
                    throw new IllegalStateException("ZIP entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        synchronized (started) {
            started.push(resource);
        }
        return resource;
    }

    /** Stops what started, newest first; safe to call twice (normal end, then a shutdown hook). */
    @Override
    public void close() {
        synchronized (started) {
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    System.err.println("demo: could not stop cleanly: " + e);
                }
            }
        }
    }
}
