package io.kcdatazone.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.observability.DocumentedMetrics.Metric;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * config/grafana-dashboard.json charts what operators need, with the plugin's documented names.
 * ConsumersAndOperatorsIT checks every query against what the exporter of a real worker serves.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("config", "grafana-dashboard.json");

    @Test
    void everyPluginMetricItQueriesIsDocumented() throws Exception {
        Set<String> documented = DocumentedMetrics.fromReadme(Path.of("README.md")).stream()
                .map(Metric::prometheusName).collect(Collectors.toSet());

        for (GrafanaDashboard.Query query : GrafanaDashboard.read(DASHBOARD).queries()) {
            assertThat(PromQl.parse(query.expr()).metrics()).as(query.where() + ": " + query.expr())
                    .isNotEmpty()
                    .filteredOn(name -> name.startsWith(DocumentedMetrics.PROMETHEUS_PREFIX))
                    .allMatch(documented::contains, "documented in the README's metric tables");
        }
    }

    @Test
    void chartsWhatTheIssueAskedFor() throws Exception {
        Set<String> used = new TreeSet<>();
        GrafanaDashboard.read(DASHBOARD).queries().forEach(query -> used.addAll(PromQl.parse(query.expr()).metrics()));

        String p = DocumentedMetrics.PROMETHEUS_PREFIX;
        assertThat(used).contains(
                // throughput
                p + "requests_received_total", p + "runs_started_total", p + "events_emitted_total",
                // failures by error type, throttling
                p + "start_failures_total", p + "throttled_calls_total", p + "throttled_status_calls_total",
                // in flight and buffered, runs tracked, status call latency, consumption pauses
                p + "in_flight_calls", p + "buffered_records", p + "runs_tracked",
                p + "list_data_source_runs_latency_avg", p + "get_data_source_run_latency_avg",
                p + "consumption_pauses_total",
                // task states
                "kafka_connect_task_status");
    }

    /**
     * A count since start (ours end in _total, Connect's have _total_ in the name) means nothing plotted raw, and it
     * drops to 0 when a task restarts: only its rate() or increase() over the panel's interval is charted. And no
     * panel charts an increase over the whole time range ($__range), which grows with the range picked.
     */
    @Test
    void countsSinceStartAreChartedOnlyAsRatesOrIncreases() throws Exception {
        Pattern counter = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*_total(?:_[a-zA-Z0-9_]*)?)\\b");
        for (GrafanaDashboard.Query query : GrafanaDashboard.read(DASHBOARD).queries()) {
            Matcher name = counter.matcher(query.expr());
            while (name.find()) {
                String before = query.expr().substring(0, name.start());
                assertThat(before).as(query.where() + ": " + name.group(1) + " in " + query.expr())
                        .matches("(?s).*\\b(?:rate|increase)\\($");
            }
            assertThat(query.expr()).as(query.where()).doesNotContain("$__range");
        }
    }
}
