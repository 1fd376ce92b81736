package io.kcdatazone.sink;

import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.datazone.AdaptiveRateLimiter;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.LedgerAppender;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerWriter;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.logging.ContextThreads;
import io.kcdatazone.logging.TaperingProgressLog;
import io.kcdatazone.logging.ThrottledLog;
import io.kcdatazone.metrics.TaskMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;

/**
 * Starts one DataZone run per request record and writes each outcome to the ledger.
 *
 * <p>{@link #put} never waits for DataZone: it parses, hands the request to the {@link RunStartDispatcher} and
 * returns. Outcomes go to the ledger asynchronously, and {@link #preCommit} releases only offsets whose outcome the
 * ledger has acknowledged ({@link OffsetTracker}), and tells the ledger's readers how far that is ({@link
 * ProgressMarks}). A crash anywhere therefore redelivers requests, the client token derived from the key makes a
 * redelivered request return the run it already started, and the progress marks let the source publish only the first
 * outcome of each request.
 */
public class DataSourceRunSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(DataSourceRunSinkTask.class);
    /** Request headers left out of a context for size are a sender's habit: reported hourly, not per request. */
    private static final Duration CONTEXT_WARNING_INTERVAL = Duration.ofHours(1);
    /**
     * How long {@link #stop} waits in all for its threads and Kafka clients to finish: one deadline shared by every
     * close, within Connect's {@code task.shutdown.graceful.timeout.ms} (5 s by default). What is cut short loses
     * nothing: the offsets of unwritten outcomes were never committed, so their requests are redelivered.
     */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(4);
    /** How soon a paused task is called again to see whether it may resume. */
    private static final Duration PAUSED_RECHECK = Duration.ofMillis(100);

    private final OffsetTracker tracker = new OffsetTracker();
    private final SinkTaskCounters counters = new SinkTaskCounters();
    private final AtomicReference<Throwable> ledgerFailure = new AtomicReference<>();
    /** The task's one clock, handed to everything below that tells time (its production wiring point). */
    private final Time time = Time.SYSTEM;

    private DataSourceRunSinkConfig config;
    private RunRequestParser parser;
    private RequestContextReader contexts;
    private ScheduledExecutorService scheduler;
    /** Runs every ledger send and retry, so neither put() nor the dispatcher waits on a blocked producer. */
    private ScheduledExecutorService ledgerThread;
    private ExecutorService progressWriter;
    private ProgressMarks progressMarks;
    private DataZoneClients clients;
    private LedgerWriter ledger;
    /** Outcomes go to the ledger through this, which rides out ledger outages (see {@link RetryingLedgerAppender}). */
    private LedgerAppender ledgerWrites;
    private RunStartDispatcher dispatcher;
    private ErrantRecordReporter deadLetters;
    private boolean paused;
    private TaskMetrics metrics;
    private TaperingProgressLog progressLog;
    /** Counts the request topics' partitions for {@link #rateShare}; null when the rate is unlimited. */
    private Admin requestTopicsAdmin;
    private RequestRateShare rateShare;
    private List<String> requestTopics;
    private String requestTopicsRegex;

    @Override
    public String version() {
        return Version.current();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DataSourceRunSinkConfig(props);
        String connectorName = props.getOrDefault("name", "datazone-sink");
        parser = new RunRequestParser(config.defaultDomainId());
        contexts = new RequestContextReader(config.contextHeaders(), config.contextMaxBytes(),
                new ThrottledLog(LOG, CONTEXT_WARNING_INTERVAL, time));
        if (!contexts.ignoredHeaderNames().isEmpty()) {
            LOG.warn("{} lists headers that look like credentials; they are never carried as context: {}",
                    DataSourceRunSinkConfig.CONTEXT_HEADERS, contexts.ignoredHeaderNames());
        }
        ScheduledThreadPoolExecutor dispatcherThread = new ScheduledThreadPoolExecutor(1,
                ContextThreads.named("datazone-sink-dispatcher-" + connectorName));
        // Requests waiting behind a conflict probe hold a deadline timer each, cancelled when they are released.
        dispatcherThread.setRemoveOnCancelPolicy(true);
        scheduler = dispatcherThread;
        // One connection per call we allow in flight, so no call waits for a connection inside the SDK.
        clients = DataZoneClients.open(config.connection(), connectorName, config.maxInFlight());
        ledger = new LedgerWriter(config.ledger(), ContextThreads.kafkaClientId("ledger-writer", connectorName));
        progressWriter = Executors.newSingleThreadExecutor(
                ContextThreads.named("datazone-sink-progress-" + connectorName));
        progressMarks = new ProgressMarks(ledger::appendToEveryPartition, progressWriter, time,
                config.ledger().secretRedactor());
        metrics = TaskMetrics.forTask(context, connectorName, time);
        TaskMetrics.LatencyRecorder callLatency = SinkTaskMetrics.register(metrics, counters,
                () -> dispatcher.inFlight(), tracker::pendingCount);
        progressLog = new TaperingProgressLog(LOG, this::progress, time);
        BackoffStrategy backoff = config.retryBackoff();
        ScheduledThreadPoolExecutor ledgerSender = new ScheduledThreadPoolExecutor(1,
                ContextThreads.named("datazone-sink-ledger-" + connectorName));
        // At a stop, queued sends still go out, retries waiting for their backoff do not.
        ledgerSender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ledgerThread = ledgerSender;
        ledgerWrites = new RetryingLedgerAppender(ledger, config.ledger().topic(), ledgerThread, backoff,
                time, config.ledger().secretRedactor());
        dispatcher = new RunStartDispatcher(StartRunCall.using(clients.async()).timed(callLatency, time),
                clients.errorClassifier(), scheduler, config.maxInFlight(),
                new AdaptiveRateLimiter(config.taskRequestsPerSecond()), backoff,
                config.retryTimeoutMs(), config.onConflict(), time, counters);
        requestTopics = Arrays.stream(props.getOrDefault(SinkTask.TOPICS_CONFIG, "").split(","))
                .map(String::trim).filter(topic -> !topic.isEmpty()).collect(Collectors.toList());
        requestTopicsRegex = props.get(SinkTask.TOPICS_REGEX_CONFIG);
        if (config.connectorRequestsPerSecond() > 0) {
            // The ledger cluster's client: the request topics are expected on the same cluster (see docs/sink.md).
            requestTopicsAdmin = Admin.create(config.ledger().adminProps(
                    ContextThreads.kafkaClientId("request-topics-admin", connectorName)));
        }
        rateShare = new RequestRateShare(config.connectorRequestsPerSecond(), this::countRequestPartitions,
                dispatcher::setRequestRate);
        deadLetters = config.toleratesErrors() ? deadLetterReporter() : null;
        LOG.info("Started: at most {} calls in flight, {} starts/s, on.conflict={}, dead letter queue {}",
                config.maxInFlight(), config.taskRequestsPerSecond(), config.onConflict(),
                deadLetters != null ? "on" : "off");
    }

    /** All partitions of the request topics now: of {@code topics}, or of every topic {@code topics.regex} matches. */
    private CompletionStage<Integer> countRequestPartitions() {
        if (requestTopicsAdmin == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the request rate is unlimited"));
        }
        KafkaFuture<Collection<String>> topics;
        if (requestTopicsRegex != null && !requestTopicsRegex.isBlank()) {
            Pattern pattern = Pattern.compile(requestTopicsRegex);
            topics = requestTopicsAdmin.listTopics().names().thenApply(names -> names.stream()
                    .filter(name -> pattern.matcher(name).matches()).collect(Collectors.toList()));
        } else {
            topics = KafkaFuture.completedFuture(requestTopics);
        }
        return topics.toCompletionStage()
                .thenCompose(names -> requestTopicsAdmin.describeTopics(names).allTopicNames().toCompletionStage())
                .thenApply(descriptions -> descriptions.values().stream()
                        .mapToInt(description -> description.partitions().size()).sum());
    }

    private ErrantRecordReporter deadLetterReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            LOG.warn("This Connect worker has no errant record reporter: malformed requests only get a"
                    + " RUN_START_FAILED event");
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        failIfLedgerBroken();
        for (SinkRecord record : records) {
            accept(record);
        }
        applyBackpressure();
        progressLog.maybeLog();
        metrics.registerPending();
    }

    private String progress() {
        return counters.received() + " requests, " + counters.runsStarted() + " runs started, start failures "
                + counters.startFailures() + ", " + counters.invalidRequests() + " invalid, " + counters.retries()
                + " retries (" + counters.throttledCalls() + " throttled), " + dispatcher.inFlight() + " in flight, "
                + tracker.pendingCount() + " awaiting the ledger, consumption paused " + counters.pauses()
                + " times at max.buffered.records";
    }

    private void accept(SinkRecord record) {
        counters.onReceived();
        OffsetTracker.Tracked tracked = tracker.track(record);
        if (record.value() == null) {
            // A tombstone asks for nothing: it is skipped, counted, and its offset released.
            counters.onTombstone();
            tracked.complete();
            return;
        }
        RequestCoordinates coordinates =
                new RequestCoordinates(record.originalTopic(), record.originalKafkaPartition(),
                        record.originalKafkaOffset());
        ParsedRequest parsed = ParsedRequest.of(record, parser, contexts);
        CompletableFuture<LedgerEntry> outcome;
        if (parsed.problem() != null) {
            outcome = CompletableFuture.completedFuture(rejected(record, coordinates, parsed));
        } else {
            outcome = dispatcher.submit(coordinates, parsed.clientToken(), parsed.request());
        }
        outcome.thenApply(entry -> entry.withContext(parsed.context())).thenCompose(ledgerWrites::append)
                .whenComplete((written, error) -> {
                    if (error == null) {
                        counters.onLedgerWrite();
                        tracked.complete();
                    } else if (isCancellation(error)) {
                        tracked.abandon();
                    } else {
                        ledgerFailure.compareAndSet(null, DataZoneErrorClassifier.unwrap(error));
                    }
                });
    }

    /**
     * The dispatcher cancels what it abandons at a revocation or a stop; those offsets stay uncommitted, and the
     * records no longer count against {@code max.buffered.records}.
     */
    private static boolean isCancellation(Throwable error) {
        return error instanceof CancellationException || error.getCause() instanceof CancellationException;
    }

    private LedgerEntry rejected(SinkRecord record, RequestCoordinates coordinates, ParsedRequest parsed) {
        counters.onInvalid();
        String problem = parsed.problem();
        LOG.warn("Request {} is invalid and starts no run: {}", coordinates, problem);
        if (deadLetters != null) {
            deadLetters.report(record, new InvalidRequestException(problem));
            counters.onDeadLettered();
        }
        return LedgerEntry.failed(coordinates, parsed.clientToken(), parsed.domainId(), parsed.dataSourceId(),
                new RunError(DataSourceErrorType.VALIDATION_EXCEPTION.toString(), problem), null,
                Instant.ofEpochMilli(time.milliseconds()));
    }

    private void applyBackpressure() {
        // Requests of revoked partitions whose calls are still on the wire hold memory too.
        int pending = tracker.pendingCount() + dispatcher.abandonedOnWire();
        if (!paused && pending >= config.maxBufferedRecords()) {
            paused = true;
            context.pause(context.assignment().toArray(new TopicPartition[0]));
            counters.onPaused();
            // At DEBUG: under sustained backpressure this happens many times a second; the progress line counts it.
            LOG.debug("Paused consumption: {} requests await their outcome (max.buffered.records={})", pending,
                    config.maxBufferedRecords());
        } else if (paused && pending <= config.maxBufferedRecords() / 2) {
            paused = false;
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            LOG.debug("Resumed consumption: {} requests await their outcome", pending);
        }
        if (paused) {
            // A paused consumer returns nothing, so Connect would call put() again only when its poll times out,
            // which is at the next offset commit (offset.flush.interval.ms, a minute by default).
            context.timeout(PAUSED_RECHECK.toMillis());
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        failIfLedgerBroken();
        Map<TopicPartition, OffsetAndMetadata> committable = tracker.committableOffsets();
        // Every outcome below these offsets, and above them all but the pending ones, is acknowledged: the ledger's
        // readers may learn it, in the background.
        progressMarks.markProgress(tracker.progress());
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>(committable);
        safe.keySet().retainAll(currentOffsets.keySet());
        return safe;
    }

    private void failIfLedgerBroken() {
        Throwable failure = ledgerFailure.get();
        if (failure != null) {
            throw ledgerBroken(config.ledger().topic(), failure, config.ledger().secretRedactor());
        }
    }

    /**
     * Why the task fails. The producer's error is named with the ledger clients' secrets masked, and not attached as
     * the cause: Connect's REST status shows the whole trace, causes and their messages included.
     */
    static ConnectException ledgerBroken(String topic, Throwable failure, SecretRedactor redactor) {
        // Offsets of unwritten outcomes were never released: after the restart Connect redelivers them.
        // Transient ledger errors never get here: RetryingLedgerAppender retries them.
        return new ConnectException("Could not write a request outcome to the ledger topic '" + topic
                + "', and retrying cannot help (" + failure.getClass().getSimpleName() + ": "
                + redactor.redact(failure.getMessage()) + "); check the ledger principal's WRITE permission on the"
                + " topic and the topic's max.message.bytes, then restart the task");
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        if (paused) {
            // Connect re-pauses only the partitions it had paused before the rebalance; new ones would bypass the
            // buffer limit until the next resume.
            context.pause(partitions.toArray(new TopicPartition[0]));
        }
        rateShare.onAssignment(context.assignment().size());
    }

    /**
     * Forgets the revoked partitions' offsets and abandons their requests wherever they are in the dispatcher, so only
     * their new owner decides their outcomes (see {@link RunStartDispatcher#cancel}).
     */
    @Override
    public void close(Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
        progressMarks.forget(partitions);
        Set<TopicPartition> remaining = new HashSet<>(context.assignment());
        remaining.removeAll(partitions);
        rateShare.onAssignment(remaining.size());
        if (dispatcher != null) {
            int abandoned = dispatcher.cancel(partitions);
            if (abandoned > 0) {
                LOG.info("Abandoned {} requests of {} revoked partitions; their new owner starts them",
                        abandoned, partitions.size());
            }
        }
    }

    @Override
    public void stop() {
        Timer stopTimer = time.timer(STOP_TIMEOUT);
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            awaitQuietly(scheduler, stopTimer);
        }
        if (ledgerThread != null) {
            // After the dispatcher, which hands it outcomes, and before the producer, which it sends to.
            ledgerThread.shutdown();
            awaitQuietly(ledgerThread, stopTimer);
            ledgerThread.shutdownNow();
        }
        if (clients != null) {
            clients.close();
        }
        if (requestTopicsAdmin != null) {
            requestTopicsAdmin.close(remaining(stopTimer));
        }
        if (progressWriter != null) {
            // A mark being written may finish: closing the ledger below waits for what it sent.
            progressWriter.shutdown();
            awaitQuietly(progressWriter, stopTimer);
            // One still blocked (on the ledger's metadata) is interrupted rather than left to outlive the task.
            progressWriter.shutdownNow();
        }
        if (ledger != null) {
            ledger.close(remaining(stopTimer));
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("Stopped after {} requests: {} runs started, start failures {}, {} invalid, {} tombstones",
                counters.received(), counters.runsStarted(), counters.startFailures(), counters.invalidRequests(),
                counters.tombstones());
    }

    private static Duration remaining(Timer timer) {
        timer.update();
        return Duration.ofMillis(timer.remainingMs());
    }

    private static void awaitQuietly(ExecutorService executor, Timer stopTimer) {
        try {
            executor.awaitTermination(remaining(stopTimer).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
