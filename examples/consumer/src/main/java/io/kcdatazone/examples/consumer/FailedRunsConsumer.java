package io.kcdatazone.examples.consumer;

import io.kcdatazone.event.DataSourceRunEvent;
import io.kcdatazone.events.DuplicateEventFilter;
import io.kcdatazone.events.RunEvents;
import io.kcdatazone.events.RunOutcome;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.common.utils.Time;

/**
 * Reads the source connector's output topic and acts on each request's last event: it prints one line for every
 * request that did not end in a fully successful run (the run failed or partially succeeded, no run started, the run
 * vanished or was given up on), and counts the rest. Runs until stopped (Ctrl-C, SIGTERM), then prints a summary.
 *
 * <p>A terminal event ends a request record, not a run: the same key sent twice gives a second terminal event of the
 * same run (a {@code RUN_STARTED} that finds it ended). So the example acts once per run ({@code runId}), or once per
 * request ({@code clientToken}) when no run started.
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
    /** Runs (and run-less requests) remembered to act once on each: far more than end within a rebalance's replay. */
    private static final int REMEMBERED_RUNS = 100_000;
    /** While the registry cannot be reached: retry the record after 0.5 s, doubling up to 10 s (below the stop). */
    private static final ExponentialBackoff RETRY_BACKOFF = new ExponentialBackoff(500, 2, 10_000, 0.2);
    /** Confluent's wire format: a zero byte, the schema id, the Avro data. */
    private static final byte MAGIC_BYTE = 0;
    private static final String TOPIC = "topic";

    private final PrintStream out;
    private final Time time;
    private final DuplicateEventFilter duplicates = new DuplicateEventFilter(REMEMBERED_EVENT_IDS);
    private final DuplicateEventFilter actedOn = new DuplicateEventFilter(REMEMBERED_RUNS);
    private long terminal;
    private long succeeded;
    private long notSucceeded;
    private long duplicatesDropped;
    private long alreadyActedOn;
    private long unreadable;
    private long retries;

    FailedRunsConsumer(PrintStream out, Time time) {
        this.out = out;
        this.time = time;
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

        FailedRunsConsumer example = new FailedRunsConsumer(System.out, Time.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            try (KafkaConsumer<String, DataSourceRunEvent> consumer = new KafkaConsumer<>(settings)) {
                Thread main = Thread.currentThread();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    consumer.wakeup();
                    try {
                        // Let the loop finish its batch, commit, close the consumer (leaving its group at once) and
                        // print the summary before the JVM exits.
                        stopped.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        main.interrupt();
                    }
                }, "consumer-shutdown"));
                example.run(consumer, topic);
            }
        } finally {
            example.printSummary();
            stopped.countDown();
        }
    }

    /** Consumes until {@link Consumer#wakeup()}, committing what it handled. */
    void run(Consumer<String, DataSourceRunEvent> consumer, String topic) {
        consumer.subscribe(List.of(topic));
        out.println("consuming " + topic);
        int attempt = 0;
        try {
            while (true) {
                try {
                    for (ConsumerRecord<String, DataSourceRunEvent> record : consumer.poll(Duration.ofSeconds(1))) {
                        handle(record.value());
                    }
                    attempt = 0;
                } catch (RecordDeserializationException e) {
                    if (!cannotEverBeRead(e)) {
                        // The registry is down or slow, or some other passing fault: read the record again later.
                        // Nothing is committed meanwhile, so a restart reads it again too.
                        retries++;
                        out.println("RETRY " + e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
                        consumer.seek(e.topicPartition(), e.offset());
                        time.sleep(RETRY_BACKOFF.backoff(attempt++));
                        continue;
                    }
                    // Not an event in the registry's wire format, or Avro data its schema cannot decode: reading it
                    // again gives the same. Say which, and go on after it rather than stop every other request.
                    unreadable++;
                    out.println("UNREADABLE " + e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
                consumer.commitSync();
            }
        } catch (WakeupException stop) {
            // Asked to stop, maybe in the commit itself: commit what was handled (the wakeup is spent, so this runs).
            consumer.commitSync();
        }
    }

    /**
     * Whether the record is unreadable for good: its value is not in Confluent's wire format (no magic byte), or the
     * Avro decoder failed on it. Any other failure (the registry unreachable, a timeout, a server error) may pass.
     */
    static boolean cannotEverBeRead(RecordDeserializationException e) {
        ByteBuffer value = e.valueBuffer();
        if (value != null && (!value.hasRemaining() || value.get(value.position()) != MAGIC_BYTE)) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            // Avro's decoder reports bad data as AvroRuntimeException (AvroTypeException, ...) or, for data cut
            // short, an EOFException (Apicurio's deserializer wraps it in an UncheckedIOException).
            if (cause instanceof AvroRuntimeException || cause instanceof EOFException) {
                return true;
            }
        }
        return false;
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
        if (!actedOn.firstSeen(actionKey(event))) {
            // Another terminal event of a run already acted on: the same request key was sent again.
            alreadyActedOn++;
            return;
        }
        if (outcome.get().isSuccess()) {
            succeeded++;
        } else {
            notSucceeded++;
            out.println(describe(outcome.get(), event));
        }
    }

    /** What the example acts once on: the run, or the request when it started none. */
    private static String actionKey(DataSourceRunEvent event) {
        return event.getRunId() != null ? "run " + event.getRunId() : "request " + event.getClientToken();
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
        out.printf("summary: terminal=%d succeeded=%d notSucceeded=%d duplicatesDropped=%d alreadyActedOn=%d"
                + " unreadable=%d retries=%d%n",
                terminal, succeeded, notSucceeded, duplicatesDropped, alreadyActedOn, unreadable, retries);
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
