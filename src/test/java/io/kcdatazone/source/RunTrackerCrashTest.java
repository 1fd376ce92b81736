package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerRecord;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.datazone.model.ResourceNotFoundException;

/**
 * The run-tracking state under Connect's commit semantics ({@link ConnectOffsetCommits}), driven by random scenarios
 * against a DataZone that moves runs along: ledger entries, second outcomes and progress marks come in, statuses
 * change, records are acknowledged in any order, offsets are committed per source partition, and the task crashes or
 * stops at any point and restarts from what is stored. In both modes no result and no run's end is lost; in
 * exactly-once mode nothing is repeated; in at-least-once mode only events whose record's offset was never stored are
 * repeated, and nothing at all when every acknowledged record's offset was stored before the restart.
 */
class RunTrackerCrashTest {

    private static final String LEDGER = "ledger";
    private static final String REQUESTS = "requests";
    private static final String DOMAIN = "dzd_crash";
    private static final int DATA_SOURCES = 4;
    private static final long MAX_RUN_TRACKING_MS = 3_600_000;
    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    private static final DataZoneFailure NOT_FOUND = new DataZoneErrorClassifier(SecretRedactor.none())
            .classify(ResourceNotFoundException.builder().message("no such run").statusCode(404).build());

    static List<Arguments> scenarios() {
        List<Arguments> scenarios = new ArrayList<>();
        for (ConnectOffsetCommits.Mode mode : ConnectOffsetCommits.Mode.values()) {
            for (boolean crashes : new boolean[] {true, false}) {
                for (int maxTrackedRuns : new int[] {3, 1_000}) {
                    scenarios.add(Arguments.of(mode, crashes, maxTrackedRuns));
                }
            }
        }
        return scenarios;
    }

    @ParameterizedTest(name = "{0}, crashes {1}, max.tracked.runs {2}")
    @MethodSource("scenarios")
    void noResultAndNoRunsEndIsLostAndOnlyEventsOfRecordsNotStoredRepeat(ConnectOffsetCommits.Mode mode,
                                                                         boolean crashes, int maxTrackedRuns) {
        int repeats = 0;
        int restarts = 0;
        int largestSlot = 0;
        for (long seed = 1; seed <= 150; seed++) {
            if (System.getProperty("trace.seed") != null && (!System.getProperty("trace.seed").equals("" + seed)
                    || !System.getProperty("trace.case").equals(mode + "," + crashes + "," + maxTrackedRuns))) {
                continue;
            }
            Scenario scenario = new Scenario(new Random(seed), mode, crashes, maxTrackedRuns);
            scenario.trace = System.getProperty("trace.seed") != null;
            scenario.run();
            String context = mode + " seed " + seed;
            scenario.assertNothingLost(context);
            repeats += scenario.assertRepeatsOnlyOfRecordsNotStored(context, !crashes);
            restarts += scenario.restarts;
            largestSlot = Math.max(largestSlot, scenario.largestStoredSlot());
        }
        System.out.printf("%s, crashes %s, max.tracked.runs %d: %d restarts, %d repeated events, slots < %d%n",
                mode, crashes, maxTrackedRuns, restarts, repeats, largestSlot + 1);
        assertThat(restarts).as("restarts exercised").isPositive();
        if (mode == ConnectOffsetCommits.Mode.EXACTLY_ONCE || !crashes) {
            assertThat(repeats).isZero();
        }
    }

    /** One random run of the state: a ledger written as the task reads it, a DataZone, Connect and restarts. */
    private static final class Scenario {

        private final Random random;
        private final boolean crashes;
        private final int maxTrackedRuns;
        private final MockTime time = new MockTime(0, START.toEpochMilli(), 0);
        private final ConnectOffsetCommits connect;
        private final List<LedgerRecord> ledger = new ArrayList<>();
        private final int requests;
        /** Per request offset: the first outcome's result key, and the runs outcomes revealed. */
        private final Map<Long, String> firstResults = new LinkedHashMap<>();
        private final Set<String> revealedRuns = new LinkedHashSet<>();
        /** Runs the source ended without a status that ends them (vanished, tracking time limit). */
        private final Set<String> endedUnseen = new LinkedHashSet<>();
        private final Map<String, DataZoneRun> dataZone = new LinkedHashMap<>();
        private RunTracker tracker;
        private long cursor;
        private boolean heldBack;
        private int nextRequest;
        private int restarts;
        private int runs;
        private boolean trace;

        private void trace(String what) {
            if (trace) {
                System.out.println("TRACE " + what);
            }
        }

