package io.kcdatazone.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.datazone.DataZoneClient;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ConflictException;
import software.amazon.awssdk.services.datazone.model.DataAssetActivityStatus;
import software.amazon.awssdk.services.datazone.model.DataSourceRunStatus;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.DataSourceRunType;
import software.amazon.awssdk.services.datazone.model.LineageEventProcessingStatus;
import software.amazon.awssdk.services.datazone.model.LineageImportStatus;
import software.amazon.awssdk.services.datazone.model.ResourceNotFoundException;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

/**
 * Fault injection, scripted odd runs, latency and introspection, seen through the real synchronous SDK client.
 */
class SimulatorBehaviourTest {
    private static final String DOMAIN = "dzd_demo";
    private static final String DATA_SOURCE = "sales_glue";

    private static SdkHttpClient httpClient;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
    private DataZoneSimulator simulator;
    private DataZoneClient client;

    @BeforeAll
    static void createHttpClient() {
        httpClient = ApacheHttpClient.create();
    }

    @AfterAll
    static void closeHttpClient() {
        httpClient.close();
    }

    @AfterEach
    void stop() {
        // Tests of the scripting API alone start no simulator.
        if (simulator != null) {
            client.close();
            simulator.close();
        }
    }

    private void start(Consumer<SimulatorOptions.Builder> customisation) {
        SimulatorOptions.Builder options = SimulatorOptions.builder().clock(clock);
        customisation.accept(options);
        simulator = DataZoneSimulator.start(options.build());
        client = SdkClients.sync(simulator.endpoint(), httpClient);
    }

    private StartDataSourceRunResponse startRun(String clientToken) {
        return client.startDataSourceRun(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(DATA_SOURCE)
                .clientToken(clientToken));
    }

