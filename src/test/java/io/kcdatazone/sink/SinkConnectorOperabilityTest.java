package io.kcdatazone.sink;

import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.await;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.JmxTaskMetrics;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator sees: misconfigurations refused at creation on the right key, metrics in JMX. */
class SinkConnectorOperabilityTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(SimulatorService.withDefaults())
            .build();

    @Test
    void aValidConfigurationPassesLiveValidation() {
        try (SinkScenario sink = SinkScenario.create(STACK, "valid", 1)) {
            assertThat(errorsByKey(sink.with("datazone.domain.identifier", DOMAIN).config())).isEmpty();
        }
    }

    @Test
    void anUnknownDefaultDomainIsRefusedOnItsKey() {
        try (SinkScenario sink = SinkScenario.create(STACK, "unknown-domain", 1)) {
            Map<String, String> config = sink.with("datazone.domain.identifier", "dzd_nosuchdomain").config();

            assertThat(errorsByKey(config)).containsOnlyKeys("datazone.domain.identifier");
            assertThat(errorsByKey(config).get("datazone.domain.identifier").get(0))
                    .contains("no domain 'dzd_nosuchdomain'");
            assertThatThrownBy(() -> STACK.connect().configureConnector("unknown-domain", config))
                    .isInstanceOf(ConnectRestException.class)
                    .hasMessageContaining("no domain 'dzd_nosuchdomain'");
        }
    }

    @Test
    void unreachableLedgerBrokersAreRefusedOnTheirKey() {
        try (SinkScenario sink = SinkScenario.create(STACK, "no-ledger", 1)) {
            Map<String, String> config = sink.with("ledger.bootstrap.servers", "127.0.0.1:1")
                    .with("ledger.kafka.request.timeout.ms", "2000")
                    .with("ledger.kafka.default.api.timeout.ms", "3000").config();

            assertThat(errorsByKey(config)).containsOnlyKeys("ledger.bootstrap.servers");
        }
    }

    @Test
    void inconsistentCredentialsAreRefusedWithoutEchoingTheSecret() {
        try (SinkScenario sink = SinkScenario.create(STACK, "half-credentials", 1)) {
            Map<String, String> config = sink.with("aws.secret.access.key", null).config();

            Map<String, List<String>> errors = errorsByKey(config);
            assertThat(errors).containsOnlyKeys("aws.secret.access.key");
            assertThat(errors.toString()).doesNotContain(SinkScenario.ACCESS_KEY_ID);
        }
    }

    @Test
    void liveChecksCanBeTurnedOff() {
        try (SinkScenario sink = SinkScenario.create(STACK, "offline", 1)) {
            Map<String, String> config = sink.with("datazone.validate.live", "false")
                    .with("datazone.domain.identifier", "dzd_nosuchdomain").config();

            assertThat(errorsByKey(config)).isEmpty();
        }
    }

    @Test
    void ledgerClientSettingsThatBreakItsGuaranteesAreRefusedOnTheirKeys() {
        try (SinkScenario sink = SinkScenario.create(STACK, "weak-ledger", 1)) {
            Map<String, List<String>> errors = errorsByKey(sink.with("ledger.kafka.acks", "1")
                    .with("ledger.kafka.enable.idempotence", "false")
                    .with("ledger.kafka.transactional.id", "mine")
                    .with("ledger.kafka.isolation.level", "read_committed")
                    .with("ledger.kafka.linger.ms", "20").config());

            assertThat(errors).containsOnlyKeys("ledger.kafka.acks", "ledger.kafka.enable.idempotence",
                    "ledger.kafka.transactional.id");
            assertThat(errors.get("ledger.kafka.acks").get(0))
                    .startsWith("Remove this setting or set it to all").contains("can be lost");
            assertThat(errors.get("ledger.kafka.transactional.id").get(0)).startsWith("Remove this setting");
        }
    }

    @Test
    void sameValuesAsTheFixedLedgerClientSettingsPass() {
        try (SinkScenario sink = SinkScenario.create(STACK, "explicit-ledger", 1)) {
            assertThat(errorsByKey(sink.with("ledger.kafka.acks", "-1")
                    .with("ledger.kafka.enable.idempotence", "TRUE").config())).isEmpty();
        }
    }

    /**
     * The AWS SDK logs on its own threads and the ledger producer on its network thread; without our thread factories
     * and client ids those lines would not say which connector and task they belong to.
     */
    @Test
    void linesFromTheSdkAndLedgerClientThreadsNameTheConnectorAndTask() {
        try (CapturedLog log = CapturedLog.start(Map.of(
                "software.amazon.awssdk.request", Level.DEBUG,
                "software.amazon.awssdk.http.nio.netty", Level.DEBUG,
                "org.apache.kafka.clients.producer.internals", Level.DEBUG));
             SinkScenario sink = SinkScenario.create(STACK, "traced", 1).start()) {
            sink.send("traced-1", request(DOMAIN, SALES));
            sink.awaitEveryOutcome();

            List<String> sdkLines = log.lines().stream().filter(line -> line.contains("software.amazon.awssdk"))
                    .collect(Collectors.toList());
            assertThat(sdkLines).as("lines the AWS SDK logged").isNotEmpty()
                    .anyMatch(line -> !line.contains("[task-thread-traced-0]"))
                    .allMatch(line -> line.contains("[traced|task-0] "));
            assertThat(log.lines()).as("lines from the ledger producer's network thread")
                    .anyMatch(line -> line.contains("[kafka-producer-network-thread | "
                            + "datazone-ledger-writer-traced-task-0]"));
        }
    }

    @Test
    void taskMetricsMoveInJmxAsRequestsFlow() {
        try (SinkScenario sink = SinkScenario.create(STACK, "metered", 1).start()) {
            sink.send("metered-1", request(DOMAIN, SALES));
            sink.send("metered-2", "{not json");
            sink.send("metered-3", null);
            sink.awaitEveryOutcome();

            await("the task's metrics to count the requests").until(() ->
                    metric("metered", "requests-received-total") == 3.0
                            && metric("metered", "runs-started-total") == 1.0
                            && metric("metered", "invalid-requests-total") == 1.0
                            && metric("metered", "tombstones-skipped-total") == 1.0
                            && metric("metered", "ledger-entries-written-total") == 2.0);
            assertThat(metric("metered", "requests-received-rate")).isPositive();
            assertThat(metric("metered", "start-data-source-run-latency-max")).isPositive();
            assertThat(metric("metered", "in-flight-calls")).isZero();
        }
    }

    private static Map<String, List<String>> errorsByKey(Map<String, String> config) {
        Map<String, String> props = new HashMap<>(config);
        props.put("name", "validated");
        ConfigInfos infos = STACK.connect().validateConnectorConfig(DataSourceRunSinkConnector.class.getSimpleName(),
                props);
        return infos.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty())
                .collect(Collectors.toMap(value -> value.name(), value -> value.errors()));
    }

    private static double metric(String connector, String attribute) {
        return JmxTaskMetrics.read(connector, attribute, "");
    }
}
