package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.event.DataSourceRunEvents;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Lineage;
import io.kcdatazone.simulator.OddAnswers;
import io.kcdatazone.simulator.OddAnswers.OptionalRunMember;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.Outcome;
import io.kcdatazone.simulator.RunScript;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.MockTimeClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * DataZone answering oddly but legally (unknown members, optional members left out, short and empty pages that lead
 * on, clocks that disagree): the poller, through the real asynchronous SDK client against the simulator, observes
 * exactly what a plain answer would show, the events built from it are valid, and it says what it saw, once.
 */
class OddDataZoneAnswersTest {

    /** PARTIALLY_SUCCEEDED with an error message: every optional member of a run is set once it ends. */
    private static final DataSourceRef ORDERS = new DataSourceRef("dzd_demo", "orders_glue");
    private static final Duration REQUESTED_FOR = Duration.ofSeconds(2);
    private static final Duration RUNNING_FOR = Duration.ofSeconds(5);
    private static final String POLLER_LOGGER = RunStatusPoller.class.getName();

    /** The simulator's clock and this worker's: they agree unless a test skews DataZone's timestamps. */
    private final MockTime time = new MockTime(0, Instant.parse("2026-03-02T10:00:00Z").toEpochMilli(), 0);
    private final Clock clock = new MockTimeClock(time);
    private final DataSourceRunEvents events = new DataSourceRunEvents(true);
    private final StatusCallBudget budget = new StatusCallBudget(0, AwsRetryStrategy.doNotRetry(),
            Duration.ofSeconds(30), time, error -> false, () -> { }, new SourceTaskCounters());
    private DataZoneSimulator simulator;
    private OddAnswers odd;
    private DataZoneClients clients;
    private RunStatusPoller poller;

    @BeforeEach
    void start() {
        simulator = SimulatorClients.startSimulator(clock);
        odd = simulator.oddAnswers();
        clients = SimulatorClients.open(simulator, "odd-answers-test");
        poller = new RunStatusPoller(clients.async(), clients.errorClassifier(), budget, millis -> { }, millis -> { },
                time);
    }

    @AfterEach
    void stop() {
        clients.close();
        simulator.close();
    }

    @Test
    void unknownMembersChangeNothingTheConnectorReadsInAnyRunOperation() throws Exception {
        // Past MAX_PAGES one-run pages, so the last runs are read with GetDataSourceRun.
        odd.limitRunsPerPage(1);
        List<String> runs = startRuns(RunStatusPoller.MAX_PAGES + 2);
        odd.addUnknownMembers(true);
        StartDataSourceRunResponse replay = start("odd-0");
        odd.addUnknownMembers(false);
        assertThat(RunSnapshot.of(replay)).isEqualTo(RunSnapshot.of(start("odd-0")));

        for (Duration step : List.of(Duration.ZERO, REQUESTED_FOR, RUNNING_FOR)) {
            time.sleep(step.toMillis());
            Map<String, RunObservation> plain = poll(runs);
            odd.addUnknownMembers(true);
            Map<String, RunObservation> withUnknownMembers = poll(runs);
            odd.addUnknownMembers(false);

            assertThat(snapshots(withUnknownMembers)).isEqualTo(snapshots(plain)).containsOnlyKeys(runs);
        }
        RunSnapshot ended = snapshots(poll(runs)).get(runs.get(0));
        assertThat(ended.status()).isEqualTo("PARTIALLY_SUCCEEDED");
        assertThat(ended.errorMessage().errorDetail()).isNotNull();
        assertThat(ended.runStatisticsForAssets().failed()).isPositive();
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isPositive();
    }

