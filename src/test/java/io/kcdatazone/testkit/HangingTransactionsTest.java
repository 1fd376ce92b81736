package io.kcdatazone.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe the chaos suite trusts to say no transaction was left open finds one that is. */
class HangingTransactionsTest {

    private static final String TOPIC = "probed";
    private static final Duration OLDER_THAN = Duration.ofSeconds(1);

    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        Properties broker = new Properties();
        // One broker: the transaction log must make do with one replica.
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        kafka.createTopic(TOPIC, 2);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void findsATransactionThatNeitherCommitsNorAborts() throws Exception {
        try (Admin admin = kafka.createAdminClient();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "left-open"), new StringSerializer(),
                     new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 1, "key", "value")).get();

            List<String> open = Awaitility.await("the open transaction found").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> HangingTransactions.find(admin, List.of(TOPIC), OLDER_THAN),
                            found -> !found.isEmpty());
            assertThat(open).singleElement().satisfies(line -> assertThat(line)
                    .startsWith(TOPIC + "-1: ").contains("left-open Ongoing"));

            producer.commitTransaction();
            // The commit markers reach the partition shortly after the commit returns.
            Awaitility.await("nothing open once committed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> HangingTransactions.find(admin, List.of(TOPIC), OLDER_THAN).isEmpty());
        }
    }
}
