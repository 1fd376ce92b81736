package io.kcdatazone.demo;

import io.kcdatazone.testkit.CcompatClient;
import io.kcdatazone.testkit.ConfluentWireFormat;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads the output topic and the dead letter queue from the beginning, decodes each event from Avro through the
 * registry as a Confluent consumer would, prints one line per record and keeps what it saw for the summary.
 */
final class EventFeed implements AutoCloseable {

    private static final String DLQ_MESSAGE_HEADER = "__connect.errors.exception.message";

    private final KafkaConsumer<String, byte[]> consumer;
    private final ConfluentWireFormat wireFormat;
    private final String outputTopic;
    private final PrintStream out;
    private final List<Scenario.Event> events = new ArrayList<>();
    private int dlqEntries;

    EventFeed(String bootstrapServers, String ccompatUrl, String outputTopic, String dlqTopic, PrintStream out) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "datazone-demo-viewer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(outputTopic, dlqTopic));
        this.wireFormat = new ConfluentWireFormat(new CcompatClient(ccompatUrl));
        this.outputTopic = outputTopic;
        this.out = out;
    }

    /** Reads and prints whatever arrived within {@code timeout}. */
    void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (record.topic().equals(outputTopic)) {
                Scenario.Event event = decode(record);
                events.add(event);
                out.println(format(event));
            } else {
                dlqEntries++;
                Header reason = record.headers().lastHeader(DLQ_MESSAGE_HEADER);
                out.printf("dlq    %-18s %s%n", record.key(),
                        reason == null ? "(no error header)" : new String(reason.value(), StandardCharsets.UTF_8));
            }
        }
    }

    private Scenario.Event decode(ConsumerRecord<String, byte[]> record) {
        GenericRecord value = wireFormat.decode(record.value());
        GenericRecord error = (GenericRecord) value.get("errorMessage");
        return new Scenario.Event(record.key(), text(value, "eventType"), text(value, "dataSourceId"),
                text(value, "runId"), text(value, "status"), text(value, "previousStatus"),
                error == null ? null : text(error, "errorType"), error == null ? null : text(error, "errorDetail"));
    }

    private static String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    private static String format(Scenario.Event event) {
        StringBuilder line = new StringBuilder(String.format("event  %-18s %-18s %-16s", event.key(),
                event.eventType(), event.dataSourceId() == null ? "-" : event.dataSourceId()));
        if (event.runId() != null) {
            line.append(" run=").append(event.runId());
        }
        if (event.status() != null) {
            line.append(' ').append(event.previousStatus() == null ? "" : event.previousStatus() + " -> ")
                    .append(event.status());
        }
        if (event.errorType() != null) {
            line.append(" error=").append(event.errorType()).append(": ").append(event.errorDetail());
        }
        return line.toString();
    }

    List<Scenario.Event> events() {
        return events;
    }

    int dlqEntries() {
        return dlqEntries;
    }

    Map<String, Long> eventsByType() {
        Map<String, Long> counts = new TreeMap<>();
        events.forEach(event -> counts.merge(event.eventType(), 1L, Long::sum));
        return counts;
    }

    long runsStarted() {
        return events.stream().filter(e -> "RUN_STARTED".equals(e.eventType())).map(Scenario.Event::runId)
                .distinct().count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