    @Test
    void optionalMembersLeftOutBecomeNullsInValidEvents() throws Exception {
        odd.omit(OptionalRunMember.values());
        // A run that imports lineage, so that leaving its lineageSummary out is an omission.
        simulator.faults().scriptNextRun(ORDERS.dataSourceId(), RunScript.endsWith(Outcome.PARTIALLY_SUCCEEDED)
                .withLineage(Lineage.endsWith(Lineage.ImportStatus.SUCCESS)));
        StartDataSourceRunResponse started = start("bare");
        String runId = started.id();
        // The sink's ledger entry of the start, as the source task reads it back.
        LedgerEntry entry = LedgerCodec.decode(LedgerCodec.encode(LedgerEntry.started(
                new RequestCoordinates("requests", 0, 7L), "bare", RunSnapshot.of(started), "req-1",
                clock.instant())));
        Struct runStarted = events.result(entry, clock.instant());
        runStarted.validate();
        assertThat(runStarted.get("dataSourceConfigurationSnapshot")).isNull();

        time.sleep(REQUESTED_FOR.plus(RUNNING_FOR).toMillis());
        // Both ways a poll reads a run: listed, and with GetDataSourceRun.
        RunSnapshot listed = snapshots(poll(List.of(runId))).get(runId);
        RunSnapshot got = RunSnapshot.of(clients.sync().getDataSourceRun(b -> b.domainIdentifier(ORDERS.domainId())
                .identifier(runId)));

        for (RunSnapshot ended : List.of(listed, got)) {
            assertThat(ended.status()).isEqualTo("PARTIALLY_SUCCEEDED");
            Struct event = events.statusChanged("bare", entry.request(), ended, "REQUESTED", clock.instant());
            event.validate();
            assertThat(event.getString("status")).isEqualTo("PARTIALLY_SUCCEEDED");
            assertThat(event.get("createdAt")).isEqualTo(Date.from(started.createdAt()));
            assertThat(event.get("updatedAt")).isNotNull();
            for (String absent : List.of("startedAt", "stoppedAt", "errorMessage", "runStatisticsForAssets",
                    "dataSourceConfigurationSnapshot", "lineageSummary")) {
                assertThat(event.get(absent)).as(absent).isNull();
            }
        }

        // errorMessage without its optional errorDetail: the type alone.
        odd.omit(OptionalRunMember.ERROR_DETAIL);
        Struct event = events.statusChanged("bare", entry.request(), snapshots(poll(List.of(runId))).get(runId),
                "REQUESTED", clock.instant());
        event.validate();
        assertThat(event.getStruct("errorMessage").getString("errorType")).isEqualTo("ACCESS_DENIED_EXCEPTION");
        assertThat(event.getStruct("errorMessage").getString("errorDetail")).isNull();
        // Left in again, the run's lineage summary is there.
        assertThat(event.getStruct("lineageSummary").getString("importStatus")).isEqualTo("SUCCESS");
    }

