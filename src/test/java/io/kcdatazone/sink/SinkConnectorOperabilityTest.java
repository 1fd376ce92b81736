package io.kcdatazone.sink;

import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.await;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
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
    void taskMetricsMoveInJmxAsRequestsFlow() throws Exception {
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

    /** Reads a task metric the way a JMX agent would: by attribute name, on an MBean tagged with the connector. */
    private static double metric(String connector, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("kafka.connect:type=plugins,connector=" + connector
                + ",*"), null);
        for (ObjectName name : names) {
            try {
                Object value = server.getAttribute(name, attribute);
                if (value instanceof Number number) {
                    return number.doubleValue();
                }
            } catch (javax.management.AttributeNotFoundException e) {
                // Another plugin's MBean of this connector (a converter, say).
            }
        }
        return Double.NaN;
    }
}
