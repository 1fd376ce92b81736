package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LedgerWriterTest {

    private static final String TOPIC = "ledger";

    @Test
    void aProgressMarkGoesToEveryLedgerPartitionAndCompletesWhenAllAcknowledgedIt() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> partitions = List.of(0, 1, 2).stream()
                .map(p -> new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}))
                .toList();
        Cluster cluster = new Cluster("ledger-cluster", List.of(node), partitions, Set.of(),
                Set.of());
        MockProducer<String, byte[]> producer = new MockProducer<>(cluster, false, null, new StringSerializer(),
                new ByteArraySerializer());
        ProgressMark mark = ProgressMark.of(List.of(new ProgressMark.Below("requests", 4, 120)),
                Instant.parse("2026-03-02T10:00:00Z"));

        CompletableFuture<Void> written = new LedgerWriter(producer, TOPIC).appendToEveryPartition(mark);

        assertThat(producer.history()).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsOnly(ProgressMark.LEDGER_KEY);
        assertThat(producer.history()).extracting(record -> LedgerCodec.decodeRecord(record.value()))
                .containsOnly(mark);
        producer.completeNext();
        producer.completeNext();
        assertThat(written).isNotDone();
        producer.completeNext();
        assertThat(written).isCompleted();
    }
}
