package io.kcdatazone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.observability.DocumentedMetrics;
import io.kcdatazone.observability.ExporterCoverage;
import io.kcdatazone.observability.PrometheusScrape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plugin ZIP in a worker of the oldest Kafka Connect the build compiles against (3.9.x): a distributed worker in a
 * child JVM on that distribution's jars, loading the plugin through plugin.path, runs the demo's scenario end to end.
 * The main code compiles with {@code --release 11} against 3.9's API but every other test runs on Kafka 4.x, so this
 * is what proves the plugin still loads and works on older clusters. The worker runs the Prometheus JMX exporter, whose
 * rules must find the task metrics where such workers have them.
 */
class OldestConnectCompatibilityIT {

    private static final String KAFKA_VERSION = System.getProperty("kafka.compile.version");
    private static final PrintStream OUT = System.out;

    private static DemoStack stack;
    private static JmxExporter exporter;

    @BeforeAll
    static void startStack() throws Exception {
        DemoLayout layout = DemoLayout.fromSystemProperties();
        exporter = JmxExporter.of(layout, Ports.free());
        stack = DemoStack.start(layout, layout.kafkaClasspath("kafka-" + KAFKA_VERSION + "-runtime.classpath"),
                StackPorts.free(), null, exporter, OUT);
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
        // Without plugin metrics (Kafka < 4.1) the tasks publish under their own JMX domain: the exporter's rules
        // give the same names and labels (ConsumersAndOperatorsIT checks Connect's plugin metrics).
        assertThat(ExporterCoverage.problems(PrometheusScrape.fetch(exporter.metricsUrl()),
                DocumentedMetrics.fromReadme(Path.of(System.getProperty("project.basedir", "."), "README.md")),
                Set.of(stack.sinkName(), stack.sourceName()))).isEmpty();
    }
}
