package io.kcdatazone.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** Reads a ledger topic back through the ledger's own consumer settings, as the source connector's reader would. */
final class LedgerTopicContents {

    private LedgerTopicContents() {
    }

    /** Every partition from its start, until at least one record has come. */
    static List<ConsumerRecord<String, byte[]>> readAtLeastOne(LedgerConfig ledger, String clientId,
                                                               Duration timeout) {
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(ledger.consumerProps(clientId))) {
            List<TopicPartition> partitions = reader.partitionsFor(ledger.topic()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .collect(Collectors.toList());
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
            Awaitility.await("the entry read back").atMost(timeout).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
            return read;
        }
    }
}
