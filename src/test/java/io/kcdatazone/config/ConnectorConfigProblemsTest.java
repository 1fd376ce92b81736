package io.kcdatazone.config;

import static io.kcdatazone.testkit.Settings.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.source.DataSourceRunSourceConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;

/**
 * Settings that are each valid but not together are refused by the connector's {@code validate()} on the key to fix,
 * and by the configuration itself, which the connector and its tasks build at start: a configuration that
 * {@code validate()} accepts never fails a task start, and one it refuses never runs with a silently corrected value.
 */
class ConnectorConfigProblemsTest {

    @Test
    void aMaximumRetryBackoffBelowTheFirstIsRefusedByValidateOnTheMaximum() {
        Map<String, String> props = sink("retry.backoff.ms", "1000", "retry.backoff.max.ms", "500");

        assertThat(errors(new DataSourceRunSinkConnector(), props)).containsOnlyKeys("retry.backoff.max.ms")
                .hasEntrySatisfying("retry.backoff.max.ms", messages -> assertThat(messages).singleElement()
                        .asString().contains("retry.backoff.ms").contains("1000"));
        assertThatThrownBy(() -> new DataSourceRunSinkConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.backoff.max.ms");
    }

    @Test
    void aMaximumPollIntervalBelowTheIntervalIsRefusedInsteadOfRaisedToIt() {
        Map<String, String> props = source("status.poll.interval.ms", "60000",
                "status.poll.interval.max.ms", "30000");

        assertThat(errors(new DataSourceRunSourceConnector(), props)).containsOnlyKeys("status.poll.interval.max.ms")
                .hasEntrySatisfying("status.poll.interval.max.ms", messages -> assertThat(messages).singleElement()
                        .asString().contains("status.poll.interval.ms").contains("60000"));
        assertThatThrownBy(() -> new DataSourceRunSourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("status.poll.interval.max.ms");
    }

    @Test
    void aTrackingLimitBelowTheMaximumPollIntervalIsRefused() {
        // Every run would be stopped before its first poll.
        Map<String, String> props = source("status.poll.interval.max.ms", "120000", "max.run.tracking.ms", "60000");

        assertThat(errors(new DataSourceRunSourceConnector(), props)).containsOnlyKeys("max.run.tracking.ms")
                .hasEntrySatisfying("max.run.tracking.ms", messages -> assertThat(messages).singleElement()
                        .asString().contains("status.poll.interval.max.ms").contains("120000"));
        assertThatThrownBy(() -> new DataSourceRunSourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max.run.tracking.ms");
        assertThat(errors(new DataSourceRunSourceConnector(),
                source("status.poll.interval.max.ms", "120000", "max.run.tracking.ms", "120000"))).isEmpty();
    }

    @Test
    void theLedgerReadersOffsetResetIsFixedLikeTheOtherLedgerClientSettings() {
        // The source task seeks every partition itself and publishes a gap it finds: a reset would skip it silently.
        Map<String, String> props = source("ledger.kafka.auto.offset.reset", "earliest");

        assertThat(errors(new DataSourceRunSourceConnector(), props)).containsOnlyKeys("ledger.kafka.auto.offset.reset")
                .hasEntrySatisfying("ledger.kafka.auto.offset.reset", messages -> assertThat(messages)
                        .singleElement().asString().contains("set it to none"));
        assertThatThrownBy(() -> new DataSourceRunSourceConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ledger.kafka.auto.offset.reset");
        assertThat(errors(new DataSourceRunSourceConnector(), source("ledger.kafka.auto.offset.reset", "none")))
                .isEmpty();
    }

    @Test
    void equalBoundsAreAccepted() {
        assertThat(errors(new DataSourceRunSinkConnector(),
                sink("retry.backoff.ms", "700", "retry.backoff.max.ms", "700"))).isEmpty();
        assertThat(errors(new DataSourceRunSourceConnector(),
                source("status.poll.interval.ms", "700", "status.poll.interval.max.ms", "700"))).isEmpty();
        assertThat(new DataSourceRunSinkConfig(sink("retry.backoff.ms", "700", "retry.backoff.max.ms", "700"))
                .retryBackoffMaxMs()).isEqualTo(700);
        assertThat(new DataSourceRunSourceConfig(
                source("status.poll.interval.ms", "700", "status.poll.interval.max.ms", "700"))
                .statusPollIntervalMaxMs()).isEqualTo(700);
    }

    @Test
    void theConfigurationRefusesConnectionAndLedgerProblemsToo() {
        // Both kinds were only checked by validate(): a connector created without it started anyway.
        assertThatThrownBy(() -> new DataSourceRunSinkConfig(sink("aws.session.token", "token-without-keys-1234",
                "aws.access.key.id", null, "aws.secret.access.key", null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aws.session.token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("token-without-keys-1234"));
        assertThatThrownBy(() -> new DataSourceRunSourceConfig(source("ledger.kafka.isolation.level",
                "read_uncommitted"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ledger.kafka.isolation.level");
    }

    @Test
    void validateReportsEveryProblemOnItsOwnKey() {
        Map<String, String> props = sink("retry.backoff.ms", "1000", "retry.backoff.max.ms", "500",
                "datazone.api.call.timeout.ms", "1000", "datazone.api.call.attempt.timeout.ms", "2000",
                "ledger.kafka.acks", "1");

        assertThat(errors(new DataSourceRunSinkConnector(), props)).containsOnlyKeys("retry.backoff.max.ms",
                "datazone.api.call.attempt.timeout.ms", "ledger.kafka.acks");
    }

    @Test
    void theConnectionsRedactorMasksTheLedgerClientsPasswordsToo() {
        // DataZone's and STS's messages pass through it; the ledger's settings belong to the same connector.
        DataSourceRunSinkConfig config = new DataSourceRunSinkConfig(sink("ledger.kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ledger\""
                        + " password=\"ledger-password-13be\";", "ledger.kafka.ssl.key.password",
                "ledger-key-password-6a90"));

        assertThat(config.connection().secretRedactor().redact("ledger-password-13be ledger-key-password-6a90 "
                + "problems-test-secret")).isEqualTo("[hidden] [hidden] [hidden]");
    }

    /** The error messages of {@code validate()}, by key, for keys that have any. */
    private static Map<String, List<String>> errors(Connector connector, Map<String, String> props) {
        Config result = connector.validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    private static Map<String, String> sink(String... overrides) {
        Map<String, String> props = common();
        props.put("topics", "requests");
        return with(props, overrides);
    }

    private static Map<String, String> source(String... overrides) {
        Map<String, String> props = common();
        props.put("output.topic", "events");
        return with(props, overrides);
    }

    private static Map<String, String> common() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "problems");
        props.put("datazone.region", "us-east-1");
        props.put("aws.access.key.id", "AKIAPROBLEMSTEST");
        props.put("aws.secret.access.key", "problems-test-secret");
        props.put("ledger.bootstrap.servers", "127.0.0.1:9");
        // Only the settings are checked here, not the systems they name.
        props.put("datazone.validate.live", "false");
        return props;
    }
}
