package io.kcdatazone.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.awaitility.Awaitility;

/**
 * The calls a test makes to Connect's REST API, against whichever worker answers first: each worker forwards what
 * only the leader may do. A call that gets no 2xx answer from any worker throws (during a rebalance Connect answers
 * 409), so callers retry through Awaitility. Connector configurations are never put in an exception message: they
 * hold secrets.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<List<URI>> workers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param workers the REST roots of the workers to ask, in order of preference */
    public ConnectRest(Supplier<List<URI>> workers) {
        this.workers = workers;
    }

    /** Creates or updates a connector. */
    public void configureConnector(String connector, Map<String, String> config) {
        String body;
        try {
            body = JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        send("PUT", "connectors/" + connector + "/config", body, false);
    }

    /** The connectors' names (a worker answers once it has joined the group and read the configuration). */
    public List<String> connectors() {
        try {
            return List.of(JSON.readValue(send("GET", "connectors", null, true), String[].class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ConnectorStateInfo connectorStatus(String connector) {
        try {
            return JSON.readValue(send("GET", "connectors/" + connector + "/status", null, true),
                    ConnectorStateInfo.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts the connector and all its tasks, failed or not. */
    public void restartConnectorAndTasks(String connector) {
        send("POST", "connectors/" + connector + "/restart?includeTasks=true&onlyFailed=false", "", true);
    }

    public void restartTask(String connector, int task) {
        send("POST", "connectors/" + connector + "/tasks/" + task + "/restart", "", true);
    }

    /** Waits until the connector and exactly {@code tasks} tasks are RUNNING. */
    public void awaitRunning(String connector, int tasks, Duration timeout) {
        Awaitility.await("connector " + connector + " and " + tasks + " task(s) RUNNING").atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    ConnectorStateInfo status = connectorStatus(connector);
                    return "RUNNING".equals(status.connector().state()) && status.tasks().size() == tasks
                            && status.tasks().stream().allMatch(task -> "RUNNING".equals(task.state()));
                });
    }

    private String send(String method, String path, String body, boolean showAnswer) {
        IllegalStateException failure = new IllegalStateException(method + " /" + path + " answered by no worker");
        for (URI worker : workers.get()) {
            HttpRequest request = HttpRequest.newBuilder(worker.resolve(path)).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return response.body();
                }
                failure.addSuppressed(new IllegalStateException(worker + " answered " + response.statusCode()
                        + (showAnswer ? ": " + response.body() : "")));
            } catch (IOException e) {
                failure.addSuppressed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw failure;
    }
}
