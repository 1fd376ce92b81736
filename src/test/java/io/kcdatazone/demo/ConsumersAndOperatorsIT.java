package io.kcdatazone.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.observability.DocumentedMetrics;
import io.kcdatazone.observability.ExporterCoverage;
import io.kcdatazone.observability.GrafanaDashboard;
import io.kcdatazone.observability.PromQl;
import io.kcdatazone.observability.PrometheusScrape;
import io.kcdatazone.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the two users of the connectors get, against the demo's stack (a KRaft broker and a distributed Connect worker
 * on Kafka's own {@value #KAFKA} jars in child JVMs, the plugin loaded from its ZIP, Apicurio Registry, the DataZone
 * simulator) after the demo's scenario ran through both connectors: the consumer example, run as its own process on
 * the events library, prints the requests that did not succeed; the Prometheus JMX exporter in the worker serves every
 * documented metric with its labels; and every query of the Grafana dashboard uses only what the exporter serves.
 */
class ConsumersAndOperatorsIT {

    private static final String KAFKA = "kafka.test.version";
    private static final PrintStream OUT = System.out;
    private static final Path BASEDIR = Path.of(System.getProperty("project.basedir", "."));
    private static final Path EXAMPLE = BASEDIR.resolve("examples").resolve("consumer");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static DemoLayout layout;
    private static DemoStack stack;
    private static JmxExporter exporter;