    private String statusOf(String runId) {
        return client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId)).statusAsString();
    }

    @Test
    void aScriptedErrorSequenceIsConsumedInOrderThenCallsSucceed() {
        start(options -> { });
        simulator.faults().failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.THROTTLING, 4);

        assertThatThrownBy(() -> startRun("k")).isInstanceOf(ThrottlingException.class);
        assertThat(simulator.introspection().runs()).isEmpty();
        // One throttle left: the SDK's retry absorbs it.
        assertThat(startRun("k").status()).isEqualTo(DataSourceRunStatus.REQUESTED);

        assertThat(simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN))
                .extracting(RecordedCall::httpStatus).containsExactly(429, 429, 429, 429, 200);
    }

    @Test
    void aResetConnectionIsRetriedByTheSdk() {
        start(options -> { });
        simulator.faults().resetNext(Operation.GET_DOMAIN, 1);

        assertThat(client.getDomain(b -> b.identifier(DOMAIN)).id()).isEqualTo(DOMAIN);

        assertThat(simulator.introspection().calls(Operation.GET_DOMAIN)).extracting(RecordedCall::httpStatus)
                .containsExactly(RecordedCall.NO_RESPONSE, 200);
    }

    @Test
    void aStartWhoseResponseIsLostStartsOneRunThroughTheSdkRetry() {
        start(options -> { });
        simulator.faults().dropResponseNext(Operation.START_DATA_SOURCE_RUN, 1);

        StartDataSourceRunResponse run = startRun("lost-response");

        assertThat(simulator.introspection().runsForClientToken("lost-response")).singleElement()
                .satisfies(record -> assertThat(record.runId()).isEqualTo(run.id()));
        assertThat(simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN))
                .extracting(call -> call.clientToken().orElseThrow()).containsExactly("lost-response",
                        "lost-response");
    }

    @Test
    void resetsOnEveryAttemptSurfaceAsAClientError() {
        start(options -> { });
        simulator.faults().resetNext(Operation.GET_DOMAIN, SdkClients.MAX_ATTEMPTS);

        assertThatThrownBy(() -> client.getDomain(b -> b.identifier(DOMAIN))).isInstanceOf(SdkClientException.class);
        assertThat(simulator.introspection().callCount(Operation.GET_DOMAIN)).isEqualTo(SdkClients.MAX_ATTEMPTS);
    }

    @Test
    void aSlowResponseArrivesLate() {
        start(options -> { });
        simulator.faults().delayNext(Operation.GET_DOMAIN, Duration.ofMillis(300), 1);

        long began = System.nanoTime();
        client.getDomain(b -> b.identifier(DOMAIN));
        long slow = System.nanoTime() - began;

        assertThat(Duration.ofNanos(slow)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void everyCallPaysTheConfiguredLatency() {
        start(options -> options.latency(Duration.ofMillis(100), Duration.ofMillis(20)));

        long began = System.nanoTime();
        client.getDomain(b -> b.identifier(DOMAIN));
        client.getDomain(b -> b.identifier(DOMAIN));

        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void errorRatesFailAShareOfCallsRepeatably() {
        start(options -> options.randomSeed(7));
        simulator.faults().failRandomly(Operation.GET_DATA_SOURCE, ServiceError.ACCESS_DENIED, 0.5);

        int failures = 0;
        for (int i = 0; i < 40; i++) {
            try {
                client.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(DATA_SOURCE));
            } catch (AccessDeniedException e) {
                failures++;
            }
        }

        assertThat(failures).isBetween(8, 32);
        simulator.faults().clear();
        assertThat(client.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(DATA_SOURCE)).id())
                .isEqualTo(DATA_SOURCE);
    }

    @Test
    void anErrorRateStopsWhileScriptedFaultsStay() {
        start(options -> { });
        simulator.faults().failRandomly(Operation.GET_DATA_SOURCE, ServiceError.ACCESS_DENIED, 1.0)
                .failNext(Operation.GET_DATA_SOURCE, ServiceError.ACCESS_DENIED, 1);

        simulator.faults().stopFailingRandomly(Operation.GET_DATA_SOURCE);

        assertThatThrownBy(() -> client.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(DATA_SOURCE)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(client.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(DATA_SOURCE)).id())
                .isEqualTo(DATA_SOURCE);
    }

    @Test
    void aSlowdownMultipliesTheLatencyUntilTheSpeedIsRestored() {
        start(options -> options.latency(Duration.ofMillis(40), Duration.ZERO));

        simulator.faults().slowDown(10);
        long began = System.nanoTime();
        client.getDomain(b -> b.identifier(DOMAIN));
        Duration slow = Duration.ofNanos(System.nanoTime() - began);
        simulator.faults().slowDown(1);
        began = System.nanoTime();
        client.getDomain(b -> b.identifier(DOMAIN));
        Duration normal = Duration.ofNanos(System.nanoTime() - began);

        assertThat(slow).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(normal).isLessThan(Duration.ofMillis(400));
        assertThatThrownBy(() -> simulator.faults().slowDown(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErrorTheOperationDoesNotDeclareCannotBeInjected() {
        start(options -> { });

        assertThatThrownBy(() -> simulator.faults().failNext(Operation.GET_DOMAIN, ServiceError.CONFLICT, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void conflictsWhileARunIsInProgressCanBeSwitchedOnForOneDataSource() {
        start(options -> options.conflictWhileRunInProgress(false));
        startRun("first");
        assertThat(startRun("second").id()).as("no conflict by default in this simulator").isNotNull();

        simulator.faults().conflictWhileRunInProgress(DATA_SOURCE, true);

        assertThatThrownBy(() -> startRun("third")).isInstanceOf(ConflictException.class);
        assertThat(client.startDataSourceRun(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier("orders_glue")
                .clientToken("elsewhere")).id()).as("another data source keeps the simulator's rule").isNotNull();
        simulator.faults().clear();
        assertThat(startRun("fourth").id()).as("clear() drops the rule").isNotNull();
    }

    @Test
    void aScriptedRunCanSkipRunning() {
        start(options -> { });
        simulator.faults().scriptNextRun(DATA_SOURCE, RunScript.skipsRunning());
        String runId = startRun("skip").id();

        List<String> seen = new ArrayList<>();
        for (int second = 0; second <= 8; second++) {
            seen.add(statusOf(runId));
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(seen).containsOnly("REQUESTED", "SUCCESS").startsWith("REQUESTED").endsWith("SUCCESS");
    }

    @Test
    void aScriptedRunCanEndInAStatusTheSdkDoesNotKnow() {
        start(options -> { });
        simulator.faults().scriptNextRun(DATA_SOURCE, RunScript.endsWithUnknownStatus("CANCELLED"));
        String runId = startRun("odd").id();
        clock.advance(Duration.ofSeconds(10));

        var run = client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId));

        assertThat(run.status()).isEqualTo(DataSourceRunStatus.UNKNOWN_TO_SDK_VERSION);
        assertThat(run.statusAsString()).isEqualTo("CANCELLED");
        // A run in an unknown state does not hold the data source busy.
        assertThat(startRun("after-odd").id()).isNotEqualTo(runId);
    }

    @Test
    void aScriptedRunCanOverrideTheOutcomeMix() {
        start(options -> { });
        simulator.faults().scriptNextRun(DATA_SOURCE, RunScript.endsWith(Outcome.FAILED));
        String runId = startRun("forced").id();
        clock.advance(Duration.ofSeconds(10));

        assertThat(statusOf(runId)).isEqualTo("FAILED");
    }

    private List<DataSourceRunSummary> listRuns() {
        return client.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(DATA_SOURCE)).items();
    }

    @Test
    void aScheduleStartsScheduledRunsWithoutAClientTokenThatFollowTheLifecycle() {
        start(options -> { });
        Instant firstAt = clock.instant().plus(Duration.ofMinutes(1));
        simulator.outsideRuns().schedule(DOMAIN, DATA_SOURCE, firstAt, Duration.ofMinutes(10));
        assertThat(listRuns()).isEmpty();

        clock.advance(Duration.ofMinutes(1).plusSeconds(3));
        assertThat(listRuns()).singleElement().satisfies(run -> {
            assertThat(run.type()).isEqualTo(DataSourceRunType.SCHEDULED);
            assertThat(run.status()).isEqualTo(DataSourceRunStatus.RUNNING);
            assertThat(run.createdAt()).isEqualTo(firstAt);
        });
        assertThatThrownBy(() -> startRun("during-a-scheduled-run")).isInstanceOf(ConflictException.class);
        clock.advance(Duration.ofMinutes(10));
        List<DataSourceRunSummary> runs = listRuns();

        assertThat(runs).extracting(DataSourceRunSummary::createdAt)
                .containsExactly(firstAt.plus(Duration.ofMinutes(10)), firstAt);
        assertThat(runs).extracting(DataSourceRunSummary::status)
                .containsExactly(DataSourceRunStatus.RUNNING, DataSourceRunStatus.SUCCESS);
        assertThat(client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runs.get(1).id())).type())
                .isEqualTo(DataSourceRunType.SCHEDULED);
        assertThat(client.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runs.get(1).id()))
                .items()).hasSize(12);
        assertThat(simulator.introspection().runs()).hasSize(2).allSatisfy(record -> {
            assertThat(record.type()).isEqualTo(RunType.SCHEDULED);
            assertThat(record.clientToken()).isEmpty();
        });

        simulator.outsideRuns().unschedule(DATA_SOURCE);
        clock.advance(Duration.ofHours(1));
        assertThat(listRuns()).hasSize(2);
    }

    @Test
    void aScheduledFiringWhileARunIsInProgressIsSkipped() {
        start(options -> { });
        Instant firstAt = clock.instant();
        // Runs last 7 s (2 s REQUESTED, 5 s RUNNING): the firings at 5 s and 15 s meet a run in progress.
        simulator.outsideRuns().schedule(DOMAIN, DATA_SOURCE, firstAt, Duration.ofSeconds(5));

        clock.advance(Duration.ofSeconds(21));

        assertThat(listRuns()).extracting(DataSourceRunSummary::createdAt).containsExactly(
                firstAt.plusSeconds(20), firstAt.plusSeconds(10), firstAt);
    }

    @Test
    void aRunStartedFromTheConsoleIsPrioritizedWithoutAClientToken() {
        start(options -> { });

        String runId = simulator.outsideRuns().startRunFromConsole(DOMAIN, DATA_SOURCE);

        assertThat(client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId)).type())
                .isEqualTo(DataSourceRunType.PRIORITIZED);
        assertThat(simulator.introspection().runs()).singleElement().satisfies(record -> {
            assertThat(record.type()).isEqualTo(RunType.PRIORITIZED);
            assertThat(record.clientToken()).isEmpty();
        });
        assertThatThrownBy(() -> simulator.outsideRuns().startScheduledRun(DOMAIN, DATA_SOURCE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ConflictException");
    }

    @Test
    void deletingADataSourceStopsItsSchedule() {
        start(options -> { });
        simulator.outsideRuns().schedule(DOMAIN, DATA_SOURCE, clock.instant().plusSeconds(60), Duration.ofMinutes(1));

        simulator.faults().deleteDataSource(DOMAIN, DATA_SOURCE);
        clock.advance(Duration.ofMinutes(5));

        assertThat(simulator.introspection().runs()).isEmpty();
        assertThatThrownBy(() -> simulator.outsideRuns().schedule(DOMAIN, DATA_SOURCE, clock.instant(),
                Duration.ofMinutes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ResourceNotFoundException");
    }

    @Test
    void scriptedAssetCountsMustFitTheOutcome() {
        assertThatThrownBy(() -> RunScript.endsWith(Outcome.SUCCESS).withAssets(Map.of(AssetStatus.FAILED, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunScript.partiallySucceedsWith(3, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunScript.endsWith(Outcome.FAILED).withAssets(Map.of(AssetStatus.FAILED, 2,
                AssetStatus.SUCCEEDED_UPDATED, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunScript.skipsRunning().withAssets(Map.of(AssetStatus.UNCHANGED, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RunScript.partiallySucceedsWith(60, 1).assets()).hasValue(Map.of(AssetStatus.FAILED, 60,
                AssetStatus.SUCCEEDED_CREATED, 1));
    }

    @Test
    void lineageStaysInProgressForItsLagAfterTheRunStops() {
        start(options -> { });
        simulator.faults().scriptNextRun(DATA_SOURCE, RunScript.endsWith(Outcome.SUCCESS)
                .withLineage(new Lineage(Lineage.ImportStatus.PARTIALLY_SUCCEEDED, Duration.ofSeconds(30))));
        String runId = startRun("lagging-lineage").id();

        clock.advance(Duration.ofSeconds(8));
        var stopped = client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId));
        var activities = client.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId));
        clock.advance(Duration.ofSeconds(30));
        var settled = client.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId));
        var settledActivities = client.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN)
                .identifier(runId));

        assertThat(stopped.status()).isEqualTo(DataSourceRunStatus.SUCCESS);
        assertThat(stopped.lineageSummary().importStatus()).isEqualTo(LineageImportStatus.IN_PROGRESS);
        assertThat(activities.items()).extracting(activity -> activity.lineageSummary().eventStatus())
                .containsOnly(LineageEventProcessingStatus.PROCESSING);
        assertThat(settled.lineageSummary().importStatus()).isEqualTo(LineageImportStatus.PARTIALLY_SUCCEEDED);
        assertThat(settledActivities.items()).extracting(activity -> activity.lineageSummary().eventStatus())
                .contains(LineageEventProcessingStatus.SUCCESS, LineageEventProcessingStatus.FAILED);
    }

    /** Whatever failed and skipped assets sit between the imported ones, a partial import fails some, not all. */
    @Test
    void aPartiallySucceededLineageImportFailsSomeOfTheImportedAssetsLineageAndNotAll() {
        start(options -> { });
        simulator.faults().scriptNextRun(DATA_SOURCE, RunScript.partiallySucceedsWith(61, 5)
                .withLineage(Lineage.endsWith(Lineage.ImportStatus.PARTIALLY_SUCCEEDED)));
        String runId = startRun("partial-lineage").id();
        clock.advance(Duration.ofMinutes(5));

        var imported = client.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId)
                .status(DataAssetActivityStatus.SUCCEEDED_CREATED));

        assertThat(imported.items()).hasSize(5).extracting(activity -> activity.lineageSummary().eventStatus())
                .containsExactly(LineageEventProcessingStatus.FAILED, LineageEventProcessingStatus.SUCCESS,
                        LineageEventProcessingStatus.FAILED, LineageEventProcessingStatus.SUCCESS,
                        LineageEventProcessingStatus.FAILED);
    }

    @Test
    void aVanishedRunIsNotFoundAndNotListed() {
        start(options -> { });
        String runId = startRun("vanishing").id();

        simulator.faults().vanishRun(runId);

        assertThatThrownBy(() -> statusOf(runId)).isInstanceOf(ResourceNotFoundException.class);
        assertThat(client.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(DATA_SOURCE))
                .items()).isEmpty();
        assertThat(simulator.introspection().runs()).singleElement()
                .satisfies(record -> assertThat(record.vanished()).isTrue());
    }

    @Test
    void aDeletedDataSourceAndItsRunsAreNotFoundAndNotListed() {
        start(options -> { });
        String runId = startRun("before-deletion").id();

        simulator.faults().deleteDataSource(DOMAIN, DATA_SOURCE);

        assertThatThrownBy(() -> client.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN)
                .dataSourceIdentifier(DATA_SOURCE))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> statusOf(runId)).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> startRun("after-deletion")).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(DATA_SOURCE)))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(client.listDataSources(b -> b.domainIdentifier(DOMAIN).projectIdentifier("demo_project")).items())
                .extracting(summary -> summary.dataSourceId()).isNotEmpty().doesNotContain(DATA_SOURCE);
    }

    @Test
    void concurrentStartsWithOneClientTokenStartOneRun() throws Exception {
        start(options -> { });
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> startRun("contended").id());
            }
            Set<String> runIds = new HashSet<>();
            for (Future<String> result : callers.invokeAll(calls)) {
                runIds.add(result.get());
            }

            assertThat(runIds).hasSize(1);
            assertThat(simulator.introspection().runsForClientToken("contended")).hasSize(1);
            assertThat(simulator.introspection().callCount(Operation.START_DATA_SOURCE_RUN)).isEqualTo(16);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void everyResponseCarriesARequestIdAndTheLogRecordsIt() throws Exception {
        start(options -> { });
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(simulator.endpoint() + "/v2/domains/" + DOMAIN)).build(),
                HttpResponse.BodyHandlers.ofString());

        String requestId = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        assertThat(simulator.introspection().calls()).singleElement().satisfies(call -> {
            assertThat(call.requestId()).isEqualTo(requestId);
            assertThat(call.operation()).isEqualTo(Operation.GET_DOMAIN);
            assertThat(call.labels()).containsEntry("identifier", DOMAIN);
        });
        assertThat(simulator.endpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
    }
}
