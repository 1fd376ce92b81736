package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.source.DataSourceRunSourceConnector;
import io.kcdatazone.testkit.Acls;
import io.kcdatazone.testkit.SaslKafkaService;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger clients of both connectors on a cluster whose authorizer allows only what ACLs grant, with the sink's and
 * the source's principals holding exactly the ACLs docs/security.md lists: on the ledger topic, the sink WRITE and
 * DESCRIBE, the source READ and DESCRIBE; CREATE only where a connector is to create the topic.
 */
class LedgerLeastPrivilegeTest {

    private static final String SINK_USER = "ledger-sink";
    private static final String SINK_PASSWORD = "ledger-sink-password-0d3a";
    private static final String SOURCE_USER = "ledger-source";
    private static final String SOURCE_PASSWORD = "ledger-source-password-9b71";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final SaslKafkaService LEDGER =
            SaslKafkaService.enforcingAcls(Map.of(SINK_USER, SINK_PASSWORD, SOURCE_USER, SOURCE_PASSWORD));
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        LEDGER.start();
        Map<String, Object> settings = new HashMap<>(
                SaslKafkaService.clientSettings(SaslKafkaService.ADMIN, SaslKafkaService.ADMIN_PASSWORD));
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, LEDGER.bootstrapServers());
        admin = Admin.create(settings);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        LEDGER.close();
    }

    @Test
    void bothConnectorsRunOnATopicTheyMayOnlyDescribeWriteAndRead() throws Exception {
        String topic = "least-privilege-ledger";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        grant(topic, SINK_USER, AclOperation.DESCRIBE, AclOperation.WRITE);
        grant(topic, SOURCE_USER, AclOperation.DESCRIBE, AclOperation.READ);

        DataSourceRunSinkConnector sink = new DataSourceRunSinkConnector();
        sink.start(connectorConfig("least-privilege-sink", topic, SINK_USER, SINK_PASSWORD));
        sink.stop();
        DataSourceRunSourceConnector source = new DataSourceRunSourceConnector();
        Map<String, String> sourceConfig = connectorConfig("least-privilege-source", topic, SOURCE_USER,
                SOURCE_PASSWORD);
        source.start(sourceConfig);
        try {
            assertThat(source.taskConfigs(4)).as("a task per ledger partition").hasSize(2);
        } finally {
            source.stop();
        }

        LedgerEntry written = LedgerEntry.failed(new RequestCoordinates("requests", 0, 3), "token-least-privilege",
                "dzd_a", "ds_a", new RunError("VALIDATION_EXCEPTION", "written with WRITE only"), null, Instant.now());
        LedgerConfig sinkLedger = ledger(topic, SINK_USER, SINK_PASSWORD);
        try (LedgerWriter writer = new LedgerWriter(sinkLedger, "least-privilege-writer")) {
            writer.append(written).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(LedgerTopicContents.readAtLeastOne(ledger(topic, SOURCE_USER, SOURCE_PASSWORD),
                "least-privilege-reader", TIMEOUT)).singleElement()
                .satisfies(record -> assertThat(LedgerCodec.decode(record.value()).clientToken())
                        .isEqualTo("token-least-privilege"));
    }

    @Test
    void aMissingTopicIsCreatedByAPrincipalAllowedToCreateIt() throws Exception {
        String topic = "least-privilege-created";
        grant(topic, SINK_USER, AclOperation.DESCRIBE, AclOperation.WRITE, AclOperation.CREATE);

        Map<String, String> settings = ledgerSettings(topic, SINK_USER, SINK_PASSWORD);
        // Left to the broker: the connector asks it, with a validate-only request, which replication factor it gives.
        settings.remove(LedgerConfig.TOPIC_REPLICATION_FACTOR);

        LedgerTopic.ensureExists(LedgerConfig.from(new AbstractConfig(LedgerConfig.define(new ConfigDef()), settings)),
                "least-privilege-creator");

        assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .get(topic).partitions()).hasSize(2);
    }

    @Test
    void aTopicAnotherConnectorCreatesBetweenTheCheckAndTheCreationCountsAsExisting() throws Exception {
        String topic = "least-privilege-race";
        grant(topic, SINK_USER, AclOperation.DESCRIBE, AclOperation.WRITE, AclOperation.CREATE);
        LedgerConfig ledger = ledger(topic, SINK_USER, SINK_PASSWORD);
        Map<String, Object> settings = new HashMap<>(ledger.adminProps("least-privilege-racer"));

        // The other connector's creation lands after this one found the topic missing, just before it creates it.
        try (Admin racing = new ForwardingAdmin(settings) {
            @Override
            public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all()
                            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other connector could not create the topic", e);
                }
                return super.createTopics(topics, options);
            }
        }) {
            assertThat(new LedgerTopic(racing, ledger).ensureExists()).as("the other connector's partitions")
                    .isEqualTo(3);
        }
    }

    @Test
    void aMissingTopicThatThePrincipalMayNotCreateFailsTheStartSayingSo() {
        String topic = "least-privilege-missing";
        grant(topic, SOURCE_USER, AclOperation.DESCRIBE, AclOperation.READ);
        DataSourceRunSourceConnector source = new DataSourceRunSourceConnector();

        assertThatThrownBy(() -> source.start(connectorConfig("least-privilege-missing", topic, SOURCE_USER,
                SOURCE_PASSWORD)))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("'" + topic + "'")
                .hasMessageContaining("CREATE")
                .hasMessageContaining("create the topic yourself")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SOURCE_PASSWORD));
        source.stop();
    }

    private static void grant(String topic, String user, AclOperation... operations) {
        Acls.grant(admin, Acls.allowOnTopic(user, topic, operations), TIMEOUT);
    }

    private static LedgerConfig ledger(String topic, String user, String password) {
        return LedgerConfig.from(new AbstractConfig(LedgerConfig.define(new ConfigDef()),
                ledgerSettings(topic, user, password)));
    }

    private static Map<String, String> connectorConfig(String name, String topic, String user, String password) {
        Map<String, String> config = ledgerSettings(topic, user, password);
        config.put("name", name);
        config.put("topics", name + "-requests");
        config.put("output.topic", name + "-events");
        config.put("datazone.region", "us-east-1");
        config.put("aws.access.key.id", "AKIALEASTPRIVILEGE01");
        config.put("aws.secret.access.key", "least-privilege-aws-secret");
        return config;
    }

    private static Map<String, String> ledgerSettings(String topic, String user, String password) {
        Map<String, String> settings = new HashMap<>();
        settings.put(LedgerConfig.TOPIC, topic);
        settings.put(LedgerConfig.BOOTSTRAP_SERVERS, LEDGER.bootstrapServers());
        settings.put(LedgerConfig.TOPIC_PARTITIONS, "2");
        settings.put(LedgerConfig.TOPIC_REPLICATION_FACTOR, "1");
        SaslKafkaService.clientSettings(user, password)
                .forEach((key, value) -> settings.put(LedgerConfig.KAFKA_PREFIX + key, value));
        return settings;
    }
}
