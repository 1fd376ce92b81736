package io.kcdatazone.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsMetricsAndLabelsButNotFunctionsKeywordsOrVariables() {
        PromQl query = PromQl.parse("sum by (connector, error_type) (rate(errors_total{connector=~\"$connector\","
                + " error_type!=\"none\"}[$__rate_interval])) > 0 and on (connector) up_now offset 5m");

        assertThat(query.metrics()).containsExactly("errors_total", "up_now");
        assertThat(query.labels()).containsExactly("connector", "error_type");
    }

    @Test
    void readsGroupingAfterTheAggregationAndLiteralsInside() {
        PromQl query = PromQl.parse("max(a_latency_avg{task=\"0\"}) by (task) < +Inf or histogram_quantile(0.99,"
                + " sum(rate(b_bucket[5m])) by (le))");

        assertThat(query.metrics()).containsExactly("a_latency_avg", "b_bucket");
        assertThat(query.labels()).containsExactly("le", "task");
    }
}
