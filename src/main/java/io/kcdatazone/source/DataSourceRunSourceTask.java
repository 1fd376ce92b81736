package io.kcdatazone.source;

import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.DataSourceRunEventSchema;
import io.kcdatazone.event.DataSourceRunEvents;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerRecord;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.logging.ContextThreads;
import io.kcdatazone.logging.TaperingProgressLog;
import io.kcdatazone.logging.ThrottledLog;
import io.kcdatazone.metrics.TaskMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
 * Connect's own source offsets, committed data only. Each record it emits carries the whole state of its ledger
 * partition ({@link LedgerPartitionState}) as offset, so a restarted task resumes exactly where the last committed
 * record left it: in exactly-once mode ({@code transaction.boundary=poll}) that state commits atomically with the
 * events. Status polls are asynchronous: {@link #poll()} launches those that are due and collects those that are done,
 * so a slow DataZone never stalls the ledger.
 */
public class DataSourceRunSourceTask extends SourceTask {

    private static final Logger LOG = LoggerFactory.getLogger(DataSourceRunSourceTask.class);
    private static final Duration MAX_LEDGER_WAIT = Duration.ofMillis(500);
    private static final Duration BUSY_LEDGER_WAIT = Duration.ofMillis(50);
    /** How long the task asks the ledger's brokers for a partition's bounds when reporting a gap. */
    private static final Duration LOG_BOUNDS_TIMEOUT = Duration.ofSeconds(5);

    private final SourceTaskCounters counters = new SourceTaskCounters();
    private final Map<Integer, LedgerPartitionState> states = new HashMap<>();
    private final Map<DataSourceRef, PollSchedule> schedules = new HashMap<>();
    private final Map<DataSourceRef, CompletableFuture<Map<String, RunObservation>>> pollsInFlight = new HashMap<>();
    /** Held by {@link #poll()} while it uses the consumer; {@link #stop()} takes it before closing the consumer. */
    private final Semaphore consumerAccess = new Semaphore(1);
    /** Partitions with no stored offset: read from the log's start, wherever that is now. */
    private final Set<Integer> newPartitions = new HashSet<>();
    /** Partitions paused because their next entry would track a run beyond {@code max.tracked.runs}. */
    private final Set<TopicPartition> pausedForRoom = new HashSet<>();
    /** Set when a ledger entry could not be read: the task hands over what it read before it, then fails with this. */
    private ConnectException unreadableEntry;

    private DataSourceRunSourceConfig config;
    private DataZoneClients clients;
    private RunStatusPoller poller;
    private DataSourceRunEvents events;
    private Consumer<String, byte[]> consumer;
    private TaskMetrics metrics;
    private TaperingProgressLog progressLog;
    private ThrottledLog oddities;
    private final Function<Map<String, Object>, Consumer<String, byte[]>> consumers;
    private final Clock clock;
    private volatile boolean stopping;

    public DataSourceRunSourceTask() {
        this(KafkaConsumer::new, Clock.systemUTC());
    }

    /** For tests: a ledger consumer of their own making and a clock they move. */
    DataSourceRunSourceTask(Function<Map<String, Object>, Consumer<String, byte[]>> consumers, Clock clock) {
        this.consumers = consumers;
        this.clock = clock;
    }

    @Override
    public String version() {
        return Version.current();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new DataSourceRunSourceConfig(props);
        String connectorName = props.getOrDefault("name", "datazone-source");
        clients = DataZoneClients.open(config.connection(), connectorName);
        events = new DataSourceRunEvents(config.includeConfigurationSnapshot());
        metrics = TaskMetrics.forTask(context, connectorName);
        poller = new RunStatusPoller(clients.async(), clients.errorClassifier(),
                metrics.latency("list-data-source-runs-latency", "ListDataSourceRuns call latency"),
                metrics.latency("get-data-source-run-latency", "GetDataSourceRun call latency"), clock);
        SourceTaskMetrics.register(metrics, counters, this::trackedRunCount, poller::calls);
        progressLog = new TaperingProgressLog(LOG, this::progress, System::currentTimeMillis);
        oddities = new ThrottledLog(LOG, RunStatusPoller.ODDITY_LOG_INTERVAL, clock::millis);
        String ledgerTopic = config.ledger().topic();
        List<Integer> partitions = config.taskLedgerPartitions();
        restoreStates(ledgerTopic, partitions);
        consumer = consumers.apply(config.ledger().consumerProps(
                ContextThreads.kafkaClientId("ledger-reader", connectorName)));
        List<TopicPartition> assignment = new ArrayList<>();
        for (int partition : partitions) {
            assignment.add(new TopicPartition(ledgerTopic, partition));
        }
        consumer.assign(assignment);
        for (TopicPartition tp : assignment) {
            if (newPartitions.contains(tp.partition())) {
                // Wherever the log starts now: retention may have removed its first entries before the first start.
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, states.get(tp.partition()).position());
            }
        }
        int tracked = trackedRunCount();
        LOG.info("Started on ledger partitions {} of '{}', resuming {} tracked runs", partitions, ledgerTopic,
                tracked);
    }

    private void restoreStates(String ledgerTopic, List<Integer> partitions) {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int partition : partitions) {
            keys.add(LedgerPartitionState.sourcePartition(ledgerTopic, partition));
        }
        Map<Map<String, Object>, Map<String, Object>> stored = context.offsetStorageReader().offsets(keys);
        long now = clock.millis();
        for (int partition : partitions) {
            Map<String, Object> offset = stored.get(LedgerPartitionState.sourcePartition(ledgerTopic, partition));
            LedgerPartitionState state;
            try {
                state = LedgerPartitionState.fromOffset(ledgerTopic, partition, offset);
            } catch (IllegalArgumentException e) {
                throw new ConnectException("The stored offset of ledger partition " + partition + " is invalid ("
                        + e.getMessage() + "); fix or reset it with Connect's offsets REST API", e);
            }
            states.put(partition, state);
            if (offset == null) {
                newPartitions.add(partition);
            }
            // Offsets written before the tracking age limit existed: the run's clock starts now.
            new ArrayList<>(state.runs()).stream().filter(run -> run.trackedSinceMs() == null)
                    .forEach(run -> state.track(run.trackedSince(now)));
            // Runs that were in flight at the last stop are polled at once: they may have moved meanwhile.
            state.runs().forEach(run -> schedules.computeIfAbsent(run.dataSource(), ds -> newSchedule(now)));
        }
    }

    private PollSchedule newSchedule(long firstPollAtMs) {
        return new PollSchedule(config.statusPollIntervalMs(), config.statusPollIntervalMaxMs(), firstPollAtMs);
    }

    private String progress() {
        return counters.ledgerEntries() + " ledger entries, " + counters.events(EventType.RUN_STARTED)
                + " RUN_STARTED, " + counters.events(EventType.RUN_START_FAILED) + " RUN_START_FAILED, "
                + counters.events(EventType.RUN_STATUS_CHANGED) + " RUN_STATUS_CHANGED, " + trackedRunCount()
                + " runs tracked, " + poller.calls() + " status calls (" + counters.failedPolls() + " failed)";
    }

    private int trackedRunCount() {
        return states.values().stream().mapToInt(s -> s.runs().size()).sum();
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
            List<SourceRecord> records = new ArrayList<>();
            collectFinishedPolls(records);
            stopOverdueRuns(records);
            readLedger(records);
            launchDuePolls();
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
            LedgerPartitionState state = states.get(record.partition());
            if (state == null || record.offset() < state.position() || heldBack.contains(tp)) {
                continue;
            }
            LedgerRecord ledgerRecord = decode(record);
            if (ledgerRecord == null) {
                // The entries before it go out with this poll, so Connect stores the position up to it.
                consumer.seek(tp, record.offset());
                consumer.pause(List.of(tp));
                heldBack.add(tp);
                continue;
            }
            if (ledgerRecord instanceof ProgressMark) {
                state.advancePast(record.offset());
                counters.onLedgerEntry();
                onProgressMark(state, (ProgressMark) ledgerRecord);
                continue;
            }
            LedgerEntry entry = (LedgerEntry) ledgerRecord;
            if (state.wouldTrack(entry.run()) && trackedRunCount() >= config.maxTrackedRuns()) {
                // No room for its run: read this partition again from this entry once runs finish.
                holdBack(tp, record.offset());
                heldBack.add(tp);
                continue;
            }
            state.advancePast(record.offset());
            counters.onLedgerEntry();
            onLedgerEntry(state, entry, records);
        }
    }

    /**
     * The ledger record (an outcome entry or a progress mark) of {@code record}, or null when it cannot be read: then
     * the task fails on its next poll without moving past it, since skipping it would lose a request's result (and its
     * run) for good. It fails only then so that Connect first stores the position of the entries read before it:
     * failing in the middle of a fetch would drop them unpublished while the stored position stays behind them, and an
     * operator skipping the entry would skip them too.
     */
    private LedgerRecord decode(ConsumerRecord<String, byte[]> record) {
        try {
            return LedgerCodec.decodeRecord(record.value());
        } catch (IllegalArgumentException e) {
            counters.onUnreadableEntry();
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
            return null;
        }
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
        if (!pausedForRoom.isEmpty() && trackedRunCount() < config.maxTrackedRuns()) {
            consumer.resume(pausedForRoom);
            pausedForRoom.clear();
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
            LedgerPartitionState state = states.get(tp.partition());
            if (state != null) {
                // Up, past a gap: the next record stores it, so the gap is not published again. Down, in a recreated
                // topic (or from 0 when its start is unknown): its entries are read rather than skipped.
                state.readFrom(logStart == null ? 0 : logStart);
            }
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
     * Publishes the request's result, unless it is already out: then the entry is a second outcome of the request (the
     * sink redelivered it, or two tasks handled it across a rebalance), and only a run it reveals for the first time is
     * followed.
     */
    private void onLedgerEntry(LedgerPartitionState state, LedgerEntry entry, List<SourceRecord> records) {
        Struct result = events.result(entry, clock.instant());
        LedgerPartitionState.EntryVerdict verdict =
                state.accept(entry, result.getString(DataSourceRunEventSchema.EVENT_ID));
        verdict.newlyTracked().ifPresent(run -> {
            // The state keeps no clock: the task stamps when tracking began, for max.run.tracking.ms.
            state.track(run.trackedSince(clock.millis()));
            schedules.computeIfAbsent(run.dataSource(),
                    ds -> newSchedule(clock.millis() + config.statusPollIntervalMs()));
        });
        if (verdict.forgotOlderResult()) {
            oddities.warn("no progress marks", "Remembering more than {} published results of ledger partition {}"
                    + " above the sink's progress marks: forgetting the oldest, so a request redelivered later may get"
                    + " a second result event. Is the sink connector older than this source connector?",
                    LedgerPartitionState.MAX_RESULTS_ABOVE_MARKS, state.partition());
        }
        if (!verdict.publish()) {
            counters.onDuplicateEntry();
            LOG.debug("Dropping a second outcome of a request whose result is out: {}", entry);
            return;
        }
        records.add(record(state, entry.clientToken(), result));
        counters.onEvent(EventType.valueOf(result.getString(DataSourceRunEventSchema.EVENT_TYPE)));
    }

    private static void onProgressMark(LedgerPartitionState state, ProgressMark mark) {
        for (ProgressMark.Below below : mark.marks()) {
            state.markProgress(below);
        }
    }

    /**
     * Ends the tracking of runs followed for {@code max.run.tracking.ms} without being seen ending, each with a
     * RUN_TRACKING_STOPPED event: whatever DataZone answers, every run closes in bounded time.
     */
    private void stopOverdueRuns(List<SourceRecord> records) {
        long now = clock.millis();
        long limit = config.maxRunTrackingMs();
        for (LedgerPartitionState state : states.values()) {
            for (TrackedRun run : new ArrayList<>(state.runs())) {
                if (now - run.trackedSinceMs() < limit) {
                    continue;
                }
                String reason = "Not seen ending within max.run.tracking.ms (" + limit + " ms) of tracking; last"
                        + " status published: " + run.lastStatus() + (RunLifecycle.isKnown(run.lastStatus()) ? ""
                        : " (a status this connector does not know, reported without a stoppedAt)");
                LOG.warn("Stopped tracking {}: {}; its last event is RUN_TRACKING_STOPPED", run, reason);
                state.finish(run.runId());
                records.add(record(state, run.clientToken(), events.trackingStopped(run.clientToken(),
                        run.request(), run.dataSource(), run.runId(), run.lastStatus(), reason, clock.instant())));
                counters.onEvent(EventType.RUN_TRACKING_STOPPED);
            }
        }
    }

    private Duration untilNextPoll() {
        return Duration.ofMillis(PollSchedule.untilNextDue(schedules.values(), clock.millis(),
                MAX_LEDGER_WAIT.toMillis()));
    }

    private void launchDuePolls() {
        if (stopping) {
            return; // woken by stop(): no new DataZone calls for clients about to close
        }
        long now = clock.millis();
        Map<DataSourceRef, Set<String>> runsBySource = trackedRunsBySource();
        for (Iterator<Map.Entry<DataSourceRef, PollSchedule>> it = schedules.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DataSourceRef, PollSchedule> entry = it.next();
            DataSourceRef dataSource = entry.getKey();
            Set<String> runIds = runsBySource.get(dataSource);
            if (runIds == null) {
                it.remove();
            } else if (entry.getValue().due(now) && pollsInFlight.containsKey(dataSource)) {
                // A poll from before the data source's runs all ended is still in flight: this schedule waits for its
                // answer too, instead of keeping the task's wait at zero.
                entry.getValue().sent(now);
            } else if (entry.getValue().due(now)) {
                entry.getValue().sent(now);
                // The answer wakes the task from its wait on the ledger, so it is published without delay.
                pollsInFlight.put(dataSource, poller.poll(dataSource, runIds)
                        .whenComplete((observations, error) -> wakeFromLedgerWait()));
            }
        }
    }

    private Map<DataSourceRef, Set<String>> trackedRunsBySource() {
        Map<DataSourceRef, Set<String>> runs = new HashMap<>();
        for (LedgerPartitionState state : states.values()) {
            for (TrackedRun run : state.runs()) {
                runs.computeIfAbsent(run.dataSource(), ds -> new HashSet<>()).add(run.runId());
            }
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
            PollSchedule schedule = schedules.get(dataSource);
            Map<String, RunObservation> observations;
            try {
                observations = entry.getValue().join();
            } catch (RuntimeException e) {
                counters.onFailedPoll();
                LOG.warn("Could not poll the runs of {}: {}", dataSource,
                        clients.errorClassifier().classify(e));
                if (schedule != null) {
                    schedule.failed(clock.millis());
                }
                continue;
            }
            boolean changed = publishChanges(dataSource, observations, records);
            if (schedule != null) {
                schedule.polled(clock.millis(), changed);
            }
        }
    }

    private boolean publishChanges(DataSourceRef dataSource, Map<String, RunObservation> observations,
                                   List<SourceRecord> records) {
        boolean changed = false;
        for (LedgerPartitionState state : states.values()) {
            for (TrackedRun run : new ArrayList<>(state.runs())) {
                RunObservation observation = run.dataSource().equals(dataSource) ? observations.get(run.runId()) : null;
                if (observation == null) {
                    continue;
                }
                if (observation.snapshot().isEmpty()) {
                    String detail = observation.notFoundDetail();
                    counters.onVanishedRun();
                    LOG.warn("DataZone no longer knows {} ({}); it is not tracked any more and its last event is"
                            + " RUN_VANISHED", run, detail);
                    state.finish(run.runId());
                    records.add(record(state, run.clientToken(), events.vanished(run.clientToken(), run.request(),
                            run.dataSource(), run.runId(), run.lastStatus(), detail, clock.instant())));
                    counters.onEvent(EventType.RUN_VANISHED);
                    changed = true;
                    continue;
                }
                RunSnapshot snapshot = observation.snapshot().get();
                if (snapshot.status() == null || snapshot.status().equals(run.lastStatus())) {
                    continue;
                }
                if (RunLifecycle.isStale(run.lastStatus(), snapshot.status())) {
                    oddities.info("stale " + dataSource, "Ignored a stale read of {}: DataZone answered {} after"
                            + " answering {}", run, snapshot.status(), run.lastStatus());
                    continue;
                }
                changed = true;
                if (RunLifecycle.isTerminal(snapshot)) {
                    state.finish(run.runId());
                } else {
                    state.track(run.withLastStatus(snapshot.status()));
                }
                Struct event = events.statusChanged(run.clientToken(), run.request(), snapshot, run.lastStatus(),
                        clock.instant());
                records.add(record(state, run.clientToken(), event));
                counters.onEvent(EventType.RUN_STATUS_CHANGED);
            }
        }
        return changed;
    }

    private SourceRecord record(LedgerPartitionState state, String clientToken, Struct event) {
        return new SourceRecord(state.sourcePartition(), state.toOffset(), config.outputTopic(), null,
                Schema.OPTIONAL_STRING_SCHEMA, clientToken, DataSourceRunEventSchema.SCHEMA, event,
                clock.millis());
    }

    private void wakeFromLedgerWait() {
        if (!stopping) {
            consumer.wakeup();
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
        }
        consumerAccess.acquireUninterruptibly();
        try {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(5));
            }
            if (clients != null) {
                clients.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        } finally {
            consumerAccess.release();
        }
        LOG.info("Stopped after {} ledger entries: {} RUN_STARTED, {} RUN_START_FAILED, {} RUN_STATUS_CHANGED",
                counters.ledgerEntries(), counters.events(EventType.RUN_STARTED),
                counters.events(EventType.RUN_START_FAILED), counters.events(EventType.RUN_STATUS_CHANGED));
    }
}