        Scenario(Random random, ConnectOffsetCommits.Mode mode, boolean crashes, int maxTrackedRuns) {
            this.random = random;
            this.crashes = crashes;
            this.maxTrackedRuns = maxTrackedRuns;
            this.requests = 10 + random.nextInt(30);
            this.connect = new ConnectOffsetCommits(mode, emission -> tracker.acknowledged(emission));
            storeFormatOneOffset();
            start();
        }

        /**
         * The offset a previous version stored: every tracked run, with its last published status, in the ledger
         * partition's own offset, and the next ledger entry to read (the ledger's first here: the runs came from
         * entries that retention removed since).
         */
        private void storeFormatOneOffset() {
            List<TrackedRun> formatOneRuns = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                DataZoneRun run = startRun("run-v1-" + i, "ds_" + i % DATA_SOURCES);
                run.step = random.nextInt(2);
                revealedRuns.add(run.id);
                formatOneRuns.add(new TrackedRun(run.id, DOMAIN, run.dataSource, "token-v1-" + i, REQUESTS, 1, i,
                        run.snapshot().status(), START.toEpochMilli(), null));
            }
            if (!formatOneRuns.isEmpty()) {
                Map<String, Object> offset = new HashMap<>();
                offset.put("version", 1);
                offset.put("position", 0L);
                offset.put("runs", OffsetFields.toJson(formatOneRuns));
                offset.put("recent", "[]");
                connect.stored().put(PartitionOffset.key(LEDGER, 0), offset);
            }
        }

        private void start() {
            tracker = RunTracker.restore(LEDGER, List.of(0), maxTrackedRuns, MAX_RUN_TRACKING_MS, connect, time);
            cursor = tracker.seekPosition(0).orElse(0);
            heldBack = false;
            trace("start at " + cursor + " following " + tracker.runs() + " stored "
                    + connect.stored().get(PartitionOffset.key(LEDGER, 0)));
        }

        void run() {
            for (int step = 0; step < 20_000; step++) {
                if (done()) {
                    return;
                }
                List<Emission> batch = new ArrayList<>();
                emitted(batch, tracker.stopOverdueRuns(dataSource -> true));
                int action = random.nextInt(100);
                if (action < 35) {
                    read(batch, 1 + random.nextInt(4));
                } else if (action < 55) {
                    poll(batch);
                } else if (action < 75) {
                    advanceDataZone();
                } else if (action < 78) {
                    time.sleep(MAX_RUN_TRACKING_MS / 4);
                }
                batch.forEach(e -> trace("emit " + key(e) + " " + e.sourcePartition() + " " + e.sourceOffset()));
                connect.send(batch);
                settle(action);
            }
            throw new AssertionError("the scenario did not end: " + tracker.trackedRunCount() + " runs followed");
        }

        private void settle(int action) {
            if (connect.mode() == ConnectOffsetCommits.Mode.AT_LEAST_ONCE) {
                connect.acknowledgeSome(random);
                if (random.nextInt(4) == 0) {
                    connect.commit(random, crashes && random.nextInt(3) == 0);
                }
            } else if (random.nextInt(3) > 0) {
                connect.commit(random, false);
            }
            int restart = random.nextInt(40);
            if (restart == 0 && crashes) {
                trace("CRASH");
                connect.crash();
                restart();
            } else if (restart == 1) {
                trace("STOP");
                connect.drain(random);
                restart();
            }
        }

        private void restart() {
            restarts++;
            start();
        }

        private boolean done() {
            if (nextRequest < requests || cursor < ledger.size() || tracker.trackedRunCount() > 0) {
                return false;
            }
            connect.drain(random);
            return tracker.trackedRunCount() == 0;
        }

        private void read(List<Emission> batch, int count) {
            if (heldBack) {
                if (!tracker.hasRoom(0)) {
                    return;
                }
                heldBack = false;
            }
            for (int i = 0; i < count; i++) {
                if (cursor == ledger.size() && !appendToLedger()) {
                    return;
                }
                LedgerRecord record = ledger.get((int) cursor);
                String resultId = record instanceof LedgerEntry ? resultKey((LedgerEntry) record) : null;
                RunTracker.Offer offer = tracker.offer(0, cursor, record, resultId);
                trace("offer " + cursor + " " + (record instanceof LedgerEntry ? resultKey((LedgerEntry) record)
                        + ((LedgerEntry) record).run() : record) + " -> " + (offer.heldBack() ? "held back"
                        : offer.followed() != null ? "follows " + offer.followed() + (offer.resumed() ? " resumed" : "")
                        : ""));
                if (offer.heldBack()) {
                    heldBack = true;
                    return;
                }
                if (offer.result() != null) {
                    batch.add(offer.result());
                }
                cursor++;
            }
        }

