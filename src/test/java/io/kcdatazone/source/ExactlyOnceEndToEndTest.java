package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.testkit.KafkaConnectStack;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once source mode (KIP-618) on three workers, {@code exactly.once.support=required} and
 * {@code transaction.boundary=poll}: while runs change status, a worker goes away and the source tasks restart, and a
 * {@code read_committed} consumer still sees each expected event once, in order per run.
 *
 * <p>Workers give a stopping task no grace ({@code task.shutdown.graceful.timeout.ms=1}): its producer is closed
 * with whatever transaction it had open, as a crash would leave it, and the task's successor fences it.
 */
class ExactlyOnceEndToEndTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int SOURCE_TASKS = 3;

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workers(3)
            .workerProperty("task.shutdown.graceful.timeout.ms", "1")
            .service(Pipeline.simulator(CLOCK, 9))
            .build();

    @Test
    void everyEventOnceInOrderPerRunThroughAWorkerLossAndTaskRestarts() {
        Pipeline pipeline = new Pipeline(STACK, "eos");
        pipeline.start(6, 3, 2, SOURCE_TASKS);
        String source = pipeline.sourceName();
        int firstBatch = 60;
        int secondBatch = 30;
        for (int i = 0; i < firstBatch; i++) {
            pipeline.request("first-" + i, Pipeline.dataSourceId(i % 6));
        }

        try (OutputTopicReader reader = pipeline.reader(3)) {
            reader.awaitEvents("first results", all -> results(all) == firstBatch, TIMEOUT);

            // The first batch turns RUNNING while the worker of source task 0 goes away and more requests arrive.
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            STACK.stopWorker(workerOf(source, 0));
            for (int i = 0; i < secondBatch; i++) {
                pipeline.request("second-" + i, Pipeline.dataSourceId(6 + i % 3));
            }
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
            Map<String, List<ObservedEvent>> byRun = OutputTopicReader.byRun(events);
            assertThat(byRun).hasSize(firstBatch + secondBatch);
            byRun.forEach((runId, runEvents) -> {
                int dataSource = Integer.parseInt(runEvents.get(0).dataSourceId().substring(3));
                assertThat(SourceConnectorEndToEndTest.sequence(runEvents)).as(runId).containsExactly(
                        "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                        "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(dataSource));
            });
        } finally {
            pipeline.delete();
        }
    }

    private static long results(List<ObservedEvent> events) {
        return OutputTopicReader.count(events, ObservedEvent::isResult);
    }

    private static long statuses(List<ObservedEvent> events, String status) {
        return OutputTopicReader.count(events, e -> e.isStatusChange() && status.equals(e.status()));
    }

    private static long terminal(List<ObservedEvent> events) {
        return OutputTopicReader.count(events, e -> e.isStatusChange() && !"RUNNING".equals(e.status()));
    }

    private static WorkerHandle workerOf(String connector, int task) {
        ConnectorStateInfo status = STACK.connect().connectorStatus(connector);
        String workerId = status.tasks().stream().filter(t -> t.id() == task).findFirst().orElseThrow().workerId();
        return STACK.workers().stream().filter(worker -> workerId.equals(hostAndPort(worker.url()))).findFirst()
                .orElseThrow(() -> new AssertionError("no worker " + workerId + " among " + STACK.workers()));
    }

    /** Connect reports a task's worker as the host and port of its REST listener. */
    private static String hostAndPort(URI url) {
        return url.getHost() + ":" + url.getPort();
    }
}
