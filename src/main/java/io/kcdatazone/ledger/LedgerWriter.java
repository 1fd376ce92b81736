package io.kcdatazone.ledger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;

/**
 * Appends ledger entries with the sink's own idempotent producer ({@code acks=all}). A write completes only when the
 * entry is durable; the sink releases a request's offset after that, never before, so no committed offset passes a
 * request whose outcome is not in the ledger (docs/sink.md, "Offsets and durability").
 */
public class LedgerWriter implements LedgerAppender, AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final String topic;

    public LedgerWriter(LedgerConfig config, String clientId) {
        this(new KafkaProducer<>(config.producerProps(clientId)), config.topic());
    }

    LedgerWriter(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Sends an entry; the future completes on the producer's I/O thread once every in-sync replica has it. */
    @Override
    public CompletableFuture<RecordMetadata> append(LedgerEntry entry) {
        return send(new ProducerRecord<>(topic, entry.ledgerKey(), LedgerCodec.encode(entry)));
    }

    /**
     * Sends a progress mark to every partition of the ledger topic, so each source task meets it after the outcomes it
     * covers. Looking up the partitions may block while the producer has no metadata for the topic.
     */
    public CompletableFuture<Void> appendToEveryPartition(ProgressMark mark) {
        byte[] value = LedgerCodec.encode(mark);
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        CompletableFuture<?>[] written = new CompletableFuture<?>[partitions.size()];
        for (int i = 0; i < written.length; i++) {
            written[i] = send(new ProducerRecord<>(topic, partitions.get(i).partition(), ProgressMark.LEDGER_KEY,
                    value));
        }
        return CompletableFuture.allOf(written);
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            producer.send(record,
                    (metadata, error) -> {
                        if (error != null) {
                            written.completeExceptionally(error);
                        } else {
                            written.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
