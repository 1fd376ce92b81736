package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** The ledger topic as the connectors create it, and the ledger client secrets they mask. */
class LedgerConfigTest {

    @Test
    void aTopicOfThreeOrMoreReplicasIsCreatedWithTwoInSyncReplicasRequired() {
        NewTopic topic = ledger("ledger.topic.replication.factor", "3").newTopic();

        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs()).containsEntry("min.insync.replicas", "2")
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(7L * 24 * 60 * 60 * 1000));
        assertThat(ledger("ledger.topic.replication.factor", "5").newTopic().configs())
                .containsEntry("min.insync.replicas", "2");
    }

    @Test
    void fewerReplicasKeepTheBrokersMinInSyncReplicas() {
        // With two replicas, requiring both would stop the sink whenever one broker restarts.
        for (String replicas : new String[] {"1", "2"}) {
            NewTopic topic = ledger("ledger.topic.replication.factor", replicas).newTopic();

            assertThat(topic.replicationFactor()).isEqualTo(Short.parseShort(replicas));
            assertThat(topic.configs()).doesNotContainKey("min.insync.replicas")
                    .containsEntry("cleanup.policy", "delete");
        }
    }

    @Test
    void theBrokersDefaultReplicationFactorDecidesWhenNoneIsConfigured() {
        LedgerConfig ledger = ledger();

        assertThat(ledger.replicationFactorConfigured()).isFalse();
        assertThat(ledger.newTopic().replicationFactor()).as("left to the broker").isEqualTo((short) -1);
        assertThat(ledger.newTopic().configs()).doesNotContainKey("min.insync.replicas");
        assertThat(ledger.newTopic((short) 3).replicationFactor()).as("still left to the broker").isEqualTo((short) -1);
        assertThat(ledger.newTopic((short) 3).configs()).containsEntry("min.insync.replicas", "2");
        assertThat(ledger.newTopic((short) 1).configs()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void theRedactorMasksEveryPasswordOfTheLedgerClients() {
        LedgerConfig ledger = ledger(
                "ledger.kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"datazone-ledger\" password=\"jaas-password-5c1e\";",
                "ledger.kafka.ssl.key.password", "ssl-key-password-81fa",
                "ledger.kafka.ssl.truststore.password", "truststore-password-d07b",
                "ledger.kafka.ssl.keystore.location", "/etc/kafka/ledger.keystore.jks");
        String text = "login failed for password=jaas-password-5c1e, key ssl-key-password-81fa, truststore"
                + " truststore-password-d07b, keystore /etc/kafka/ledger.keystore.jks, user datazone-ledger";

        assertThat(ledger.secretRedactor().redact(text)).isEqualTo("login failed for password=[hidden], key [hidden],"
                + " truststore [hidden], keystore /etc/kafka/ledger.keystore.jks, user datazone-ledger");
    }

    private static LedgerConfig ledger(String... settings) {
        Map<String, String> props = new HashMap<>();
        props.put("ledger.bootstrap.servers", "127.0.0.1:9092");
        for (int i = 0; i < settings.length; i += 2) {
            props.put(settings[i], settings[i + 1]);
        }
        return LedgerConfig.from(new AbstractConfig(LedgerConfig.define(new ConfigDef()), props));
    }
}
