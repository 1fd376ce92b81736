package io.kcdatazone.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Stops a child process and everything it spawned. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Asks politely first (SIGTERM, so Kafka or Quarkus shut down cleanly), then forcibly after {@code timeout}.
     * Children before the parent.
     */
    static void terminate(ProcessHandle root, Duration timeout) {
        List<ProcessHandle> tree = Stream.concat(root.descendants(), Stream.of(root)).collect(Collectors.toList());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                handle.destroyForcibly();
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
