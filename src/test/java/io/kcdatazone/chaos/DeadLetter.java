package io.kcdatazone.chaos;

import io.kcdatazone.ledger.RequestCoordinates;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A record in the dead letter queue, identified by the request record it reports (Connect's error context headers).
 *
 * @param origin the request record's coordinates, or null when the headers do not name one
 * @param offset where the dead letter sits in its queue
 */
public record DeadLetter(RequestCoordinates origin, long offset) {

    /** Reads the origin from the headers {@code errors.deadletterqueue.context.headers.enable=true} adds. */
    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        String topic = header(record, "__connect.errors.topic");
        String partition = header(record, "__connect.errors.partition");
        String offset = header(record, "__connect.errors.offset");
        RequestCoordinates origin = topic == null || partition == null || offset == null ? null
                : new RequestCoordinates(topic, Integer.parseInt(partition), Long.parseLong(offset));
        return new DeadLetter(origin, record.offset());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
