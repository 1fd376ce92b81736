package io.kcdatazone.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.awaitility.Awaitility;

/**
 * A distributed Connect worker in a child JVM that joins an embedded Connect cluster, so a test can kill it the way a
 * machine dies ({@code SIGKILL}): no task stop, no producer close, no leaving the group. Embedded workers share the
 * test JVM and can only be stopped politely.
 */
public final class ChildConnectWorker implements AutoCloseable {

    private final ChildJvm process;
    private final URI url;

    private ChildConnectWorker(ChildJvm process, URI url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts a worker of the embedded cluster named {@code clusterName} ({@code EmbeddedConnectCluster} derives the
     * group id and internal topics from it).
     */
    public static ChildConnectWorker join(String clusterName, String bootstrapServers, Map<String, String> overrides,
                                   Path workDir) {
        Properties props = new Properties();
        props.putAll(WorkerDefaults.properties());
        // One replica of each internal topic unless the overrides say otherwise (a one-broker embedded cluster).
        props.putAll(WorkerDefaults.cluster(clusterName, 1));
        props.put("bootstrap.servers", bootstrapServers);
        int port = FreePorts.any();
        props.put("listeners", "http://localhost:" + port);
        props.putAll(overrides);
        try {
            Files.createDirectories(workDir);
            Path config = workDir.resolve("child-worker.properties");
            try (Writer writer = Files.newBufferedWriter(config)) {
                props.store(writer, "child Connect worker");
            }
            ChildJvm process = ChildJvm.onTestClasspath("child Connect worker",
                    "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()), Map.of(), workDir,
                    "child-worker.log");
            return new ChildConnectWorker(process, URI.create("http://localhost:" + port + "/"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a child Connect worker", e);
        }
    }

    /**
     * Waits until the worker is in the group and has read the cluster's configuration (its REST API lists the
     * connectors), so that the next connector created is spread over it too.
     */
    public ChildConnectWorker awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest connectors = HttpRequest.newBuilder(url.resolve("connectors")).timeout(Duration.ofSeconds(5))
                .build();
        Awaitility.await("child Connect worker at " + url + " ready (log: " + logFile() + ")").atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    process.checkAlive();
                    return http.send(connectors, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
        return this;
    }

    /** The worker id Connect reports for tasks on this worker: the host and port of its REST listener. */
    public String workerId() {
        return url.getHost() + ":" + url.getPort();
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
