package io.kcdatazone.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.testkit.ApicurioRegistryProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The one-command demo (README, Quick start): a KRaft broker, Apicurio Registry, the DataZone simulator and a
 * distributed Connect worker that loads the plugin from the built ZIP, all on loopback; both connectors made from the
 * files in {@code config/}; a scenario of requests; each event printed as it arrives; a summary. Exits 0 only when
 * every expected event came.
 */
public final class Demo {

    private static final int KAFKA_PORT = 9092;
    private static final int CONNECT_PORT = 8083;
    private static final int DATAZONE_PORT = 8090;
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CONNECTOR_TIMEOUT = Duration.ofSeconds(60);

    private final DemoOptions options;
    private final DemoLayout layout;
    private final PrintStream out = System.out;
    private final ObjectMapper json = new ObjectMapper();
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** Null when the demo calls another DataZone endpoint. */
    private DataZoneSimulator simulator;

    private Demo(DemoOptions options, DemoLayout layout) {
        this.options = options;
        this.layout = layout;
    }

    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        Demo demo = new Demo(options, DemoLayout.fromSystemProperties());
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stopAll, "demo-shutdown"));
        int status;
        try {
            status = demo.run();
        } catch (Exception e) {
            System.err.println("demo FAILED: " + e.getMessage());
            System.err.println("logs: " + demo.layout.workDir());
            status = 1;
        }
        demo.stopAll();
        System.exit(status);
    }

    private int run() throws Exception {
        Ports.requireFree(KAFKA_PORT, "Kafka");
        Ports.requireFree(CONNECT_PORT, "Connect REST API");
        if (options.datazoneEndpoint == null) {
            Ports.requireFree(DATAZONE_PORT, "DataZone simulator");
        }
        Files.createDirectories(layout.workDir());
        unpackPlugin();

        progress("starting 1/4: schema registry (Apicurio)");
        Path registryHome = ApicurioRegistryProcess.homeFromSystemProperty();
        ApicurioRegistryProcess registry = keep(ApicurioRegistryProcess.launch(registryHome, layout.workDir()));
        progress("starting 2/4: Kafka broker (KRaft)");
        KafkaBroker kafka = keep(KafkaBroker.start(layout, KAFKA_PORT));
        registry.awaitReady(Duration.ofSeconds(90));
        progress("starting 3/4: DataZone");
        URI datazone = startDataZone();
        progress("starting 4/4: Connect worker (plugin from " + layout.pluginZip().getFileName() + ")");
        ConnectWorker connect = keep(ConnectWorker.start(layout,
                layout.configDir().resolve("connect-distributed-apicurio.properties"),
                Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "value.converter.apicurio.registry.url", registry.registryApiUrl()),
                CONNECT_PORT));
        out.println();

        JsonNode sink = readJson("datazone-sink.json");
        JsonNode source = readJson("datazone-source.json");
        String requestTopic = sink.path("config").path("topics").asText();
        String outputTopic = source.path("config").path("output.topic").asText();
        String ledgerTopic = sink.path("config").path("ledger.topic").asText();
        String dlqTopic = sink.path("config").path("errors.deadletterqueue.topic.name").asText();
        out.println("kafka: " + kafka.bootstrapServers());
        out.println("connect: " + connect.url());
        out.println("registry: " + registry.ccompatUrl());
        out.println("datazone: " + datazone);
        out.printf("topics: request=%s output=%s ledger=%s dlq=%s%n", requestTopic, outputTopic, ledgerTopic,
                dlqTopic);
        connect.connectorPlugins().stream().filter(plugin -> plugin.startsWith("io.kcdatazone."))
                .forEach(plugin -> out.println("plugin: " + plugin));

        try (Admin admin = Admin.create(kafka.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(requestTopic, 3, (short) 1), new NewTopic(outputTopic, 3,
                    (short) 1), new NewTopic(dlqTopic, 1, (short) 1))).all().get();
        }
        Map<String, String> connection = connectionOverrides(kafka, datazone);
        connect.createConnector(sink, connection);
        Map<String, String> sourceOverrides = new LinkedHashMap<>(connection);
        // Poll often: the simulator's runs take seconds, not the minutes of a real harvest.
        sourceOverrides.put("status.poll.interval.ms", "1000");
        sourceOverrides.put("status.poll.interval.max.ms", "2000");
        connect.createConnector(source, sourceOverrides);
        connect.awaitRunning(sink.path("name").asText(), CONNECTOR_TIMEOUT);
        connect.awaitRunning(source.path("name").asText(), CONNECTOR_TIMEOUT);
        out.println("connectors: " + sink.path("name").asText() + " and " + source.path("name").asText()
                + " RUNNING (from config/datazone-sink.json and config/datazone-source.json; changed: "
                + String.join(", ", sourceOverrides.keySet()) + ")");
        out.println();

        try (EventFeed feed = new EventFeed(kafka.bootstrapServers(), registry.ccompatUrl(), outputTopic, dlqTopic,
                out)) {
            int status = 0;
            if (options.scenario) {
                status = runScenario(kafka, requestTopic, feed);
            }
            if (options.keepRunning) {
                out.printf("running until Ctrl-C; send requests as KEY<TAB>JSON lines, e.g.%n"
                        + "  printf 'my-key\\t{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":"
                        + "\"sales_glue\"}\\n' | kafka-console-producer.sh --bootstrap-server %s --topic %s"
                        + " --property parse.key=true%n", kafka.bootstrapServers(), requestTopic);
                while (!Thread.currentThread().isInterrupted()) {
                    feed.poll(Duration.ofSeconds(1));
                }
            }
            return status;
        }
    }

    private int runScenario(KafkaBroker kafka, String requestTopic, EventFeed feed) throws Exception {
        Scenario scenario = new Scenario();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (Scenario.Request request : scenario.requests()) {
                producer.send(new ProducerRecord<>(requestTopic, request.key(), request.value())).get();
                out.printf("request %-18s %s%n", request.key(), request.value());
            }
        }
        out.println();
        long deadline = System.nanoTime() + SCENARIO_TIMEOUT.toNanos();
        List<String> missing = scenario.missing(feed.events(), feed.dlqEntries());
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            feed.poll(Duration.ofMillis(500));
            missing = scenario.missing(feed.events(), feed.dlqEntries());
        }
        missing = new ArrayList<>(missing);
        out.println();
        out.println("summary: requests=" + scenario.requests().size() + " runs-started=" + feed.runsStarted()
                + " events=" + feed.eventsByType() + " dlq=" + feed.dlqEntries());
        if (simulator != null) {
            missing.addAll(checkDataZoneSide());
        }
        if (!missing.isEmpty()) {
            out.println("demo FAILED: missing after " + SCENARIO_TIMEOUT.toSeconds() + " s:");
            missing.forEach(item -> out.println("  - " + item));
            out.println("logs: " + layout.workDir());
            return 1;
        }
        out.println("demo OK: every expected event arrived");
        return 0;
    }

    /** What the simulator saw: the calls, and that the repeated key started one run only. */
    private List<String> checkDataZoneSide() {
        Map<String, Long> answers = new TreeMap<>();
        for (RecordedCall call : simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN)) {
            answers.merge(call.errorType().orElse(String.valueOf(call.httpStatus())), 1L, Long::sum);
        }
        int runsOfRepeatedKey = simulator.introspection().runsForClientToken(Scenario.REPEATED_KEY).size();
        out.println("datazone: StartDataSourceRun answers=" + answers + " runs="
                + simulator.introspection().runs().size() + " runs-for-" + Scenario.REPEATED_KEY + "="
                + runsOfRepeatedKey);
        return runsOfRepeatedKey == 1 ? List.of()
                : List.of("one DataZone run for the repeated key " + Scenario.REPEATED_KEY + ", found "
                        + runsOfRepeatedKey);
    }

    private URI startDataZone() {
        if (options.datazoneEndpoint != null) {
            return options.datazoneEndpoint;
        }
        simulator = keep(DataZoneSimulator.start(SimulatorOptions.builder().port(DATAZONE_PORT).build()));
        return simulator.endpoint();
    }

    private Map<String, String> connectionOverrides(KafkaBroker kafka, URI datazone) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("ledger.bootstrap.servers", kafka.bootstrapServers());
        overrides.put("datazone.endpoint.override", datazone.toString());
        if (options.datazoneEndpoint == null) {
            // The simulator checks no signature, but the SDK signs every call: any static keys do.
            overrides.put("aws.access.key.id", "demo");
            overrides.put("aws.secret.access.key", "demo");
        }
        return overrides;
    }

    private JsonNode readJson(String file) throws IOException {
        return json.readTree(layout.configDir().resolve(file).toFile());
    }

    /** Unpacks the Confluent Hub ZIP into plugin.path, replacing an earlier copy. */
    private void unpackPlugin() throws IOException {
        Path zip = layout.pluginZip();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: the demo profile builds it in package");
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

    private void progress(String step) {
        out.println(step + " ...");
    }

    private <T extends AutoCloseable> T keep(T resource) {
        synchronized (started) {
            started.push(resource);
        }
        return resource;
    }

    /** Stops what started, newest first; safe to call twice (normal end, then the shutdown hook). */
    private void stopAll() {
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
