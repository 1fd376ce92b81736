package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSourceConfig;
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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

    private final SourceTaskCounters counters = new SourceTaskCounters();
    private final Map<Integer, LedgerPartitionState> states = new HashMap<>();
    private final Map<DataSourceRef, PollSchedule> schedules = new HashMap<>();
    private final Map<DataSourceRef, CompletableFuture<Map<String, RunObservation>>> pollsInFlight = new HashMap<>();
    /** Held by {@link #poll()} while it uses the consumer; {@link #stop()} takes it before closing the consumer. */
    private final Semaphore consumerAccess = new Semaphore(1);

    private DataSourceRunSourceConfig config;
    private DataZoneClients clients;
    private RunStatusPoller poller;
    private DataSourceRunEvents events;
    private Consumer<String, byte[]> consumer;
    private TaskMetrics metrics;
    private TaperingProgressLog progressLog;
    private ThrottledLog oddities;
    private final Clock clock = Clock.systemUTC();
    private volatile boolean stopping;
    private boolean ledgerPaused;

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
        consumer = new KafkaConsumer<>(config.ledger().consumerProps(
                ContextThreads.kafkaClientId("ledger-reader", connectorName)));
        List<TopicPartition> assignment = new ArrayList<>();
        for (int partition : partitions) {
            assignment.add(new TopicPartition(ledgerTopic, partition));
        }
        consumer.assign(assignment);
        for (TopicPartition tp : assignment) {
            consumer.seek(tp, states.get(tp.partition()).position());
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
            List<SourceRecord> records = new ArrayList<>();
            collectFinishedPolls(records);
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
        applyTrackingLimit();
        // With nothing to hand over yet, wait for the ledger until the next status poll is due: an answer to one in
        // flight wakes the consumer.
        Duration wait = records.isEmpty() ? untilNextPoll() : BUSY_LEDGER_WAIT;
        ConsumerRecords<String, byte[]> ledgerRecords;
        try {
            ledgerRecords = consumer.poll(wait);
        } catch (WakeupException e) {
            // A status poll answered (or the task stops): the records collected so far go out now.
            return;
        }
        for (ConsumerRecord<String, byte[]> record : ledgerRecords) {
            LedgerPartitionState state = states.get(record.partition());
            if (state == null || record.offset() < state.position()) {
                continue;
            }
            state.advancePast(record.offset());
            counters.onLedgerEntry();
            LedgerRecord ledgerRecord;
            try {
                ledgerRecord = LedgerCodec.decodeRecord(record.value());
            } catch (IllegalArgumentException e) {
                counters.onUnreadableEntry();
                LOG.error("Skipping unreadable ledger entry at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.getMessage());
                continue;
            }
            if (ledgerRecord instanceof ProgressMark) {
                onProgressMark(state, (ProgressMark) ledgerRecord);
            } else {
                onLedgerEntry(state, (LedgerEntry) ledgerRecord, records);
            }
        }
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
        verdict.newlyTracked().ifPresent(run -> schedules.computeIfAbsent(run.dataSource(),
                ds -> newSchedule(clock.millis() + config.statusPollIntervalMs())));
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

    /** Stops reading new ledger entries while the task tracks its maximum of runs; bounded memory and offsets. */
    private void applyTrackingLimit() {
        int tracked = trackedRunCount();
        if (!ledgerPaused && tracked >= config.maxTrackedRuns()) {
            ledgerPaused = true;
            consumer.pause(consumer.assignment());
            LOG.info("Tracking {} runs (max.tracked.runs): reading the ledger again when some finish", tracked);
        } else if (ledgerPaused && tracked < config.maxTrackedRuns()) {
            ledgerPaused = false;
            consumer.resume(consumer.assignment());
        }
    }

    private Duration untilNextPoll() {
        long now = clock.millis();
        long next = schedules.values().stream().mapToLong(PollSchedule::nextPollAtMs).min().orElse(Long.MAX_VALUE);
        long waitMs = Math.max(0, Math.min(next - now, MAX_LEDGER_WAIT.toMillis()));
        return Duration.ofMillis(waitMs);
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
            } else if (entry.getValue().due(now) && !pollsInFlight.containsKey(dataSource)) {
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
