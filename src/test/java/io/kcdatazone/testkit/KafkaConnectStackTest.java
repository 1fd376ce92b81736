package io.kcdatazone.testkit;

import org.apache.kafka.connect.integration.RuntimeHandles;
import org.apache.kafka.connect.integration.TestableSourceConnector;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack's connector and worker helpers, driven with Kafka's own {@link TestableSourceConnector} on two workers.
 */
class KafkaConnectStackTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workers(2)
            .service(new RegistryProbeService())
            .build();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void workersWriteAvroInConfluentWireFormatWithTheStackConverterProperties() {
        STACK.createTopic("avro-values", 1);
        Map<String, String> config = sourceConnector("avro-values", 1);
        config.putAll(STACK.avroConverterProperties("value.converter"));

        STACK.connect().configureConnector("avro-source", config);
        STACK.awaitConnectorRunning("avro-source", 1, TIMEOUT);

        ConfluentWireFormat wireFormat = STACK.confluentWireFormat();
        List<String> values = new ArrayList<>();
        STACK.consume(3, TIMEOUT, "avro-values").forEach(record -> values.add(
                wireFormat.decodeDatum(record.value()).toString()));
        assertThat(values).startsWith(
                "value-avro-source-0-1", "value-avro-source-0-2", "value-avro-source-0-3");
    }

    @Test
    void restartTaskStartsTheTaskAgain() {
        STACK.createTopic("restarted", 1);
        STACK.connect().configureConnector("restarted", sourceConnector("restarted", 1));
        STACK.awaitConnectorRunning("restarted", 1, TIMEOUT);
        var starts = RuntimeHandles.get().connectorHandle("restarted")
                .taskHandle(TestableSourceConnector.taskId("restarted", 0)).startAndStopCounter();
        int startsBefore = starts.starts();

        STACK.restartTask("restarted", 0);

        Awaitility.await().atMost(TIMEOUT).until(() -> starts.starts() == startsBefore + 1);
        STACK.awaitConnectorRunning("restarted", 1, TIMEOUT);
    }

    @Test
    void tasksOfAStoppedWorkerMoveToTheOthersAndANewWorkerJoins() {
        STACK.createTopic("moved", 1);
        STACK.connect().configureConnector("moved", sourceConnector("moved", 2));
        STACK.awaitConnectorRunning("moved", 2, TIMEOUT);
        List<WorkerHandle> workers = new ArrayList<>(STACK.workers());

        STACK.stopWorker(workers.get(0));

        String survivor = workerId(workers.get(1));
        Awaitility.await("both tasks running on " + survivor).atMost(TIMEOUT).ignoreExceptions().until(() -> {
            ConnectorStateInfo status = STACK.connect().connectorStatus("moved");
            return status.tasks().size() == 2 && status.tasks().stream()
                    .allMatch(task -> "RUNNING".equals(task.state()) && survivor.equals(task.workerId()));
        });
        WorkerHandle added = STACK.startWorker(TIMEOUT);
        assertThat(STACK.workers()).containsExactlyInAnyOrder(workers.get(1), added);
    }

    @Test
    void servicesStartAfterTheRestOfTheStackAndAreReachable() {
        assertThat(STACK.service(RegistryProbeService.class).compatibilityAtStart).isEqualTo("BACKWARD");
    }

    /** A service that uses the registry when it starts, as the simulator might use Kafka. */
    private static final class RegistryProbeService implements StackService {
        private String compatibilityAtStart;

        @Override
        public void start(KafkaConnectStack stack) {
            compatibilityAtStart = stack.registry().ccompat().globalCompatibility();
        }

        @Override
        public void close() {
        }
    }

    /** A task producing 10 records a second; without a throttle it would spin through empty polls once done. */
    private static Map<String, String> sourceConnector(String topic, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", TestableSourceConnector.class.getName());
        config.put("tasks.max", String.valueOf(tasks));
        config.put(TestableSourceConnector.TOPIC_CONFIG, topic);
        config.put(TestableSourceConnector.MAX_MESSAGES_PER_SECOND_CONFIG, "10");
        return config;
    }

    /** Connect reports a task's worker as the host and port of its REST listener. */
    private static String workerId(WorkerHandle worker) {
        URI url = worker.url();
        return url.getHost() + ":" + url.getPort();
    }
}
