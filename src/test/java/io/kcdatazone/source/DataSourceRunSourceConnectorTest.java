package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kcdatazone.config.DataSourceRunSourceConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** How the source connector shares its ledger partitions and its status-call budget among its tasks. */
class DataSourceRunSourceConnectorTest {

    private static final Map<String, String> PROPS = Map.of(
            "name", "share",
            "output.topic", "events",
            "datazone.region", "us-east-1",
            "ledger.topic", "ledger",
            "ledger.bootstrap.servers", "127.0.0.1:9");

    @Test
    void eachTaskGetsTheShareOfTheStatusBudgetThatItsLedgerPartitionsAreOfAll() {
        List<DataSourceRunSourceConfig> tasks = tasks(DataSourceRunSourceConnector.taskConfigs(PROPS, 10, 7, 3));

        assertThat(tasks).extracting(DataSourceRunSourceConfig::taskLedgerPartitions)
                .containsExactly(List.of(0, 3, 6), List.of(1, 4), List.of(2, 5));
        assertThat(tasks.get(0).taskStatusRequestsPerSecond()).isCloseTo(10.0 * 3 / 7, within(1e-9));
        assertThat(tasks.get(1).taskStatusRequestsPerSecond()).isCloseTo(10.0 * 2 / 7, within(1e-9));
        assertThat(tasks.stream().mapToDouble(DataSourceRunSourceConfig::taskStatusRequestsPerSecond).sum())
                .as("the shares add up to the connector's budget").isCloseTo(10.0, within(1e-9));
    }

    @Test
    void moreTasksThanPartitionsStillShareTheWholeBudget() {
        List<DataSourceRunSourceConfig> tasks = tasks(DataSourceRunSourceConnector.taskConfigs(PROPS, 10, 2, 5));

        assertThat(tasks).extracting(DataSourceRunSourceConfig::taskStatusRequestsPerSecond).containsExactly(5.0, 5.0);
    }

    @Test
    void withoutABudgetNoTaskIsLimited() {
        Map<String, String> unlimited = new HashMap<>(PROPS);
        unlimited.put(DataSourceRunSourceConfig.STATUS_REQUESTS_PER_SECOND, "0");
        List<DataSourceRunSourceConfig> tasks = tasks(DataSourceRunSourceConnector.taskConfigs(unlimited, 0, 4, 2));

        assertThat(tasks).hasSize(2).allSatisfy(task -> {
            assertThat(task.originalsStrings()).doesNotContainKey(
                    DataSourceRunSourceConfig.TASK_STATUS_REQUESTS_PER_SECOND);
            assertThat(task.taskStatusRequestsPerSecond()).isZero();
        });
    }

    @Test
    void aTaskConfigWithoutItsShareTakesAnEvenShareNotTheWholeBudget() {
        // Task configs written by a version before the budget, during a rolling upgrade, carry no share.
        Map<String, String> older = new HashMap<>(PROPS);
        older.put("tasks.max", "4");

        assertThat(new DataSourceRunSourceConfig(older).taskStatusRequestsPerSecond()).isCloseTo(
                DataSourceRunSourceConfig.DEFAULT_STATUS_REQUESTS_PER_SECOND / 4, within(1e-9));
    }

    @Test
    void aBudgetThatIsNegativeOrNotANumberIsRefusedByName() {
        for (String rate : List.of("-1", "NaN", "Infinity")) {
            Map<String, String> props = new HashMap<>(PROPS);
            props.put(DataSourceRunSourceConfig.STATUS_REQUESTS_PER_SECOND, rate);

            assertThatThrownBy(() -> new DataSourceRunSourceConfig(props)).as(rate)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(DataSourceRunSourceConfig.STATUS_REQUESTS_PER_SECOND)
                    .hasMessageContaining("must be a finite number, at least 0");
        }
    }

    private static List<DataSourceRunSourceConfig> tasks(List<Map<String, String>> configs) {
        return configs.stream().map(DataSourceRunSourceConfig::new).collect(Collectors.toList());
    }
}
