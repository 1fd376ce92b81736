package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.testkit.ChildConnectWorker;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once source mode (KIP-618) on three workers, {@code exactly.once.support=required} and
 * {@code transaction.boundary=poll}: while runs change status, a worker is killed and the source tasks restart, and a
 * {@code read_committed} consumer still sees each expected event once, in order per run.
 *
 * <p>Two workers are embedded; the third runs in a child JVM and dies by {@code SIGKILL} with a source task on it, just
 * as the runs change status (so likely mid-transaction), its group membership left to time out. The embedded workers
 * give a stopping task no grace ({@code task.shutdown.graceful.timeout.ms=1}), so task restarts close producers
 * mid-transaction too.
 */
class ExactlyOnceEndToEndTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int SOURCE_TASKS = 3;
    /** In the build directory, so the child worker's log outlives a failed test. */
    private static final Path CHILD_WORKER_DIR = Path.of("target", "child-connect-worker");

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workers(2)
            .workerProperty("task.shutdown.graceful.timeout.ms", "1")
            .service(Pipeline.simulator(CLOCK, 9))
            .build();

    @Test
    void everyEventOnceInOrderPerRunThroughAKilledWorkerAndTaskRestarts() {
        Pipeline pipeline = new Pipeline(STACK, "eos");
        pipeline.start(6, 3, 2, SOURCE_TASKS);
        String source = pipeline.sourceName();
        try (ChildConnectWorker child = ChildConnectWorker.join(ExactlyOnceEndToEndTest.class.getSimpleName(),
                STACK.bootstrapServers(), Map.of("task.shutdown.graceful.timeout.ms", "1"), CHILD_WORKER_DIR)) {
            child.awaitReady(TIMEOUT);
            // Connect does not move running tasks to a newcomer, but gives new tasks to the least loaded workers:
            // the source is created anew once the child, still empty, has joined.
            for (int attempt = 1; ; attempt++) {
                assertThat(attempt).as("attempts to get a source task onto the child worker (log: "
                        + child.logFile() + ")").isLessThan(5);
                pipeline.recreateSource();
                if (sourceTaskLandsOn(source, child.workerId())) {
                    break;
                }
            }
            STACK.awaitConnectorRunning(source, SOURCE_TASKS, TIMEOUT);
            runScenario(pipeline, child);
        } finally {
            pipeline.delete();
        }
    }

    private static void runScenario(Pipeline pipeline, ChildConnectWorker child) {
        String source = pipeline.sourceName();
        int firstBatch = 60;
        int secondBatch = 30;
        for (int i = 0; i < firstBatch; i++) {
            pipeline.request("first-" + i, Pipeline.dataSourceId(i % 6));
        }

        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(3)) {
            reader.awaitEvents("first results", all -> results(all) == firstBatch, TIMEOUT);

            // The first batch turns RUNNING while the child worker dies and more requests arrive.
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            child.kill();
            for (int i = 0; i < secondBatch; i++) {
                pipeline.request("second-" + i, Pipeline.dataSourceId(6 + i % 3));
            }
            Awaitility.await("source tasks back on the embedded workers").atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> !sourceTaskOn(source, child.workerId()));
            STACK.awaitConnectorRunning(source, SOURCE_TASKS, TIMEOUT);
            reader.awaitEvents("first batch RUNNING, second batch results",
                    all -> statuses(all, "RUNNING") == firstBatch && results(all) == firstBatch + secondBatch,
                    TIMEOUT);

            // The first batch ends and the second turns RUNNING while every source task restarts.
            CLOCK.advance(Pipeline.RUNNING_FOR);
            for (int task = 0; task < SOURCE_TASKS; task++) {
                STACK.restartTask(source, task);
            }
            reader.awaitEvents("first batch ended, second batch RUNNING",
                    all -> terminal(all) == firstBatch && statuses(all, "RUNNING") == firstBatch + secondBatch,
                    TIMEOUT);

            CLOCK.advance(Pipeline.REQUESTED_FOR);
            STACK.restartTask(source, 1);
            reader.awaitEvents("second batch ended", all -> terminal(all) == firstBatch + secondBatch, TIMEOUT);
            List<ObservedEvent> events = reader.readFor(Duration.ofSeconds(3));

            assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
            assertThat(events.stream().filter(ObservedEvent::isResult).map(ObservedEvent::clientToken))
                    .hasSize(firstBatch + secondBatch).doesNotHaveDuplicates();
            Map<String, List<ObservedEvent>> byRun = ObservedEvent.byRun(events);
            assertThat(byRun).hasSize(firstBatch + secondBatch);
            byRun.forEach((runId, runEvents) -> {
                int dataSource = Integer.parseInt(runEvents.get(0).dataSourceId().substring(3));
                assertThat(SourceConnectorEndToEndTest.sequence(runEvents)).as(runId).containsExactly(
                        "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                        "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(dataSource));
            });
        }
    }

    private static boolean sourceTaskLandsOn(String connector, String workerId) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> sourceTaskOn(connector, workerId));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Whether Connect's status shows a task of the connector running on the worker. */
    private static boolean sourceTaskOn(String connector, String workerId) {
        return STACK.connect().connectorStatus(connector).tasks().stream()
                .anyMatch(task -> "RUNNING".equals(task.state()) && workerId.equals(task.workerId()));
    }

    private static long results(List<ObservedEvent> events) {
        return ObservedEvent.count(events, ObservedEvent::isResult);
    }

    private static long statuses(List<ObservedEvent> events, String status) {
        return ObservedEvent.count(events, e -> e.isStatusChange() && status.equals(e.status()));
    }

    private static long terminal(List<ObservedEvent> events) {
        return ObservedEvent.count(events, e -> e.isStatusChange() && !"RUNNING".equals(e.status()));
    }
}
