package io.kcdatazone.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    @Test
    void readsEachSeriesTypeAlsoWhenTheTypeLineDropsTheTotalSuffix() {
        PrometheusScrape scrape = PrometheusScrape.parse(String.join("\n",
                "# HELP kafka_connect_datazone_runs_started_total runs started",
                "# TYPE kafka_connect_datazone_runs_started counter",
                "kafka_connect_datazone_runs_started_total{connector=\"sink\",task=\"0\"} 3.0",
                "# TYPE kafka_connect_datazone_runs_tracked gauge",
                "kafka_connect_datazone_runs_tracked{connector=\"source\",task=\"0\"} 7.0",
                "# TYPE kafka_connect_worker_task_count untyped",
                "kafka_connect_worker_task_count 2.0"));

        assertThat(scrape.type("kafka_connect_datazone_runs_started_total")).contains("counter");
        assertThat(scrape.type("kafka_connect_datazone_runs_tracked")).contains("gauge");
        assertThat(scrape.type("kafka_connect_worker_task_count")).contains("untyped");
        assertThat(scrape.type("kafka_connect_datazone_unknown_total")).isEmpty();
        assertThat(scrape.of("kafka_connect_datazone_runs_started_total")).singleElement()
                .satisfies(sample -> assertThat(sample.value()).isEqualTo("3.0"));
    }
}