        /** The sink writes its next record: an outcome, a second outcome of an earlier request, or a progress mark. */
        private boolean appendToLedger() {
            if (nextRequest == requests) {
                return false;
            }
            int kind = random.nextInt(100);
            if (kind < 12 && nextRequest > 0) {
                ledger.add(ProgressMark.of(List.of(new ProgressMark.Below(REQUESTS, 0, nextRequest)), START));
                return true;
            }
            if (kind < 27 && nextRequest > 0) {
                long request = random.nextInt(nextRequest);
                ledger.add(outcome(request, true));
                return true;
            }
            ledger.add(outcome(nextRequest++, false));
            return true;
        }

        private LedgerEntry outcome(long request, boolean again) {
            RequestCoordinates coordinates = new RequestCoordinates(REQUESTS, 0, request);
            String token = "token-" + request;
            String dataSource = "ds_" + request % DATA_SOURCES;
            String runId = "run-" + request;
            DataZoneRun run = dataZone.get(runId);
            if (run != null && again && endedUnseen.contains(runId)) {
                // DataZone would reveal it as still in progress: the source follows it again unless it remembers that
                // it ended, in memory or, after a restart, within the replay window (docs/design/source-state.md).
                run = null;
            } else if (run == null && again && random.nextBoolean()) {
                // The first attempt failed; this one started the run.
                run = startRun(runId, dataSource);
            } else if (run == null && !again && random.nextInt(100) >= 15) {
                run = startRun(runId, dataSource);
            }
            LedgerEntry entry = run == null
                    ? LedgerEntry.failed(coordinates, token, DOMAIN, dataSource,
                            new RunSnapshot.RunError("CONFLICT_EXCEPTION", "a run is in progress"), null, Instant.ofEpochMilli(time.milliseconds()))
                    // DataZone answers a start with a client token it knows with that run, as it is now.
                    : LedgerEntry.started(coordinates, token, run.snapshot(), null, Instant.ofEpochMilli(time.milliseconds()));
            firstResults.putIfAbsent(request, resultKey(entry));
            if (run != null) {
                revealedRuns.add(runId);
            }
            return entry;
        }

        private DataZoneRun startRun(String runId, String dataSource) {
            runs++;
            DataZoneRun run = new DataZoneRun(runId, dataSource, random.nextInt(100));
            dataZone.put(runId, run);
            return run;
        }

        private void poll(List<Emission> batch) {
            List<DataSourceRef> dataSources = new ArrayList<>(tracker.dataSources());
            if (dataSources.isEmpty()) {
                return;
            }
            DataSourceRef dataSource = dataSources.get(random.nextInt(dataSources.size()));
            Map<String, RunObservation> observations = new HashMap<>();
            for (String runId : tracker.runIdsOf(dataSource)) {
                DataZoneRun run = dataZone.get(runId);
                observations.put(runId, run.vanished ? RunObservation.gone(NOT_FOUND)
                        : RunObservation.of(run.snapshot()));
            }
            emitted(batch, tracker.observe(dataSource, observations).emissions());
        }

        private void emitted(List<Emission> batch, List<Emission> emissions) {
            batch.addAll(emissions);
            emissions.stream().filter(e -> e.type() == EventType.RUN_VANISHED
                    || e.type() == EventType.RUN_TRACKING_STOPPED).forEach(e -> endedUnseen.add(e.before().runId()));
        }

        private void advanceDataZone() {
            List<DataZoneRun> moving = dataZone.values().stream().filter(DataZoneRun::moves)
                    .collect(Collectors.toList());
            if (!moving.isEmpty()) {
                DataZoneRun run = moving.get(random.nextInt(moving.size()));
                run.advance();
                trace("DataZone: " + run.id + " " + (run.vanished ? "vanished" : run.snapshot().status()));
            }
        }

