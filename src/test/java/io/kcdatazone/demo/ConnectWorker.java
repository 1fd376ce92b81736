package io.kcdatazone.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import io.kcdatazone.testkit.ChildJvm;

/**
 * A distributed Connect worker in a child JVM whose classpath holds only Kafka's runtime jars: the plugin comes from
 * {@code plugin.path}, in its own class loader, as on a production worker. Talks to it through its REST API.
 */
final class ConnectWorker implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final ChildJvm process;
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    private ConnectWorker(ChildJvm process, URI url) {
        this.process = process;
        this.url = url;
    }

    /**
     * @param workerConfig the worker file from {@code config/}, with the demo's addresses set over it
     * @param exporter the Prometheus JMX exporter to run as the worker's agent, or null for none
     */
    static ConnectWorker start(DemoLayout layout, String classpath, Path workerConfig, Map<String, String> overrides,
            int port, JmxExporter exporter) throws IOException {
        Path dir = layout.freshDir("connect");
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(workerConfig)) {
            config.load(in);
        }
        config.putAll(overrides);
        config.put("listeners", "http://" + Ports.HOST + ":" + port);
        config.put("rest.advertised.host.name", Ports.HOST);
        config.put("rest.advertised.port", String.valueOf(port));
        config.put("plugin.path", layout.pluginPath().toString());
        Path file = dir.resolve("connect-distributed.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            config.store(out, "Made by the demo from " + workerConfig);
        }
        List<String> jvmOptions = new ArrayList<>(JVM_OPTIONS);
        if (exporter != null) {
            jvmOptions.add(exporter.jvmOption());
        }
        ChildJvm process = ChildJvm.start("Connect worker", classpath,
                layout.logOptions(jvmOptions, dir.resolve("connect.log")),
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(file.toString()), dir.resolve("connect.out"));
        ConnectWorker worker = new ConnectWorker(process, URI.create("http://" + Ports.HOST + ":" + port));
        try {
            Awaitility.await("Connect REST API at " + worker.url + " (log: " + dir.resolve("connect.log") + ")")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(worker::answers);
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    URI url() {
        return url;
    }

    Path logFile() {
        return process.logFile().resolveSibling("connect.log");
    }

    private boolean answers() {
        process.checkAlive();
        try {
            return send(HttpRequest.newBuilder(url.resolve("/connectors")).GET()).statusCode() == 200;
        } catch (UncheckedIOException notYet) {
            return false;
        }
    }

    /** The Kafka version the worker runs, from its REST API's root. */
    String kafkaVersion() throws IOException {
        return get("/").path("version").asText();
    }

    /** The connector classes the worker loaded, with their versions, e.g. {@code ...SinkConnector 0.1.0}. */
    List<String> connectorPlugins() throws IOException {
        List<String> plugins = new ArrayList<>();
        for (JsonNode plugin : get("/connector-plugins")) {
            plugins.add(plugin.path("class").asText() + " " + plugin.path("version").asText());
        }
        return plugins;
    }

    /** Creates a connector from a REST body ({@code {"name": ..., "config": {...}}}) with settings changed. */
    void createConnector(JsonNode body, Map<String, String> overrides) throws IOException {
        ObjectNode request = body.deepCopy();
        ObjectNode config = (ObjectNode) request.path("config");
        overrides.forEach(config::put);
        HttpResponse<String> response = send(HttpRequest.newBuilder(url.resolve("/connectors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Connect refused connector " + request.path("name").asText() + " ("
                    + response.statusCode() + "): " + response.body());
        }
    }

    /**
     * Waits until the connector and all its tasks run.
     *
     * @throws IllegalStateException with the worker's reason when the connector or a task failed
     */
    void awaitRunning(String connector, Duration timeout) {
        Awaitility.await("connector " + connector + " RUNNING (log: " + logFile() + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                .until(() -> running(connector));
    }

    private boolean running(String connector) throws IOException {
        process.checkAlive();
        JsonNode status = get("/connectors/" + connector + "/status");
        List<JsonNode> parts = new ArrayList<>();
        parts.add(status.path("connector"));
        status.path("tasks").forEach(parts::add);
        for (JsonNode part : parts) {
            if ("FAILED".equals(part.path("state").asText())) {
                String trace = part.path("trace").asText();
                throw new IllegalStateException("connector " + connector + " FAILED: "
                        + trace.lines().findFirst().orElse("no reason given") + " (log: " + logFile() + ")");
            }
        }
        return status.path("tasks").size() > 0
                && parts.stream().allMatch(part -> "RUNNING".equals(part.path("state").asText()));
    }

    private JsonNode get(String path) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url.resolve(path)).GET());
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("GET " + path + " answered " + response.statusCode()));
        }
        return json.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
