package io.kcdatazone.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.testkit.SecretScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A FAILED state a connector or task reported to Connect's status topic at any time, even if a restart made it
 * RUNNING again by the end: the tasks' states at the end alone would hide it.
 *
 * @param subject {@code connector/task} for a task, the connector's name for a connector
 * @param workerId the worker it failed on
 * @param trace its trace, with every known secret masked
 */
record TaskFailure(String subject, String workerId, String trace) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "status-task-";
    private static final String CONNECTOR = "status-connector-";

    /**
     * The failure a status record reports, if it reports one. Connect keys them {@code status-task-<connector>-<id>}
     * and {@code status-connector-<connector>}, with a JSON value holding {@code state}, {@code trace} and
     * {@code worker_id}; a tombstone (a deleted connector) reports nothing.
     */
    static Optional<TaskFailure> of(String key, byte[] value, SecretScan secrets) {
        if (key == null || value == null) {
            return Optional.empty();
        }
        JsonNode status;
        try {
            status = JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable status record " + key, e);
        }
        if (!"FAILED".equals(status.path("state").asText())) {
            return Optional.empty();
        }
        String subject;
        if (key.startsWith(TASK)) {
            String task = key.substring(TASK.length());
            int dash = task.lastIndexOf('-');
            subject = task.substring(0, dash) + "/" + task.substring(dash + 1);
        } else {
            subject = key.startsWith(CONNECTOR) ? key.substring(CONNECTOR.length()) : key;
        }
        return Optional.of(new TaskFailure(subject, status.path("worker_id").asText(),
                secrets.masked(status.path("trace").asText())));
    }

    /**
     * Whether Connect's runtime failed the task before any code of ours ran: an exactly-once source task starts only
     * after the leader fenced out its zombies (KIP-618), and a worker that cannot read its config topic to the end in
     * time (a broker fault) fails that start. Kafka's design accepts this ("the penalty for failure here is that a task
     * will fail to start", apache/kafka#11779) and leaves the restart to the operator; so does the README.
     */
    boolean failedZombieFencing() {
        return isFailedZombieFencing(trace);
    }

    /** See {@link #failedZombieFencing()}: the trace names the fencing and holds no frame of the plugin's code. */
    static boolean isFailedZombieFencing(String trace) {
        return trace != null && trace.contains("zombie fencing") && !trace.contains("io.kcdatazone.");
    }

    /** The subject, the worker and the trace's first lines: enough to find the rest in the worker's log. */
    String evidence() {
        String head = trace.lines().limit(4).reduce((a, b) -> a + " | " + b).orElse("no trace");
        return subject + " on " + workerId + ": " + head;
    }
}
