package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RateLimit;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.MockTimeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.MockTime;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

/** The poller against the simulator, through the real asynchronous SDK client. */
class RunStatusPollerTest {

    private static final DataSourceRef SALES = new DataSourceRef("dzd_demo", "sales_glue");

    private final MockTime time = new MockTime(0, Instant.parse("2026-03-02T10:00:00Z").toEpochMilli(), 0);
    /** Unlimited: these tests are about which calls the poller makes; it counts them. */
    private final SourceTaskCounters counters = new SourceTaskCounters();
    private final StatusCallBudget budget = new StatusCallBudget(0, AwsRetryStrategy.doNotRetry(),
            Duration.ofSeconds(30), time, error -> false, () -> { }, counters);
    private DataZoneSimulator simulator;
    private DataZoneClients clients;
    private RunStatusPoller poller;

    @BeforeEach
    void start() {
        simulator = SimulatorClients.startSimulator(new MockTimeClock(time));
        clients = SimulatorClients.open(simulator, "poller-test");
        poller = new RunStatusPoller(clients.async(), clients.errorClassifier(), budget, millis -> { }, millis -> { },
                time);
    }

    @AfterEach
    void stop() {
        clients.close();
        simulator.close();
    }

    private List<String> startRuns(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = "token-" + i;
            ids.add(clients.sync().startDataSourceRun(b -> b.domainIdentifier(SALES.domainId())
                    .dataSourceIdentifier(SALES.dataSourceId()).clientToken(token)).id());
        }
        return ids;
    }

    private Map<String, RunObservation> poll(Set<String> runIds) throws Exception {
        return poller.poll(SALES, runIds, time.hiResClockMs()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void oneListCallObservesEveryRunOfADataSource() throws Exception {
        List<String> runs = startRuns(30);
        time.sleep(3_000);

        Map<String, RunObservation> seen = poll(Set.copyOf(runs));

        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(runs);
        assertThat(seen.values()).allSatisfy(observation -> assertThat(observation.snapshot())
                .hasValueSatisfying(run -> {
                    assertThat(run.status()).isEqualTo("RUNNING");
                    assertThat(run.domainId()).isEqualTo("dzd_demo");
                    assertThat(run.dataSourceId()).isEqualTo("sales_glue");
                }));
        assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)).isEqualTo(1);
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isZero();
        assertThat(counters.statusCalls()).isEqualTo(1);
    }

    @Test
    void aRunBeyondThePagesIsReadWithGetDataSourceRun() throws Exception {
        int total = RunStatusPoller.PAGE_SIZE * RunStatusPoller.MAX_PAGES + 5;
        List<String> runs = startRuns(total);
        time.sleep(10_000);
        // The list is newest first: the oldest run is on no page the poller reads; the newest is on the first.
        String oldest = runs.get(0);
        String newest = runs.get(total - 1);

        Map<String, RunObservation> seen = poll(Set.of(oldest, newest));

        assertThat(seen.get(oldest).snapshot()).map(RunSnapshot::status).hasValue("SUCCESS");
        assertThat(seen.get(newest).snapshot()).map(RunSnapshot::status).hasValue("SUCCESS");
        assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS))
                .isEqualTo(RunStatusPoller.MAX_PAGES);
        assertThat(simulator.introspection().calls(Operation.GET_DATA_SOURCE_RUN)).singleElement()
                .satisfies(call -> assertThat(call.labels()).containsEntry("identifier", oldest));
        assertThat(counters.statusCalls()).isEqualTo(RunStatusPoller.MAX_PAGES + 1);
    }

    @Test
    void everyPageAndEveryGetDataSourceRunWaitsForItsPermitOfTheBudget() throws Exception {
        SourceTaskCounters pacedCounters = new SourceTaskCounters();
        StatusCallBudget paced = new StatusCallBudget(2, AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(30),
                time, error -> false,
                () -> { }, pacedCounters);
        RunStatusPoller poller = new RunStatusPoller(clients.async(), clients.errorClassifier(), paced,
                millis -> { }, millis -> { }, time);
        List<String> runs = startRuns(RunStatusPoller.PAGE_SIZE * RunStatusPoller.MAX_PAGES + 5);
        time.sleep(10_000);

        CompletableFuture<Map<String, RunObservation>> poll = poller.poll(SALES, Set.of(runs.get(0)),
                time.hiResClockMs());

        // Four pages, then GetDataSourceRun for the oldest run, none on a page read: one call per permit.
        for (int call = 2; call <= RunStatusPoller.MAX_PAGES + 1; call++) {
            Awaitility.await("call " + call + " waits for a permit").atMost(Duration.ofSeconds(10))
                    .until(() -> paced.untilNextWaitingCallMs() == 0);
            assertThat(statusCalls()).as("sent before call %d has its permit", call).isEqualTo(call - 1);
            time.sleep(paced.untilPermitFreeMs());
            paced.sendWaitingCalls();
        }
        assertThat(poll.get(10, TimeUnit.SECONDS).get(runs.get(0)).snapshot()).map(RunSnapshot::status)
                .hasValue("SUCCESS");
        assertThat(statusCalls()).isEqualTo(RunStatusPoller.MAX_PAGES + 1);
        assertThat(pacedCounters.statusCalls()).isEqualTo(RunStatusPoller.MAX_PAGES + 1);
    }

    @Test
    void everyAttemptDataZoneReceivesTakesAPermitOfTheBudgetThrottledOrNot() throws Exception {
        // DataZone lets one list call through, then throttles every one for the rest of the test.
        try (DataZoneSimulator throttling = DataZoneSimulator.start(SimulatorOptions.builder()
                .clock(new MockTimeClock(time)).startsEveryRun()
                .rateLimit(Operation.LIST_DATA_SOURCE_RUNS, new RateLimit(0.001, 1)).build());
             DataZoneClients throttled = SimulatorClients.openWithoutSdkRetries(throttling, "throttled-poller")) {
            SourceTaskCounters pacedCounters = new SourceTaskCounters();
            StatusCallBudget paced = new StatusCallBudget(1, throttled.retryStrategy(), Duration.ofSeconds(30), time,
                    error -> throttled.errorClassifier().classify(error).isThrottled(), () -> { }, pacedCounters);
            RunStatusPoller poller = new RunStatusPoller(throttled.async(), throttled.errorClassifier(), paced,
                    millis -> { }, millis -> { }, time);
            Set<String> run = Set.of(throttled.sync().startDataSourceRun(b -> b.domainIdentifier(SALES.domainId())
                    .dataSourceIdentifier(SALES.dataSourceId()).clientToken("token")).id());
            CompletableFuture<Map<String, RunObservation>> first = poller.poll(SALES, run, time.hiResClockMs());
            CompletableFuture<Map<String, RunObservation>> second = poller.poll(SALES, run, time.hiResClockMs());
            first.get(10, TimeUnit.SECONDS);

            // The second poll's call waits for the next permit, a second later; DataZone throttles it, and each retry.
            for (int elapsed = 1; elapsed <= 60 && !second.isDone(); elapsed++) {
                time.sleep(1_000);
                paced.sendWaitingCalls();
                Awaitility.await("the calls sent so far answered").atMost(Duration.ofSeconds(20))
                        .until(() -> paced.inFlight() == 0);
                assertThat(throttling.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS))
                        .as("calls DataZone received after %d s of permits", elapsed)
                        .isEqualTo(pacedCounters.statusCalls()).isLessThanOrEqualTo(elapsed + 1);
            }
            assertThatThrownBy(second::join).hasRootCauseInstanceOf(ThrottlingException.class);
            assertThat(pacedCounters.statusCalls()).as("the first poll's call, then the SDK's three attempts, each paced")
                    .isEqualTo(1 + 3);
            assertThat(pacedCounters.throttledStatusCalls()).isEqualTo(3);
        }
    }

    private long statusCalls() {
        return simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)
                + simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN);
    }

    @Test
    void pagingStopsOnceEveryTrackedRunIsSeen() throws Exception {
        List<String> runs = startRuns(RunStatusPoller.PAGE_SIZE + 10);

        Map<String, RunObservation> seen = poll(Set.of(runs.get(runs.size() - 1), runs.get(runs.size() - 2)));

        assertThat(seen).hasSize(2);
        assertThat(simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)).isEqualTo(1);
    }

    @Test
    void aRunDataZoneNoLongerKnowsIsGone() throws Exception {
        List<String> runs = startRuns(2);
        simulator.faults().vanishRun(runs.get(0));

        Map<String, RunObservation> seen = poll(Set.copyOf(runs));

        assertThat(seen.get(runs.get(0)).snapshot()).isEmpty();
        assertThat(seen.get(runs.get(1)).snapshot()).map(RunSnapshot::status).hasValue("REQUESTED");
        assertThat(simulator.introspection().calls(Operation.GET_DATA_SOURCE_RUN)).singleElement()
                .satisfies(call -> assertThat(call.httpStatus()).isEqualTo(404));
    }

    @Test
    void aRunWhoseGetFailsOtherwiseIsLeftUnobservedForTheNextPoll() throws Exception {
        List<String> runs = startRuns(1);
        simulator.faults().vanishRun(runs.get(0));
        simulator.faults().failNext(Operation.GET_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 1);

        assertThat(poll(Set.copyOf(runs))).isEmpty();
    }

    @Test
    void aFailingListFailsThePoll() {
        startRuns(1);
        simulator.faults().failNext(Operation.LIST_DATA_SOURCE_RUNS, ServiceError.VALIDATION, 1);

        assertThatThrownBy(() -> poller.poll(SALES, Set.of("any"), time.hiResClockMs()).join())
                .isInstanceOf(CompletionException.class)
                .hasRootCauseInstanceOf(software.amazon.awssdk.services.datazone.model.ValidationException.class);
    }

    @Test
    void theRunsOfADeletedDataSourceAreReadOneByOneAndAreGone() throws Exception {
        List<String> runs = startRuns(2);
        simulator.faults().deleteDataSource(SALES.domainId(), SALES.dataSourceId());

        Map<String, RunObservation> seen = poll(Set.copyOf(runs));

        assertThat(seen).containsOnlyKeys(runs);
        assertThat(seen.values()).allSatisfy(observation -> {
            assertThat(observation.snapshot()).isEmpty();
            assertThat(observation.notFoundDetail()).contains("ResourceNotFoundException", "not found");
        });
        assertThat(simulator.introspection().calls(Operation.LIST_DATA_SOURCE_RUNS)).singleElement()
                .satisfies(call -> assertThat(call.httpStatus()).isEqualTo(404));
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isEqualTo(2);
    }

    @Test
    void aListDeniedForADataSourceFallsBackToReadingItsRunsOneByOne() throws Exception {
        List<String> runs = startRuns(2);
        time.sleep(3_000);
        simulator.faults().failNext(Operation.LIST_DATA_SOURCE_RUNS, ServiceError.ACCESS_DENIED, 1);

        Map<String, RunObservation> seen = poll(Set.copyOf(runs));

        assertThat(seen).containsOnlyKeys(runs);
        assertThat(seen.values()).allSatisfy(observation -> assertThat(observation.snapshot())
                .map(RunSnapshot::status).hasValue("RUNNING"));
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isEqualTo(2);
    }

    @Test
    void aPollWhoseListIsRefusedAndWhoseGetsAllFailFailsAndSaysWhy() {
        List<String> runs = startRuns(2);
        simulator.faults().failNext(Operation.LIST_DATA_SOURCE_RUNS, ServiceError.ACCESS_DENIED, 1);
        simulator.faults().failNext(Operation.GET_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 2);

        try (CapturedLog log = CapturedLog.start(Map.of(RunStatusPoller.class.getName(), Level.INFO))) {
            // A failed poll is counted (failed-status-polls-total) and backed off by the task, unlike an empty answer.
            assertThatThrownBy(() -> poller.poll(SALES, Set.copyOf(runs), time.hiResClockMs()).join())
                    .isInstanceOf(CompletionException.class)
                    .hasRootCauseInstanceOf(AccessDeniedException.class);
            assertThat(log.lines()).filteredOn(line -> line.contains("WARN") && line.contains("GetDataSourceRun failed"))
                    .anySatisfy(line -> assertThat(line).contains(SALES.toString(), "ACCESS_DENIED_EXCEPTION"));
        }
        assertThat(simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN)).isEqualTo(2);
    }

    @Test
    void aGetThatFailsOtherwiseIsLoggedEvenWhenThePollSucceeds() throws Exception {
        List<String> runs = startRuns(1);
        simulator.faults().vanishRun(runs.get(0));
        simulator.faults().failNext(Operation.GET_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 1);

        try (CapturedLog log = CapturedLog.start(Map.of(RunStatusPoller.class.getName(), Level.INFO))) {
            assertThat(poll(Set.copyOf(runs))).isEmpty();
            assertThat(log.lines()).filteredOn(line -> line.contains("WARN") && line.contains("GetDataSourceRun failed"))
                    .singleElement().asString().contains(runs.get(0), SALES.toString(), "ACCESS_DENIED_EXCEPTION");
        }
    }
}