    @Test
    void onePagePerRunIsReadOnAndSaidOnceThoughEveryRunIsFound() throws Exception {
        List<String> runs = startRuns(3);
        odd.limitRunsPerPage(1);

        try (CapturedLog log = CapturedLog.start(Map.of(POLLER_LOGGER, Level.INFO))) {
            assertThat(poll(runs)).containsOnlyKeys(runs);
            time.sleep(REQUESTED_FOR.toMillis());
            Map<String, RunObservation> seen = poll(runs);

            assertThat(snapshots(seen).values()).extracting(RunSnapshot::status).containsOnly("RUNNING");
            assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)).isEqualTo(6);
            assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isZero();
            assertThat(linesOf(log, POLLER_LOGGER)).singleElement().satisfies(line -> assertThat(line)
                    .contains("INFO", "a page of 1 runs of dzd_demo/orders_glue with a nextToken"));
        }
    }

    @Test
    void runsBeyondTheLastOnePagePerRunPageAreReadOneByOne() throws Exception {
        List<String> runs = startRuns(RunStatusPoller.MAX_PAGES + 3);
        odd.limitRunsPerPage(1);
        time.sleep(REQUESTED_FOR.toMillis());

        Map<String, RunObservation> seen = poll(runs);

        assertThat(seen).containsOnlyKeys(runs);
        assertThat(snapshots(seen).values()).extracting(RunSnapshot::status).containsOnly("RUNNING");
        assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS))
                .isEqualTo(RunStatusPoller.MAX_PAGES);
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isEqualTo(3);
    }

    @Test
    void aFirstPageWithNoRunsButANextTokenIsReadPast() throws Exception {
        List<String> runs = startRuns(2);
        odd.leadWithEmptyPage(true);

        try (CapturedLog log = CapturedLog.start(Map.of(POLLER_LOGGER, Level.INFO))) {
            assertThat(poll(runs)).containsOnlyKeys(runs);

            assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)).isEqualTo(2);
            assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isZero();
            assertThat(linesOf(log, POLLER_LOGGER)).singleElement()
                    .satisfies(line -> assertThat(line).contains("a page of 0 runs"));
        }
    }

    @Test
    void timestampsAheadOfTheWorkersClockArePassedOnAsGivenAndReportedOnce() throws Exception {
        Duration ahead = Duration.ofMinutes(7);
        odd.skewTimestamps(ahead);
        StartDataSourceRunResponse started = start("ahead");
        Instant createdAt = clock.instant();
        assertThat(started.createdAt()).isEqualTo(createdAt.plus(ahead));

        try (CapturedLog log = CapturedLog.start(Map.of(POLLER_LOGGER, Level.INFO))) {
            List<String> statuses = new ArrayList<>();
            for (Duration step : List.of(Duration.ZERO, REQUESTED_FOR, RUNNING_FOR)) {
                time.sleep(step.toMillis());
                RunSnapshot run = snapshots(poll(List.of(started.id()))).get(started.id());
                statuses.add(run.status());
                assertThat(run.createdAt()).isEqualTo(createdAt.plus(ahead));
                assertThat(run.updatedAt()).isAfter(clock.instant().plus(RunStatusPoller.CLOCK_SKEW_TOLERANCE));
            }

            assertThat(statuses).containsExactly("REQUESTED", "RUNNING", "PARTIALLY_SUCCEEDED");
            assertThat(linesOf(log, POLLER_LOGGER)).singleElement().satisfies(line -> assertThat(line)
                    .contains("WARN", "ahead of this worker's clock", "PT7M", "orders_glue"));
        }
    }

    @Test
    void timestampsBehindTheWorkersClockOrWithinToleranceArePassedOnSilently() throws Exception {
        String runId = start("behind").id();
        odd.skewTimestamps(Duration.ofMinutes(-30), RunStatusPoller.CLOCK_SKEW_TOLERANCE);

        try (CapturedLog log = CapturedLog.start(Map.of(POLLER_LOGGER, Level.INFO))) {
            RunSnapshot behind = snapshots(poll(List.of(runId))).get(runId);
            RunSnapshot justAhead = snapshots(poll(List.of(runId))).get(runId);

            assertThat(behind.createdAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(30)));
            assertThat(justAhead.createdAt()).isEqualTo(clock.instant().plus(RunStatusPoller.CLOCK_SKEW_TOLERANCE));
            assertThat(linesOf(log, POLLER_LOGGER)).isEmpty();
        }
    }

    @Test
    void timestampsThatJumpBackAndForthBetweenAnswersLeaveTheStatusesInOrder() throws Exception {
        // Each answer's clock differs from the last one's: -2 min (the start), +5, +9, -2, +5 min.
        odd.skewTimestamps(Duration.ofMinutes(-2), Duration.ofMinutes(5), Duration.ofMinutes(9));
        String runId = start("jumpy").id();
        List<String> statuses = new ArrayList<>();
        List<Instant> updatedAts = new ArrayList<>();

        for (Duration step : List.of(Duration.ZERO, REQUESTED_FOR, Duration.ofSeconds(1), RUNNING_FOR)) {
            time.sleep(step.toMillis());
            RunSnapshot run = snapshots(poll(List.of(runId))).get(runId);
            statuses.add(run.status());
            updatedAts.add(run.updatedAt());
        }

        assertThat(statuses).containsExactly("REQUESTED", "RUNNING", "RUNNING", "PARTIALLY_SUCCEEDED");
        // As given: the second RUNNING answer says the run was updated 11 minutes before the first one did.
        assertThat(updatedAts.get(2)).isEqualTo(updatedAts.get(1).minus(Duration.ofMinutes(11)));
    }

    private StartDataSourceRunResponse start(String clientToken) {
        return clients.sync().startDataSourceRun(b -> b.domainIdentifier(ORDERS.domainId())
                .dataSourceIdentifier(ORDERS.dataSourceId()).clientToken(clientToken));
    }

    private List<String> startRuns(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(start("odd-" + i).id());
        }
        return ids;
    }

    private Map<String, RunObservation> poll(List<String> runIds) throws Exception {
        return poller.poll(ORDERS, Set.copyOf(runIds), time.hiResClockMs()).get(10, TimeUnit.SECONDS);
    }

    private static Map<String, RunSnapshot> snapshots(Map<String, RunObservation> observations) {
        Map<String, RunSnapshot> snapshots = new LinkedHashMap<>();
        observations.forEach((runId, observation) -> snapshots.put(runId, observation.snapshot().orElseThrow()));
        return snapshots;
    }

    private static List<String> linesOf(CapturedLog log, String logger) {
        return log.lines().stream().filter(line -> line.contains(logger + ":")).toList();
    }
}
