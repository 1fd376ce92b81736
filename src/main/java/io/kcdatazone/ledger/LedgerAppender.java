package io.kcdatazone.ledger;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Where the sink appends request outcomes: the seam between what the task decides and the ledger producer. */
@FunctionalInterface
public interface LedgerAppender {

    /** Sends an entry; the future completes once the entry is durable in the ledger, or fails. */
    CompletableFuture<RecordMetadata> append(LedgerEntry entry);
}
