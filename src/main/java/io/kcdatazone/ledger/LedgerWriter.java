package io.kcdatazone.ledger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Appends ledger entries with the sink's own idempotent producer ({@code acks=all}). A write completes only when the
 * entry is durable; the sink releases a request's offset after that, never before (invariant 3).
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
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, entry.ledgerKey(), LedgerCodec.encode(entry)),
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
