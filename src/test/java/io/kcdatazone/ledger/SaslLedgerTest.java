package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.source.DataSourceRunSourceConnector;
import io.kcdatazone.testkit.SaslKafkaService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's clients against a broker that demands SASL (PLAIN over SASL_PLAINTEXT), configured only through
 * {@code ledger.kafka.*}: the topic is created, written and read; wrong credentials fail validation and start with a
 * message that names the ledger and the authentication failure, never the password. The connectors running end to end
 * over such a ledger are in {@code SecretLeakTest}.
 */
class SaslLedgerTest {

    private static final String WRONG_PASSWORD = "wrong-ledger-password-4e1b";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final SaslKafkaService LEDGER = new SaslKafkaService();
    private static DataZoneSimulator simulator;

    @BeforeAll
    static void start() throws Exception {
        LEDGER.start();
        simulator = DataZoneSimulator.start(SimulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        LEDGER.close();
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void theSinksWriterAndTheSourcesReaderWorkThroughLedgerKafkaSettings() throws Exception {
        LedgerConfig ledger = ledgerConfig("sasl-roundtrip", SaslKafkaService.PASSWORD);
        LedgerTopic.ensureExists(ledger, "sasl-test-admin");
        LedgerEntry written = LedgerEntry.failed(new RequestCoordinates("requests", 0, 7), "token-sasl", "dzd_a",
                "ds_a", new RunError("VALIDATION_EXCEPTION", "written over SASL"), null, Instant.now());
        try (LedgerWriter writer = new LedgerWriter(ledger, "sasl-test-writer")) {
            writer.append(written).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, byte[]>> read =
                LedgerTopicContents.readAtLeastOne(ledger, "sasl-test-reader", TIMEOUT);
        assertThat(read).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(written.ledgerKey());
            assertThat(LedgerCodec.decode(record.value()).clientToken()).isEqualTo("token-sasl");
        });
    }

    @Test
    void aWrongPasswordFailsTheSinksValidationOnTheLedgerKeyWithoutShowingThePassword() {
        Config result = new DataSourceRunSinkConnector().validate(connectorConfig("sasl-sink", WRONG_PASSWORD));

        List<String> errors = result.configValues().stream()
                .filter(value -> value.name().equals(LedgerConfig.BOOTSTRAP_SERVERS))
                .map(ConfigValue::errorMessages).findFirst().orElseThrow();
        assertThat(errors).singleElement().asString()
                .contains("Cannot reach the ledger's brokers")
                .contains("Authentication failed")
                .doesNotContain(WRONG_PASSWORD);
        assertThat(result.configValues()).as("no other key is blamed")
                .filteredOn(value -> !value.name().equals(LedgerConfig.BOOTSTRAP_SERVERS))
                .allSatisfy(value -> assertThat(value.errorMessages()).isEmpty());
    }

    @Test
    void aWrongPasswordStopsTheSourceConnectorFromStartingWithAClearError() {
        DataSourceRunSourceConnector connector = new DataSourceRunSourceConnector();
        Map<String, String> config = connectorConfig("sasl-source", WRONG_PASSWORD);
        config.put("output.topic", "sasl-source-events");

        assertThatThrownBy(() -> connector.start(config))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("ledger topic")
                .hasMessageContaining("Authentication failed")
                .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain(WRONG_PASSWORD));
    }

    @Test
    void aMalformedJaasConfigIsReportedWithoutThePasswordItHolds() {
        String wellFormed = SaslKafkaService.jaasConfig("u", WRONG_PASSWORD);
        // Typos Kafka's JAAS parser stops at: a missing '=' before the password, an unquoted value and no semicolon.
        List<String> malformed = List.of(wellFormed.replace("password=", "password "),
                wellFormed.replace(";", "").replace("\"" + WRONG_PASSWORD + "\"", WRONG_PASSWORD + " = x"));
        for (String jaasConfig : malformed) {
            Map<String, String> config = connectorConfig("sasl-malformed", WRONG_PASSWORD);
            config.put(LedgerConfig.KAFKA_PREFIX + "sasl.jaas.config", jaasConfig);

            Config result = new DataSourceRunSinkConnector().validate(config);

            assertThat(result.configValues()).flatExtracting(ConfigValue::errorMessages)
                    .isNotEmpty()
                    .allSatisfy(message -> assertThat(message).doesNotContain(WRONG_PASSWORD));
            config.put("output.topic", "sasl-malformed-events");
            assertThatThrownBy(() -> new DataSourceRunSourceConnector().start(config))
                    .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain(WRONG_PASSWORD));
        }
    }

    private static LedgerConfig ledgerConfig(String topic, String password) {
        Map<String, String> props = new HashMap<>(ledgerSettings(topic, password));
        return LedgerConfig.from(new AbstractConfig(LedgerConfig.define(new ConfigDef()), props));
    }

    private static Map<String, String> connectorConfig(String name, String ledgerPassword) {
        Map<String, String> config = new HashMap<>(ledgerSettings(name + "-ledger", ledgerPassword));
        config.put("name", name);
        config.put("topics", name + "-requests");
        config.put("datazone.region", "us-east-1");
        config.put("datazone.endpoint.override", simulator.endpoint().toString());
        config.put("aws.access.key.id", "AKIASASLLEDGERTEST");
        config.put("aws.secret.access.key", "sasl-ledger-test-secret");
        return config;
    }

    private static Map<String, String> ledgerSettings(String topic, String password) {
        Map<String, String> settings = new HashMap<>();
        settings.put(LedgerConfig.TOPIC, topic);
        settings.put(LedgerConfig.BOOTSTRAP_SERVERS, LEDGER.bootstrapServers());
        settings.put(LedgerConfig.TOPIC_PARTITIONS, "2");
        settings.put(LedgerConfig.TOPIC_REPLICATION_FACTOR, "1");
        SaslKafkaService.clientSettings(SaslKafkaService.USER, password)
                .forEach((key, value) -> settings.put(LedgerConfig.KAFKA_PREFIX + key, value));
        return settings;
    }

    private static String stackTraceOf(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