        void assertNothingLost(String context) {
            List<String> keys = connect.delivered().stream().map(sent -> key(sent.emission()))
                    .collect(Collectors.toList());
            assertThat(keys.stream().filter(key -> key.startsWith("result ")).collect(Collectors.toSet()))
                    .as(context + ": result events").containsExactlyInAnyOrderElementsOf(firstResults.values());
            for (String runId : revealedRuns) {
                List<String> events = keys.stream().filter(key -> key.contains(" " + runId + " ")
                        || key.endsWith(" " + runId)).distinct().collect(Collectors.toList());
                assertThat(events).as(context + ": events of " + runId).isNotEmpty();
                assertThat(events.get(events.size() - 1)).as(context + ": last event of " + runId)
                        .matches(".*(SUCCESS|FAILED|PARTIALLY_SUCCEEDED|RUN_VANISHED.*|RUN_TRACKING_STOPPED.*)");
                List<Integer> ranks = events.stream().map(Scenario::rank).collect(Collectors.toList());
                assertThat(ranks).as(context + ": order of " + events).isSorted();
            }
        }

        /** Answers how many events were delivered more than once. */
        int assertRepeatsOnlyOfRecordsNotStored(String context, boolean noRepeats) {
            Map<String, List<ConnectOffsetCommits.Sent>> byKey = new LinkedHashMap<>();
            connect.delivered().forEach(sent -> byKey.computeIfAbsent(key(sent.emission()), k -> new ArrayList<>())
                    .add(sent));
            int repeated = 0;
            for (Map.Entry<String, List<ConnectOffsetCommits.Sent>> event : byKey.entrySet()) {
                List<ConnectOffsetCommits.Sent> deliveries = event.getValue();
                if (deliveries.size() == 1) {
                    continue;
                }
                repeated++;
                assertThat(noRepeats).as(context + ": " + event.getKey() + " delivered " + deliveries.size()
                        + " times").isFalse();
                assertThat(deliveries.subList(0, deliveries.size() - 1))
                        .as(context + ": " + event.getKey() + " repeated after its offset was stored")
                        .noneMatch(ConnectOffsetCommits.Sent::offsetStored);
            }
            return repeated;
        }

        int largestStoredSlot() {
            return connect.stored().keySet().stream().filter(key -> key.containsKey(SlotOffset.SLOT_KEY))
                    .mapToInt(key -> (Integer) key.get(SlotOffset.SLOT_KEY)).max().orElse(-1);
        }

        private static int rank(String key) {
            if (key.startsWith("result ")) {
                return 0;
            }
            if (key.endsWith(" RUNNING")) {
                return 1;
            }
            if (key.endsWith(" CANCELLED")) {
                return 2;
            }
            return key.startsWith("status ") ? 3 : 4;
        }

        private static String resultKey(LedgerEntry entry) {
            return "result " + entry.outcome() + " " + entry.requestOffset() + (entry.run() == null ? ""
                    : " " + entry.run().id() + " ");
        }

        /** What a consumer would dedupe the event by, as its eventId does. */
        private static String key(Emission emission) {
            switch (emission.type()) {
                case RUN_STARTED:
                case RUN_START_FAILED:
                    return "result " + emission.entry().outcome() + " " + emission.entry().requestOffset()
                            + (emission.entry().run() == null ? "" : " " + emission.entry().run().id() + " ");
                case RUN_STATUS_CHANGED:
                    return "status " + emission.before().runId() + " " + emission.snapshot().status();
                default:
                    return emission.type() + " " + emission.before().runId();
            }
        }
    }

    /**
     * A run as DataZone sees it: REQUESTED, RUNNING, then a terminal status with a stop time; now and then one that
     * vanishes, or ends in a status this connector does not know without a stop time (then only the tracking limit
     * ends it).
     */
    private static final class DataZoneRun {

        private final String id;
        private final String dataSource;
        private final int fate;
        private final List<String> statuses;
        private int step;
        private boolean vanished;

        DataZoneRun(String id, String dataSource, int fate) {
            this.id = id;
            this.dataSource = dataSource;
            this.fate = fate;
            String terminal = fate < 5 ? "CANCELLED" : List.of("SUCCESS", "FAILED", "PARTIALLY_SUCCEEDED").get(fate % 3);
            this.statuses = List.of("REQUESTED", "RUNNING", terminal);
        }

        boolean moves() {
            return !vanished && step < statuses.size() - 1;
        }

        void advance() {
            if (fate >= 5 && fate < 10 && step == 1) {
                vanished = true;
            } else {
                step++;
            }
        }

        RunSnapshot snapshot() {
            String status = statuses.get(step);
            Instant stoppedAt = step == 2 && !"CANCELLED".equals(status) ? START : null;
            return new RunSnapshot(id, DOMAIN, dataSource, "project", status, "PRIORITIZED", START, null, stoppedAt,
                    START, null, null, null);
        }
    }
}
