package io.kcdatazone.examples.consumer;

import io.kcdatazone.event.DataSourceRunEvent;
import io.kcdatazone.events.DuplicateEventFilter;
import io.kcdatazone.events.RunEvents;
import io.kcdatazone.events.RunOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads the source connector's output topic and acts on each request's last event: it prints one line for every
 * request that did not end in a fully successful run (the run failed or partially succeeded, no run started, the run
 * vanished or was given up on), and counts the rest. Runs until stopped (Ctrl-C, SIGTERM), then prints a summary.
 *
 * <pre>
 * java -cp ... io.kcdatazone.examples.consumer.FailedRunsConsumer consumer.properties
 * </pre>
 *
 * The properties file holds the topic ({@code topic}) and the consumer's settings, the registry deserializer's among
 * them (see {@code consumer.properties} beside the pom).
 */
public final class FailedRunsConsumer {

    /**
     * Event ids remembered to drop repeats: more than the events of one minute (the source's default offset commit
     * interval, after which a crashed task repeats what it emitted) of a busy connector, at about 150 bytes each.
     */
    private static final int REMEMBERED_EVENT_IDS = 100_000;
    private static final String TOPIC = "topic";

    private final PrintStream out;
    private final DuplicateEventFilter duplicates = new DuplicateEventFilter(REMEMBERED_EVENT_IDS);
    private long terminal;
    private long succeeded;
    private long notSucceeded;
    private long duplicatesDropped;
    private long unreadable;

    FailedRunsConsumer(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FailedRunsConsumer CONSUMER_PROPERTIES_FILE");
            System.exit(2);
        }
        Properties settings = load(Path.of(args[0]));
        String topic = (String) settings.remove(TOPIC);
        if (topic == null) {
            System.err.println(args[0] + ": set " + TOPIC + " to the source connector's output.topic");
            System.exit(2);
        }
        // The consumer acts on an event before it commits it (at least once): its own commits only.
        settings.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

        FailedRunsConsumer example = new FailedRunsConsumer(System.out);
        try (KafkaConsumer<String, DataSourceRunEvent> consumer = new KafkaConsumer<>(settings)) {
            Thread main = Thread.currentThread();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.wakeup();
                try {
                    // Let the loop finish its batch, commit and print the summary before the JVM exits.
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    main.interrupt();
                }
            }, "consumer-shutdown"));
            try {
                example.run(consumer, topic);
            } finally {
                example.printSummary();
                stopped.countDown();
            }
        }
    }

    /** Consumes until {@link KafkaConsumer#wakeup()}. */
    void run(KafkaConsumer<String, DataSourceRunEvent> consumer, String topic) {
        consumer.subscribe(List.of(topic));
        out.println("consuming " + topic);
        try {
            while (true) {
                try {
                    for (ConsumerRecord<String, DataSourceRunEvent> record : consumer.poll(Duration.ofSeconds(1))) {
                        handle(record.value());
                    }
                } catch (RecordDeserializationException e) {
                    // A record the deserializer cannot read (not Avro, a schema the registry does not have): say
                    // which, and go on after it rather than stop every other request's handling.
                    unreadable++;
                    out.println("UNREADABLE " + e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                consumer.commitSync();
            }
        } catch (WakeupException stop) {
            // Asked to stop: what was handled is committed.
        }
    }

    void handle(DataSourceRunEvent event) {
        if (event == null) {
            // The connector writes no tombstones; a record with a null value is not one of its events.
            return;
        }
        if (!duplicates.firstSeen(event)) {
            duplicatesDropped++;
            return;
        }
        Optional<RunOutcome> outcome = RunEvents.outcome(event);
        if (outcome.isEmpty()) {
            return;
        }
        terminal++;
        if (outcome.get().isSuccess()) {
            succeeded++;
        } else {
            notSucceeded++;
            out.println(describe(outcome.get(), event));
        }
    }

    /** One line per request that needs someone's attention: what happened, to which request, run and data source. */
    static String describe(RunOutcome outcome, DataSourceRunEvent event) {
        StringBuilder line = new StringBuilder("FAILED outcome=").append(outcome)
                .append(" key=").append(event.getClientToken())
                .append(" domain=").append(event.getDomainId())
                .append(" dataSource=").append(event.getDataSourceId())
                .append(" run=").append(event.getRunId());
        if (event.getRunStatisticsForAssets() != null) {
            line.append(" assetsFailed=").append(event.getRunStatisticsForAssets().getFailed());
        }
        if (event.getErrorMessage() != null) {
            line.append(" error=").append(event.getErrorMessage().getErrorType())
                    .append(" detail=").append(event.getErrorMessage().getErrorDetail());
        }
        return line.toString();
    }

    void printSummary() {
        out.printf("summary: terminal=%d succeeded=%d notSucceeded=%d duplicatesDropped=%d unreadable=%d%n",
                terminal, succeeded, notSucceeded, duplicatesDropped, unreadable);
        out.flush();
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }
}
