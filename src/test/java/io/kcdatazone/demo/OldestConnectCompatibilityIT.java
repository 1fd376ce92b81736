package io.kcdatazone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The plugin ZIP in a worker of the oldest Kafka Connect the build compiles against (3.9.x): a distributed worker in a
 * child JVM on that distribution's jars, loading the plugin through plugin.path, runs the demo's scenario end to end.
 * The main code compiles with {@code --release 11} against 3.9's API but every other test runs on Kafka 4.x, so this
 * is what proves the plugin still loads and works on older clusters.
 */
class OldestConnectCompatibilityIT {

    private static final String KAFKA_VERSION = System.getProperty("kafka.compile.version");
    private static final PrintStream OUT = System.out;

    private static DemoStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        DemoLayout layout = DemoLayout.fromSystemProperties();
        stack = DemoStack.start(layout, layout.kafkaClasspath("kafka-" + KAFKA_VERSION + "-runtime.classpath"),
                StackPorts.free(), null, null, OUT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void pluginLoadsFromTheZipAndRunsTheScenario() throws Exception {
        assertThat(stack.connect().kafkaVersion()).isEqualTo(KAFKA_VERSION);
        assertThat(stack.connect().connectorPlugins())
                .anyMatch(plugin -> plugin.startsWith("io.kcdatazone.sink.DataSourceRunSinkConnector "))
                .anyMatch(plugin -> plugin.startsWith("io.kcdatazone.source.DataSourceRunSourceConnector "));
        stack.createConnectors(Map.of());

        List<String> missing;
        try (EventFeed feed = new EventFeed(stack.bootstrapServers(), stack.registry().ccompatUrl(),
                stack.topics().output(), stack.topics().dlq(), OUT)) {
            missing = new ScenarioRun(stack, feed, OUT).run(Duration.ofSeconds(90));
        }

        assertThat(missing).as("events that did not come on Connect " + KAFKA_VERSION).isEmpty();
    }
}
