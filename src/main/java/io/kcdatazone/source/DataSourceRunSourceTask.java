package io.kcdatazone.source;

import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.event.DataSourceRunEventSchema;
import io.kcdatazone.event.DataSourceRunEvents;
import io.kcdatazone.event.EventHeaders;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerRecord;
import io.kcdatazone.logging.ContextThreads;
import io.kcdatazone.logging.TaperingProgressLog;
import io.kcdatazone.logging.ThrottledLog;
import io.kcdatazone.metrics.TaskMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, for the ledger partitions assigned to it, each request's result and every later status of its run.
 *
 * <p>It reads the ledger like MirrorMaker's source task reads its upstream topic: manual assignment, positions from
 * Connect's own source offsets, committed data only. What to publish, and the source offset each event carries, is
 * decided by {@link RunTracker}, which knows neither Kafka's clients nor Connect; this class keeps the consumer, the
 * poll loop and Connect's API, and reports Connect's acknowledgements ({@link #commitRecord}) back to it. Status polls
 * are asynchronous: {@link #poll()} launches those that are due and collects those that are done, so a slow DataZone
 * never stalls the ledger.
 */
public class DataSourceRunSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(DataSourceRunSourceTask.class);
    private static final Duration MAX_LEDGER_WAIT = Duration.ofMillis(500);
    private static final Duration BUSY_LEDGER_WAIT = Duration.ofMillis(50);
    /** How long the task asks the ledger's brokers for a partition's bounds when reporting a gap. */
    private static final Duration LOG_BOUNDS_TIMEOUT = Duration.ofSeconds(5);

    private final SourceTaskCounters counters = new SourceTaskCounters();
    private final Map<DataSourceRef, PollSchedule> schedules = new HashMap<>();
    private final Map<DataSourceRef, CompletableFuture<Map<String, RunObservation>>> pollsInFlight = new HashMap<>();
    /** Data sources whose runs this task has asked DataZone about (answered or failed): see stopOverdueRuns. */
    private final Set<DataSourceRef> askedSinceStart = new HashSet<>();
    /** Held by {@link #poll()} while it uses the consumer; {@link #stop()} takes it before closing the consumer. */
    private final Semaphore consumerAccess = new Semaphore(1);
    /** Records handed to Connect, until it acknowledges them; the polling thread alone uses it. */
    private final Map<SourceRecord, Emission> unacknowledged = new IdentityHashMap<>();
    /** Records Connect acknowledged: from the producer's thread in at-least-once mode, so a concurrent queue. */
    private final Queue<SourceRecord> acknowledged = new ConcurrentLinkedQueue<>();
    /** Partitions paused because their next entry would track a run beyond {@code max.tracked.runs}. */
    private final Set<TopicPartition> pausedForRoom = new HashSet<>();
    /** Set when a ledger entry could not be read: the task hands over what it read before it, then fails with this. */
    private ConnectException unreadableEntry;

    private DataSourceRunSourceConfig config;
    private RunTracker tracker;
    private DataZoneClients clients;
    private StatusCallBudget statusCalls;
    private PollPacer pollPacer;
    private RunStatusPoller poller;
    private DataSourceRunEvents events;
    private Consumer<String, byte[]> consumer;
    private TaskMetrics metrics;
    private TaperingProgressLog progressLog;
    private ThrottledLog oddities;
    private final Function<Map<String, Object>, Consumer<String, byte[]>> consumers;
    /** The task's one clock: status polls, the budget, event times, the run-tracking state, logs and metrics. */
    private final Time time;
    private volatile boolean stopping;
    /**
     * The runs tracked, as of the end of the task thread's last poll: what the {@code runs-tracked} gauge reads on the
     * metrics reporter's thread, which must not read the tracker's state while the task thread changes it.
     */
    private volatile int runsTracked;

    public DataSourceRunSourceTask() {
        this(KafkaConsumer::new, Time.SYSTEM);
    }

    /** For tests: a ledger consumer of their own making and a clock they move (Kafka's {@code MockTime}). */
    DataSourceRunSourceTask(Function<Map<String, Object>, Consumer<String, byte[]>> consumers, Time time) {
        this.consumers = consumers;
        this.time = time;
    }

    @Override
    public String version() {
        return Version.current();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DataSourceRunSourceConfig(props);
        String connectorName = props.getOrDefault("name", "datazone-source");
        double statusCallRate = config.taskStatusRequestsPerSecond();
        // The budget owns the retries of status calls, so that each attempt takes a permit; one connection per call
        // it keeps on the wire, and a few to spare.
        clients = DataZoneClients.openWithoutSdkRetries(config.connection(), connectorName,
                StatusCallBudget.connections(statusCallRate));
        events = new DataSourceRunEvents(config.includeConfigurationSnapshot());
        metrics = TaskMetrics.forTask(context, connectorName, time);
        statusCalls = new StatusCallBudget(statusCallRate, clients.retryStrategy(),
                config.connection().apiCallTimeout(), time,
                error -> clients.errorClassifier().classify(error).isThrottled(), this::wakeFromLedgerWait, counters);
        pollPacer = new PollPacer(statusCalls, bound -> ThreadLocalRandom.current().nextLong(bound),
                metrics.latency("status-poll-budget-wait", "time a due status poll waited for the status-call"
                        + " budget"), counters);
        poller = new RunStatusPoller(clients.async(), clients.errorClassifier(), statusCalls,
                metrics.latency("list-data-source-runs-latency", "ListDataSourceRuns call latency"),
                metrics.latency("get-data-source-run-latency", "GetDataSourceRun call latency"), time);
        SourceTaskMetrics.register(metrics, counters, () -> runsTracked, statusCalls, pollPacer);
        progressLog = new TaperingProgressLog(LOG, this::progress, time);
        oddities = new ThrottledLog(LOG, RunStatusPoller.ODDITY_LOG_INTERVAL, time);
        String ledgerTopic = config.ledger().topic();
        List<Integer> partitions = config.taskLedgerPartitions();
        restoreState(ledgerTopic, partitions);
        runsTracked = tracker.trackedRunCount();
        consumer = consumers.apply(config.ledger().consumerProps(
                ContextThreads.kafkaClientId("ledger-reader", connectorName)));
        List<TopicPartition> assignment = new ArrayList<>();
        for (int partition : partitions) {
            assignment.add(new TopicPartition(ledgerTopic, partition));
        }
        consumer.assign(assignment);
        for (TopicPartition tp : assignment) {
            OptionalLong position = tracker.seekPosition(tp.partition());
            if (position.isEmpty()) {
                // Wherever the log starts now: retention may have removed its first entries before the first start.
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, position.getAsLong());
            }
        }
        int tracked = trackedRunCount();
        LOG.info("Started on ledger partitions {} of '{}', resuming {} tracked runs", partitions, ledgerTopic,
                tracked);
    }

    private void restoreState(String ledgerTopic, List<Integer> partitions) {
        try {
            tracker = RunTracker.restore(ledgerTopic, partitions, config.maxTrackedRuns(), config.maxRunTrackingMs(),
                    keys -> context.offsetStorageReader().offsets(keys), time);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("A stored offset of ledger topic '" + ledgerTopic + "' is invalid ("
                    + e.getMessage() + "); fix or reset it with Connect's offsets REST API", e);
        }
        // Runs that were in flight at the last stop may have moved meanwhile: polled within an interval, at a random
        // point of it, so that the data sources of a restart are not all polled at once.
        long now = time.hiResClockMs();
        tracker.dataSources().forEach(dataSource -> schedules.computeIfAbsent(dataSource,
                ds -> newSchedule(pollPacer.firstPollAfterRestartMs(now, config.statusPollIntervalMs()))));
    }

    private PollSchedule newSchedule(long firstPollAtMs) {
        return new PollSchedule(config.statusPollIntervalMs(), config.statusPollIntervalMaxMs(), firstPollAtMs);
    }

    private String progress() {
        return counters.ledgerEntries() + " ledger entries, " + counters.events(EventType.RUN_STARTED)
                + " RUN_STARTED, " + counters.events(EventType.RUN_START_FAILED) + " RUN_START_FAILED, "
                + counters.events(EventType.RUN_STATUS_CHANGED) + " RUN_STATUS_CHANGED, " + trackedRunCount()
                + " runs tracked, " + counters.statusCalls() + " status calls (" + counters.failedPolls()
                + " failed, " + counters.throttledStatusCalls() + " throttled)";
    }

    private int trackedRunCount() {
        return tracker == null ? 0 : tracker.trackedRunCount();
    }

    @Override
    public List<SourceRecord> poll() {
        if (stopping || !consumerAccess.tryAcquire()) {
            return null;
        }
        try {
            if (unreadableEntry != null) {
                throw unreadableEntry;
            }
            takeAcknowledgements();
            List<SourceRecord> records = new ArrayList<>();
            collectFinishedPolls(records);
            stopOverdueRuns(records);
            readLedger(records);
            launchDuePolls();
            runsTracked = tracker.trackedRunCount();
            progressLog.maybeLog();
            metrics.registerPending();
            return records.isEmpty() ? null : records;
        } finally {
            consumerAccess.release();
        }
    }

    private void readLedger(List<SourceRecord> records) {
        resumeWhenThereIsRoom();
        // With nothing to hand over yet, wait for the ledger until the next status poll is due: an answer to one in
        // flight wakes the consumer.
        Duration wait = records.isEmpty() ? untilNextPoll() : BUSY_LEDGER_WAIT;
        ConsumerRecords<String, byte[]> ledgerRecords;
        try {
            ledgerRecords = consumer.poll(wait);
        } catch (WakeupException e) {
            // A status poll answered (or the task stops): the records collected so far go out now.
            return;
        } catch (OffsetOutOfRangeException e) {
            publishGaps(e);
            return;
        }
        Set<TopicPartition> heldBack = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : ledgerRecords) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (heldBack.contains(tp)) {
                continue;
            }
            LedgerRecord ledgerRecord;
            try {
                ledgerRecord = LedgerCodec.decodeRecord(record.value());
            } catch (IllegalArgumentException e) {
                counters.onUnreadableEntry();
                if (!tracker.passesOverUnreadable(record.partition(), record.offset())) {
                    failOnUnreadable(record, e);
                    // The entries before it go out with this poll, so Connect stores the position up to it.
                    consumer.seek(tp, record.offset());
                    consumer.pause(List.of(tp));
                    heldBack.add(tp);
                } else {
                    // Taken before the restart, when it could be read or an operator set the position past it: its
                    // result is out, and a run it revealed resumes from its slot if it had a status event.
                    LOG.warn("Cannot read the ledger entry at {}-{}@{} ({}) while replaying the entries taken before"
                            + " the restart: passing over it", record.topic(), record.partition(), record.offset(),
                            e.getMessage());
                }
                continue;
            }
            if (ledgerRecord instanceof LedgerEntry) {
                ledgerRecord = withinContextLimit((LedgerEntry) ledgerRecord, tp);
            }
            String resultEventId = ledgerRecord instanceof LedgerEntry
                    ? DataSourceRunEvents.resultEventId((LedgerEntry) ledgerRecord) : null;
            RunTracker.Offer offer = tracker.offer(record.partition(), record.offset(), ledgerRecord, resultEventId);
            if (offer.heldBack()) {
                // No room for its run: read this partition again from this entry once runs finish.
                holdBack(tp, record.offset());
                heldBack.add(tp);
            } else if (offer.taken()) {
                counters.onLedgerEntry();
                onTaken(offer, ledgerRecord, records);
            }
        }
    }

    /**
     * The entry, without its context when that is larger than the sink ever writes: a run's context goes into each of
     * its offsets, and another ledger writer must not make those grow without bound.
     */
    private LedgerEntry withinContextLimit(LedgerEntry entry, TopicPartition tp) {
        if (entry.context() == null) {
            return entry;
        }
        int bytes = LedgerEntry.contextBytes(entry.context());
        if (bytes <= DataSourceRunSinkConfig.CONTEXT_MAX_BYTES_LIMIT) {
            return entry;
        }
        oddities.warn("oversized context " + tp, "A ledger entry of {} carries a context of {} bytes, more than the"
                + " sink ever writes ({}): its events carry none", tp, bytes,
                DataSourceRunSinkConfig.CONTEXT_MAX_BYTES_LIMIT);
        return entry.withContext(null);
    }

    /**
     * A ledger entry that cannot be read and was never taken: the task fails on its next poll without moving past it,
     * since skipping it would lose a request's result (and its run) for good. It fails only then so that Connect first
     * stores the position of the entries read before it: failing in the middle of a fetch would drop them unpublished
     * while the stored position stays behind them, and an operator skipping the entry would skip them too.
     */
    private void failOnUnreadable(ConsumerRecord<String, byte[]> record, IllegalArgumentException e) {
        LOG.error("Cannot read the ledger entry at {}-{}@{} ({}): handing over the entries before it, then"
                + " failing", record.topic(), record.partition(), record.offset(), e.getMessage());
        unreadableEntry = new ConnectException("Cannot read the ledger entry at " + record.topic() + "-"
                + record.partition() + "@" + record.offset() + " (" + e.getMessage() + "); the task stops before"
                + " it, so nothing is lost. If another worker runs a newer version of this plugin (a rolling"
                + " upgrade in progress), finish the upgrade: once every worker runs a version that reads this"
                + " ledger format, restart the task. If the entry is corrupt, skip it deliberately (its request"
                + " gets no result event): stop the connector, set the 'position' of ledger partition "
                + record.partition() + " to " + (record.offset() + 1) + " in its offsets (GET, then PATCH"
                + " /connectors/<name>/offsets), then resume it. The task handed over every entry before this"
                + " one before failing, so a stored position below " + record.offset() + " only means the entries"
                + " in between published nothing (progress marks, second outcomes); if the worker died before"
                + " storing them, restart the task once first, and it hands them over again", e);
    }

    /**
     * Stops reading {@code tp} at {@code offset} while the task tracks {@code max.tracked.runs} runs: bounded memory
     * and offsets. Only partitions whose next entry needs a tracking slot pause; the others read on.
     */
    private void holdBack(TopicPartition tp, long offset) {
        consumer.seek(tp, offset);
        consumer.pause(List.of(tp));
        if (pausedForRoom.isEmpty()) {
            LOG.info("Tracking {} runs (max.tracked.runs): reading ledger partition {} again from {} when some"
                    + " finish", trackedRunCount(), tp, offset);
        }
        pausedForRoom.add(tp);
    }

    private void resumeWhenThereIsRoom() {
        for (Iterator<TopicPartition> it = pausedForRoom.iterator(); it.hasNext(); ) {
            TopicPartition tp = it.next();
            if (tracker.hasRoom(tp.partition())) {
                consumer.resume(List.of(tp));
                it.remove();
            }
        }
    }

    /**
     * A stored ledger position the log no longer holds: the topic was deleted and created again or truncated,
     * retention removed entries the task had not read during an outage, or (most often, and harmless) the partition's
     * last entries were progress marks or second outcomes, which move the task's position but not the position
     * Connect stores (it stores one only with a record), and retention then removed them. The task cannot tell these
     * apart, so it publishes each gap, one ERROR line and {@code ledger-gaps-total}, and reads on from the log's start:
     * never silent, and never a failed task that asks the operator to accept a loss that may not have happened.
     */
    private void publishGaps(OffsetOutOfRangeException e) {
        Set<TopicPartition> partitions = e.offsetOutOfRangePartitions().keySet();
        Map<TopicPartition, Long> start = logBounds(partitions, true);
        Map<TopicPartition, Long> end = logBounds(partitions, false);
        for (Map.Entry<TopicPartition, Long> stored : e.offsetOutOfRangePartitions().entrySet()) {
            TopicPartition tp = stored.getKey();
            Long logStart = start.get(tp);
            counters.onLedgerGap();
            LOG.error("The ledger no longer holds the entries this task was to read next: ledger partition {}: stored"
                    + " position {}, log now holds offsets {} to {} (exclusive); reading on from {}. The"
                    + " entries in between were progress marks or second outcomes of requests (harmless: they publish"
                    + " nothing), or results never published: the topic was recreated or truncated, or retention"
                    + " removed them before they were read. A request whose result was among them gets no result"
                    + " event: look for it in the sink's dead letter queue and in DataZone", tp, stored.getValue(),
                    bound(logStart), bound(end.get(tp)), logStart == null ? "the log's start" : "offset " + logStart);
            if (logStart == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, logStart);
            }
            // Up, past a gap: the next record stores it, so the gap is not published again. Down, in a recreated
            // topic (or from 0 when its start is unknown): its entries are read rather than skipped.
            tracker.readFrom(tp.partition(), logStart == null ? 0 : logStart);
        }
    }

    /**
     * The first ({@code start}) or next offsets of the partitions' logs, empty when the brokers do not say within a
     * few seconds or a status answer's wake-up interrupts the call: the gap is published with its bounds unknown
     * rather than not at all.
     */
    private Map<TopicPartition, Long> logBounds(Set<TopicPartition> partitions, boolean start) {
        try {
            return start ? consumer.beginningOffsets(partitions, LOG_BOUNDS_TIMEOUT)
                    : consumer.endOffsets(partitions, LOG_BOUNDS_TIMEOUT);
        } catch (KafkaException e) { // a WakeupException too
            LOG.debug("Could not read the {} offsets of ledger partitions {}", start ? "start" : "end", partitions, e);
            return Map.of();
        }
    }

    private static String bound(Long offset) {
        return offset == null ? "unknown" : offset.toString();
    }

    /**
     * Publishes what taking a ledger record decided: the request's result, unless it is already out (then the entry is
     * a second outcome of the request: the sink redelivered it, or two tasks handled it across a rebalance), and a run
     * the entry revealed for the first time is followed.
     */
    private void onTaken(RunTracker.Offer offer, LedgerRecord ledgerRecord, List<SourceRecord> records) {
        FollowedRun followed = offer.followed();
        if (followed != null) {
            // A run resumed from the entries taken before a restart may have moved meanwhile: it is polled at once.
            long firstPollAt = time.hiResClockMs() + (offer.resumed() ? 0 : config.statusPollIntervalMs());
            schedules.computeIfAbsent(followed.run().dataSource(), ds -> newSchedule(firstPollAt));
        }
        if (offer.forgotOlderResult()) {
            oddities.warn("no progress marks", "Remembering more than {} published results of ledger partition {}"
                    + " above the sink's progress marks: forgetting the oldest, so a request redelivered later may get"
                    + " a second result event. Is the sink connector older than this source connector?",
                    PublishedResults.MAX_RESULTS_ABOVE_MARKS, offer.result().state().partition());
        }
        if (offer.secondOutcome()) {
            counters.onDuplicateEntry();
            LOG.debug("Dropping a second outcome of a request whose result is out: {}", ledgerRecord);
        }
        if (offer.result() != null) {
            records.add(record(offer.result()));
        }
    }

    /**
     * Ends the tracking of runs followed for {@code max.run.tracking.ms} without being seen ending, each with a
     * RUN_TRACKING_STOPPED event: whatever DataZone answers, every run closes in bounded time.
     */
    private void stopOverdueRuns(List<SourceRecord> records) {
        for (Emission stopped : tracker.stopOverdueRuns(askedSinceStart::contains)) {
            LOG.warn("Stopped tracking {}: {}; its last event is RUN_TRACKING_STOPPED", stopped.before(),
                    stopped.detail());
            records.add(record(stopped));
        }
    }

    private Duration untilNextPoll() {
        return Duration.ofMillis(pollPacer.untilNextLaunchMs(schedules.values(), time.hiResClockMs(),
                MAX_LEDGER_WAIT.toMillis()));
    }

    private void launchDuePolls() {
        if (stopping) {
            return; // woken by stop(): no new DataZone calls for clients about to close
        }
        pollPacer.launchDue(schedules, pollsInFlight.keySet(), trackedRunsBySource(), (dataSource, runIds, dueMs) ->
                // The answer wakes the task from its wait on the ledger, so it is published without delay.
                pollsInFlight.put(dataSource, poller.poll(dataSource, Set.copyOf(runIds), dueMs)
                        .whenComplete((observations, error) -> wakeFromLedgerWait())), time.hiResClockMs());
    }

    /** The runs followed by data source: one entry per data source, each a view of the tracker's own set. */
    private Map<DataSourceRef, Set<String>> trackedRunsBySource() {
        Map<DataSourceRef, Set<String>> runs = new HashMap<>();
        for (DataSourceRef dataSource : tracker.dataSources()) {
            runs.put(dataSource, tracker.runIdsOf(dataSource));
        }
        return runs;
    }

    private void collectFinishedPolls(List<SourceRecord> records) {
        for (Iterator<Map.Entry<DataSourceRef, CompletableFuture<Map<String, RunObservation>>>> it =
                pollsInFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DataSourceRef, CompletableFuture<Map<String, RunObservation>>> entry = it.next();
            if (!entry.getValue().isDone()) {
                continue;
            }
            it.remove();
            DataSourceRef dataSource = entry.getKey();
            askedSinceStart.add(dataSource);
            PollSchedule schedule = schedules.get(dataSource);
            Map<String, RunObservation> observations;
            try {
                observations = entry.getValue().join();
            } catch (RuntimeException e) {
                counters.onFailedPoll();
                LOG.warn("Could not poll the runs of {}: {}", dataSource,
                        clients.errorClassifier().classify(e));
                if (schedule != null) {
                    schedule.failed(time.hiResClockMs());
                }
                continue;
            }
            boolean changed = publishChanges(dataSource, observations, records);
            if (schedule != null) {
                schedule.polled(time.hiResClockMs(), changed);
            }
        }
    }

    private boolean publishChanges(DataSourceRef dataSource, Map<String, RunObservation> observations,
                                   List<SourceRecord> records) {
        RunTracker.Observed observed = tracker.observe(dataSource, observations);
        observed.staleReads().forEach((run, status) -> oddities.info("stale " + dataSource, "Ignored a stale read of"
                + " {}: DataZone answered {} after answering {}", run, status, run.lastStatus()));
        for (Emission emission : observed.emissions()) {
            if (emission.type() == EventType.RUN_VANISHED) {
                counters.onVanishedRun();
                LOG.warn("DataZone no longer knows {} ({}); it is not tracked any more and its last event is"
                        + " RUN_VANISHED", emission.before(), emission.detail());
            }
            records.add(record(emission));
        }
        return observed.changed();
    }

    private SourceRecord record(Emission emission) {
        TrackedRun run = emission.before();
        String clientToken;
        Struct event;
        Instant now = Instant.ofEpochMilli(time.milliseconds());
        switch (emission.type()) {
            case RUN_STARTED:
            case RUN_START_FAILED:
                clientToken = emission.entry().clientToken();
                event = events.result(emission.entry(), now);
                break;
            case RUN_STATUS_CHANGED:
                clientToken = run.clientToken();
                event = events.statusChanged(clientToken, run.request(), emission.snapshot(), run.lastStatus(), now);
                break;
            case RUN_VANISHED:
                clientToken = run.clientToken();
                event = events.vanished(clientToken, run.request(), run.dataSource(), run.runId(), run.lastStatus(),
                        emission.detail(), now);
                break;
            case RUN_TRACKING_STOPPED:
                clientToken = run.clientToken();
                event = events.trackingStopped(clientToken, run.request(), run.dataSource(), run.runId(),
                        run.lastStatus(), emission.detail(), now);
                break;
            default:
                throw new IllegalStateException("no event for " + emission.type());
        }
        if (run != null) {
            // An event of a followed run carries the context of the request that revealed it (a result's is its own).
            DataSourceRunEvents.withContext(event, run.context());
        }
        counters.onEvent(emission.type());
        SourceRecord record = new SourceRecord(emission.sourcePartition(), emission.sourceOffset(),
                config.outputTopic(), null, Schema.OPTIONAL_STRING_SCHEMA, clientToken,
                DataSourceRunEventSchema.SCHEMA, event, time.milliseconds(),
                EventHeaders.of(event, emission.terminal()));
        unacknowledged.put(record, emission);
        return record;
    }

    /**
     * Connect acknowledged a record: in exactly-once mode its transaction committed (called from the polling thread),
     * in at-least-once mode the broker has it (called from the producer's thread), or a transform dropped it. The
     * polling thread takes it in on its next poll ({@link #takeAcknowledgements()}).
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        acknowledged.add(record);
    }

    private void takeAcknowledgements() {
        for (SourceRecord record = acknowledged.poll(); record != null; record = acknowledged.poll()) {
            Emission emission = unacknowledged.remove(record);
            if (emission != null) {
                tracker.acknowledged(emission);
            }
        }
    }

    private void wakeFromLedgerWait() {
        if (!stopping) {
            consumer.wakeup();
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (statusCalls != null) {
            // First: no retry or queued status call may go out through the client closed below.
            statusCalls.close();
        }
        if (consumer != null) {
            consumer.wakeup();
        }
        consumerAccess.acquireUninterruptibly();
        try {
            // Each closed whatever the one before threw.
            if (consumer != null) {
                Utils.closeQuietly(() -> consumer.close(Duration.ofSeconds(5)), "ledger consumer");
            }
            Utils.closeQuietly(clients, "DataZone clients");
            Utils.closeQuietly(metrics, "task metrics");
        } finally {
            consumerAccess.release();
        }
        LOG.info("Stopped after {} ledger entries: {} RUN_STARTED, {} RUN_START_FAILED, {} RUN_STATUS_CHANGED",
                counters.ledgerEntries(), counters.events(EventType.RUN_STARTED),
                counters.events(EventType.RUN_START_FAILED), counters.events(EventType.RUN_STATUS_CHANGED));
    }
}
