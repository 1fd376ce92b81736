package io.kcdatazone.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kcdatazone.observability.DocumentedMetrics.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * config/jmx-exporter.yml names every documented metric as documented, from either MBean the plugin publishes it
 * under, matching the way the exporter does: each rule's pattern anywhere in {@code domain<key=value, ...><>attribute:
 * value}, the first rule that matches wins. ConsumersAndOperatorsIT checks the real exporter in a real worker.
 */
class JmxExporterRulesTest {

    /**
     * Connect's plugin metrics (Kafka 4.1+), and the plugin's own domain on older workers, which names task 0
     * {@code task-0}: both get the label task="0".
     */
    @ParameterizedTest
    @CsvSource({"'kafka.connect<type=plugins, ', 0", "'kafka.connect.datazone<type=datazone-task-metrics, ', task-0"})
    void everyDocumentedMetricGetsItsNameAndLabels(String bean, String task) throws Exception {
        List<Rule> rules = rules();
        for (Metric metric : DocumentedMetrics.fromReadme(Path.of("README.md"))) {
            String tag = metric.tag().map(t -> ", " + t + "=SOME_VALUE").orElse("");
            String matchName = bean + "connector=datazone-sink, task=" + task + tag + "><>" + metric.name() + ": 1.0";

            Optional<Map<String, String>> exported = rules.stream().map(rule -> rule.apply(matchName))
                    .flatMap(Optional::stream).findFirst();

            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("__name__", metric.prometheusName());
            expected.put("connector", "datazone-sink");
            expected.put("task", "0");
            metric.tag().ifPresent(t -> expected.put(t.replace('-', '_'), "SOME_VALUE"));
            assertThat(exported).as(matchName).contains(expected);
        }
    }

    @Test
    void theSinkConsumersLagGetsTheConnectorAndTask() throws Exception {
        String matchName = "kafka.consumer<type=consumer-fetch-manager-metrics, client-id=connector-consumer-"
                + "datazone-sink-2-3><>records-lag-max: 42.0";

        Optional<Map<String, String>> exported = rules().stream().map(rule -> rule.apply(matchName))
                .flatMap(Optional::stream).findFirst();

        assertThat(exported).contains(Map.of("__name__", "kafka_connect_sink_consumer_records_lag_max",
                "connector", "datazone-sink-2", "task", "3"));
    }

    @ParameterizedTest
    @CsvSource({"'kafka.connect<type=sink-task-metrics, connector=c, task=0><>sink-record-read-total: 1.0'",
        "'kafka.connect<type=connect-worker-metrics><>task-startup-attempts-total: 1.0'",
        "'kafka.connect<type=plugins, connector=c, task=0><>something-new-total: 1.0'",
        "'kafka.connect<type=plugins, connector=c, task=0><>runs-started-total: 1.0'"})
    void countsSinceStartAreCounters(String matchName) throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("config", "jmx-exporter.yml").toFile());
        Optional<JsonNode> rule = StreamSupport.stream(config.path("rules").spliterator(), false)
                .filter(r -> new Rule(r).apply(matchName).isPresent()).findFirst();

        assertThat(rule).hasValueSatisfying(r -> assertThat(r.path("type").asText()).isEqualTo("COUNTER"));
    }

    @Test
    void onlyTheMBeansTheRulesNeedAreRead() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("config", "jmx-exporter.yml").toFile());

        assertThat(config.path("includeObjectNames")).extracting(JsonNode::asText).containsExactly(
                "kafka.connect:*", "kafka.connect.datazone:*",
                "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=connector-consumer-*", "java.lang:*");
    }

    private static List<Rule> rules() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("config", "jmx-exporter.yml").toFile());
        List<Rule> rules = new ArrayList<>();
        config.path("rules").forEach(rule -> rules.add(new Rule(rule)));
        return rules;
    }

    /** One rule, as the exporter applies it: the name and label values with the pattern's groups in them. */
    private static final class Rule {
        private final Pattern pattern;
        private final JsonNode rule;

        Rule(JsonNode rule) {
            this.pattern = Pattern.compile("^.*(?:" + rule.path("pattern").asText() + ").*$");
            this.rule = rule;
        }

        Optional<Map<String, String>> apply(String matchName) {
            Matcher matcher = pattern.matcher(matchName);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            Map<String, String> series = new LinkedHashMap<>();
            series.put("__name__", matcher.replaceFirst(rule.path("name").asText()).replace('-', '_'));
            // The exporter makes names and label names valid for Prometheus: a - becomes _.
            rule.path("labels").fields().forEachRemaining(label -> series.put(
                    matcher.replaceFirst(label.getKey()).replace('-', '_'),
                    matcher.replaceFirst(label.getValue().asText())));
            return Optional.of(series);
        }
    }
}
