package io.kcdatazone.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.observability.DocumentedMetrics.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocumentedMetricsTest {

    @Test
    void readsTheNamesOfACellTheWayTheReadmeWritesThem() {
        assertThat(DocumentedMetrics.fromCell(" `calls-total`, `retries-total`, each with `-rate` "))
                .extracting(Metric::name)
                .containsExactly("calls-total", "retries-total", "calls-rate", "retries-rate");
        assertThat(DocumentedMetrics.fromCell("`start-failures-total{error-type}`, `-rate`"))
                .containsExactly(new Metric("start-failures-total", Optional.of("error-type")),
                        new Metric("start-failures-rate", Optional.of("error-type")));
        assertThat(DocumentedMetrics.fromCell("`a-latency-avg`, `-max`; `b-latency-avg`, `-max`"))
                .extracting(Metric::name).containsExactly("a-latency-avg", "b-latency-avg", "a-latency-max",
                        "b-latency-max");
    }

    @Test
    void readsBothTablesOfTheReadme() throws Exception {
        List<Metric> metrics = DocumentedMetrics.fromReadme(Path.of("README.md"));

        assertThat(metrics).extracting(Metric::prometheusName)
                .contains("kafka_connect_datazone_requests_received_total",
                        "kafka_connect_datazone_requests_received_rate",
                        "kafka_connect_datazone_consumption_pauses_rate",
                        "kafka_connect_datazone_start_data_source_run_latency_max",
                        "kafka_connect_datazone_runs_tracked",
                        "kafka_connect_datazone_status_calls_rate_limit",
                        "kafka_connect_datazone_get_data_source_run_latency_max")
                .doesNotHaveDuplicates();
        assertThat(metrics).filteredOn(metric -> metric.name().equals("events-emitted-total"))
                .singleElement().extracting(Metric::labels).isEqualTo(List.of("connector", "task", "event_type"));
    }
}