    @BeforeAll
    static void runTheScenario() throws Exception {
        layout = DemoLayout.fromSystemProperties();
        exporter = JmxExporter.of(layout, Ports.free());
        String kafkaVersion = System.getProperty(KAFKA);
        stack = DemoStack.start(layout, layout.kafkaClasspath("kafka-" + kafkaVersion + "-runtime.classpath"),
                StackPorts.free(), null, exporter, OUT);
        stack.createConnectors(Map.of());
        List<String> missing;
        try (EventFeed feed = new EventFeed(stack.bootstrapServers(), stack.registry().ccompatUrl(),
                stack.topics().output(), stack.topics().dlq(), OUT)) {
            missing = new ScenarioRun(stack, feed, OUT).run(TIMEOUT);
        }
        assertThat(missing).as("the scenario's events").isEmpty();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void consumerExamplePrintsEachRequestThatDidNotSucceedOnce() throws Exception {
        // A repeat of a run's last event, as an at-least-once source task repeats what it emitted after a crash.
        repeatLastEventOf("demo-legacy-1");
        Path dir = layout.freshDir("consumer-example");
        String group = "failed-runs-" + UUID.randomUUID();
        Path settings = consumerSettings(dir, group);
        String classpath = EXAMPLE.resolve("target").resolve("classes") + File.pathSeparator
                + Files.readString(EXAMPLE.resolve("target").resolve("runtime.classpath")).trim();
        Path output = dir.resolve("consumer.out");

        try (ChildJvm consumer = ChildJvm.start("consumer example", classpath, List.of("-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), "io.kcdatazone.examples.consumer.FailedRunsConsumer",
                List.of(settings.toString()), output)) {
            // Done when the example has committed the whole topic: it commits after acting on what it read.
            Awaitility.await("the consumer example at the end of " + stack.topics().output() + " (output: " + output
                    + ")").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                        consumer.checkAlive();
                        return committedToTheEnd(group);
                    });
        }

        List<String> lines = Files.readAllLines(output);
        List<String> failed = lines.stream().filter(line -> line.startsWith("FAILED ")).collect(Collectors.toList());
        assertThat(failed).as(String.join("\n", lines)).hasSize(4)
                .anySatisfy(line -> assertThat(line).contains("outcome=PARTIALLY_SUCCEEDED key=demo-orders-1 ")
                        .contains("dataSource=orders_glue").containsPattern("run=\\S+").contains("assetsFailed="))
                .anySatisfy(line -> assertThat(line).contains("outcome=FAILED key=demo-legacy-1 ")
                        .contains("dataSource=legacy_redshift"))
                .anySatisfy(line -> assertThat(line).contains("outcome=NOT_STARTED key=" + Scenario.MALFORMED_KEY)
                        .contains("run=null").contains("error=VALIDATION_EXCEPTION"))
                .anySatisfy(line -> assertThat(line).contains("outcome=NOT_STARTED key=demo-unknown-1 ")
                        .contains("error=RESOURCE_NOT_FOUND_EXCEPTION"));
        // The successful run is counted, not printed; the repeat is dropped. (The repeated key's second request may
        // find its run ended, a second terminal event of that run: not acted on again.)
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("summary: ").containsPattern(
                "terminal=(5|6) succeeded=1 notSucceeded=4 duplicatesDropped=1 alreadyActedOn=(0|1) unreadable=0 "));
    }

    @Test
    void exporterServesEveryDocumentedMetricWithItsLabels() throws Exception {
        PrometheusScrape scrape = PrometheusScrape.fetch(exporter.metricsUrl());
        List<DocumentedMetrics.Metric> documented = DocumentedMetrics.fromReadme(BASEDIR.resolve("README.md"));
        String sink = stack.sinkName();
        String source = stack.sourceName();

        assertThat(ExporterCoverage.problems(scrape, documented, Set.of(sink, source))).isEmpty();
        // Counts since start are counters (what rate() and increase() expect), and the scenario's requests counted.
        assertThat(scrape.names()).filteredOn(name -> name.startsWith(DocumentedMetrics.PROMETHEUS_PREFIX)
                && name.endsWith("_total")).isNotEmpty()
                .allSatisfy(name -> assertThat(scrape.type(name)).as(name).contains("counter"));
        assertThat(scrape.of(DocumentedMetrics.PROMETHEUS_PREFIX + "requests_received_total"))
                .filteredOn(sample -> sink.equals(sample.labels().get("connector")))
                .anySatisfy(sample -> assertThat(Double.parseDouble(sample.value())).isPositive());
        // Connect's own: each task's state, by connector and task.
        assertThat(scrape.of("kafka_connect_task_status")).anySatisfy(sample -> assertThat(sample.labels())
                .containsEntry("connector", sink).containsEntry("status", "running").containsKey("task"));
    }

    @Test
    void everyDashboardQueryUsesOnlyWhatTheExporterServes() throws Exception {
        PrometheusScrape scrape = PrometheusScrape.fetch(exporter.metricsUrl());
        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard.Query query : GrafanaDashboard.read(BASEDIR.resolve("config")
                .resolve("grafana-dashboard.json")).queries()) {
            PromQl promQl = PromQl.parse(query.expr());
            for (String metric : promQl.metrics()) {
                if (scrape.of(metric).isEmpty()) {
                    problems.add(query.where() + ": no metric " + metric);
                } else if (!scrape.labelNames(metric).containsAll(promQl.labels())) {
                    problems.add(query.where() + ": " + metric + " has labels " + scrape.labelNames(metric)
                            + ", the query uses " + promQl.labels());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The example's settings file, pointed at this stack. */
    private static Path consumerSettings(Path dir, String group) throws IOException {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(EXAMPLE.resolve("consumer.properties"))) {
            settings.load(in);
        }
        settings.setProperty("topic", stack.topics().output());
        settings.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        settings.setProperty(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.setProperty("apicurio.registry.url", stack.registry().registryApiUrl());
        Path file = dir.resolve("consumer.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            settings.store(out, "the example's consumer.properties, pointed at the test's stack");
        }
        return file;
    }

    /** Produces the last record of {@code key} on the output topic again, byte for byte. */
    private static void repeatLastEventOf(String key) throws Exception {
        ConsumerRecord<byte[], byte[]> last = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(stack.topics().output()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        last = record;
                    }
                }
            }
        }
        assertThat(last).as("an event of " + key).isNotNull();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(last.topic(), last.partition(), last.key(), last.value())).get();
        }
    }

    private static boolean committedToTheEnd(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            List<TopicPartition> partitions = admin.describeTopics(List.of(stack.topics().output())).allTopicNames()
                    .get().get(stack.topics().output()).partitions().stream()
                    .map(info -> new TopicPartition(stack.topics().output(), info.partition()))
                    .collect(Collectors.toList());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
            return partitions.stream().allMatch(tp -> committed.get(tp) != null
                    && committed.get(tp).offset() >= end.get(tp).offset());
        }
    }
}
