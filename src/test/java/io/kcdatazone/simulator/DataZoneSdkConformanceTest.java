package io.kcdatazone.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ConflictException;
import software.amazon.awssdk.services.datazone.model.DataAssetActivityStatus;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorType;
import software.amazon.awssdk.services.datazone.model.DataSourceRunActivity;
import software.amazon.awssdk.services.datazone.model.DataSourceRunStatus;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.DataSourceRunType;
import software.amazon.awssdk.services.datazone.model.DataSourceStatus;
import software.amazon.awssdk.services.datazone.model.DataZoneException;
import software.amazon.awssdk.services.datazone.model.DomainStatus;
import software.amazon.awssdk.services.datazone.model.GetDataSourceResponse;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.InternalServerException;
import software.amazon.awssdk.services.datazone.model.LineageEventProcessingStatus;
import software.amazon.awssdk.services.datazone.model.LineageImportStatus;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunActivitiesResponse;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunsResponse;
import software.amazon.awssdk.services.datazone.model.ResourceNotFoundException;
import software.amazon.awssdk.services.datazone.model.RunStatisticsForAssets;
import software.amazon.awssdk.services.datazone.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;
import software.amazon.awssdk.services.datazone.model.UnauthorizedException;
import software.amazon.awssdk.services.datazone.model.ValidationException;

/**
 * Drives the simulator through a real AWS SDK client and checks what a connector would see: every operation's
 * success shape, every modelled error as its SDK exception, idempotency, pagination, the run lifecycle and the
 * account limits. Subclasses run the same suite through the synchronous and the asynchronous client.
 */
abstract class DataZoneSdkConformanceTest {
    static final String DOMAIN = "dzd_demo";
    static final String PROJECT = "demo_project";
    static final String SUCCEEDING = "sales_glue";
    static final String PARTIALLY_SUCCEEDING = "orders_glue";
    static final String FAILING = "legacy_redshift";
    /** The default seed's durations: 2 s REQUESTED, then 5 s RUNNING. */
    static final Duration UNTIL_RUNNING = Duration.ofSeconds(3);
    static final Duration UNTIL_DONE = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
    private DataZoneSimulator simulator;
    private DataZoneApi api;

    /** A client of the kind under test, pointed at {@code endpoint}. */
    abstract DataZoneApi connect(URI endpoint);

    /** Closes the client made by {@link #connect(URI)}. */
    abstract void disconnect();

    @AfterEach
    void stop() {
        if (simulator != null) {
            disconnect();
            simulator.close();
        }
    }

    private DataZoneApi start(Consumer<SimulatorOptions.Builder> customisation) {
        SimulatorOptions.Builder options = SimulatorOptions.builder().clock(clock);
        customisation.accept(options);
        simulator = DataZoneSimulator.start(options.build());
        api = connect(simulator.endpoint());
        return api;
    }

    private DataZoneApi start() {
        return start(options -> { });
    }

    private StartDataSourceRunResponse startRun(String dataSourceId, String clientToken) {
        return api.startDataSourceRun(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(dataSourceId)
                .clientToken(clientToken));
    }

    private GetDataSourceRunResponse getRun(String runId) {
        return api.getDataSourceRun(b -> b.domainIdentifier(DOMAIN).identifier(runId));
    }

    private GetDataSourceResponse getDataSource(String dataSourceId) {
        return api.getDataSource(b -> b.domainIdentifier(DOMAIN).identifier(dataSourceId));
    }

    @Test
    void startAnswersARequestedRunWithEveryRequiredMember() {
        start();

        StartDataSourceRunResponse run = startRun(SUCCEEDING, "token-1");

        assertThat(run.id()).matches("[a-z0-9]{14}");
        assertThat(run.domainId()).isEqualTo(DOMAIN);
        assertThat(run.dataSourceId()).isEqualTo(SUCCEEDING);
        assertThat(run.projectId()).isEqualTo(PROJECT);
        assertThat(run.status()).isEqualTo(DataSourceRunStatus.REQUESTED);
        assertThat(run.type()).isEqualTo(DataSourceRunType.PRIORITIZED);
        assertThat(run.createdAt()).isEqualTo(clock.instant());
        assertThat(run.updatedAt()).isEqualTo(clock.instant());
        assertThat(run.startedAt()).isNull();
        assertThat(run.stoppedAt()).isNull();
        assertThat(run.runStatisticsForAssets()).isNull();
        assertThat(run.errorMessage()).isNull();
        assertThat(run.dataSourceConfigurationSnapshot()).contains("sales_db");
        assertThat(run.responseMetadata().requestId()).isNotBlank();
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(SUCCEEDING, DataSourceRunStatus.SUCCESS, null),
                Arguments.of(PARTIALLY_SUCCEEDING, DataSourceRunStatus.PARTIALLY_SUCCEEDED,
                        DataSourceErrorType.ACCESS_DENIED_EXCEPTION),
                Arguments.of(FAILING, DataSourceRunStatus.FAILED, DataSourceErrorType.RESOURCE_NOT_FOUND_EXCEPTION));
    }

    @ParameterizedTest(name = "{0} ends {1}")
    @MethodSource("outcomes")
    void runMovesFromRequestedThroughRunningToItsTerminalStatus(String dataSourceId, DataSourceRunStatus terminal,
            DataSourceErrorType errorType) {
        start();
        Instant created = clock.instant();
        String runId = startRun(dataSourceId, "lifecycle").id();
        assertThat(getDataSource(dataSourceId).status()).isEqualTo(DataSourceStatus.RUNNING);

        clock.advance(UNTIL_RUNNING);
        GetDataSourceRunResponse running = getRun(runId);
        assertThat(running.status()).isEqualTo(DataSourceRunStatus.RUNNING);
        assertThat(running.startedAt()).isEqualTo(created.plusSeconds(2));
        assertThat(running.updatedAt()).isEqualTo(running.startedAt());
        assertThat(running.stoppedAt()).isNull();
        assertThat(running.runStatisticsForAssets()).isNull();
        assertThat(getDataSource(dataSourceId).lastRunStatus()).isEqualTo(DataSourceRunStatus.RUNNING);

        clock.advance(UNTIL_DONE);
        GetDataSourceRunResponse done = getRun(runId);
        assertThat(done.status()).isEqualTo(terminal);
        assertThat(done.startedAt()).isEqualTo(created.plusSeconds(2));
        assertThat(done.stoppedAt()).isEqualTo(created.plusSeconds(7));
        assertThat(done.updatedAt()).isEqualTo(done.stoppedAt());
        var statistics = done.runStatisticsForAssets();
        assertThat(List.of(statistics.added(), statistics.updated(), statistics.unchanged(), statistics.skipped(),
                statistics.failed())).doesNotContainNull();
        if (terminal == DataSourceRunStatus.SUCCESS) {
            assertThat(statistics.failed()).isZero();
            assertThat(done.errorMessage()).isNull();
        } else {
            assertThat(statistics.failed()).isPositive();
            assertThat(done.errorMessage().errorType()).isEqualTo(errorType);
            assertThat(done.errorMessage().errorDetail()).isNotBlank();
        }
        if (terminal == DataSourceRunStatus.PARTIALLY_SUCCEEDED) {
            assertThat(statistics.added() + statistics.updated() + statistics.unchanged()).isPositive();
        }

        GetDataSourceResponse dataSource = getDataSource(dataSourceId);
        assertThat(dataSource.status()).isEqualTo(DataSourceStatus.READY);
        assertThat(dataSource.lastRunStatus()).isEqualTo(terminal);
        assertThat(dataSource.lastRunAt()).isEqualTo(created);
        assertThat(dataSource.lastRunAssetCount())
                .isEqualTo(statistics.added() + statistics.updated() + statistics.unchanged());
        assertThat(dataSource.lastRunErrorMessage()).isEqualTo(done.errorMessage());

        ListDataSourceRunActivitiesResponse activities =
                api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId));
        assertThat(activities.items()).hasSize(statistics.added() + statistics.updated() + statistics.unchanged()
                + statistics.skipped() + statistics.failed());
        assertThat(activities.items()).filteredOn(a -> a.dataAssetStatusAsString().equals("FAILED"))
                .hasSize(statistics.failed())
                .allSatisfy(a -> assertThat(a.errorMessage()).isNotNull());
    }

    @Test
    void replayingAClientTokenReturnsTheSameRunAndStartsNothing() {
        start();
        StartDataSourceRunResponse first = startRun(SUCCEEDING, "request-42");
        clock.advance(UNTIL_DONE);

        StartDataSourceRunResponse replay = startRun(SUCCEEDING, "request-42");

        assertThat(replay.id()).isEqualTo(first.id());
        assertThat(replay.createdAt()).isEqualTo(first.createdAt());
        assertThat(simulator.introspection().runsForClientToken("request-42")).hasSize(1);
        assertThat(simulator.introspection().runs()).hasSize(1);
        assertThat(simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN))
                .extracting(call -> call.clientToken().orElseThrow())
                .containsExactly("request-42", "request-42");
    }

    @Test
    void aClientTokenUsedForAnotherDataSourceIsAConflict() {
        start();
        startRun(SUCCEEDING, "shared-token");

        ConflictException conflict = catchThrowableOfType(ConflictException.class,
                () -> startRun(FAILING, "shared-token"));

        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(simulator.introspection().runs()).hasSize(1);
    }

    @Test
    void aSecondStartWhileARunIsInProgressIsAConflictUntilTheRunEnds() {
        start();
        startRun(SUCCEEDING, "first");
        clock.advance(UNTIL_RUNNING);

        assertThatThrownBy(() -> startRun(SUCCEEDING, "second")).isInstanceOf(ConflictException.class);

        clock.advance(UNTIL_DONE);
        assertThat(startRun(SUCCEEDING, "second").status()).isEqualTo(DataSourceRunStatus.REQUESTED);
    }

    @Test
    void concurrentRunsAreAllowedWhenTheConflictRuleIsOff() {
        start(options -> options.conflictWhileRunInProgress(false));
        startRun(SUCCEEDING, "first");

        startRun(SUCCEEDING, "second");

        assertThat(simulator.introspection().runs()).hasSize(2);
    }

    @Test
    void theTwentySixthRunOfADayIsRefused() {
        start();
        for (int i = 1; i <= 25; i++) {
            startRun(SUCCEEDING, "daily-" + i);
            clock.advance(UNTIL_DONE);
        }

        ServiceQuotaExceededException refused = catchThrowableOfType(ServiceQuotaExceededException.class,
                () -> startRun(SUCCEEDING, "daily-26"));
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(startRun(PARTIALLY_SUCCEEDING, "other-data-source").id()).isNotBlank();

        clock.advance(Duration.ofDays(1));
        assertThat(startRun(SUCCEEDING, "daily-26").id()).isNotBlank();
    }

    @Test
    void callsBeyondTheRateQuotaAreThrottled() {
        start(options -> options.rateLimit(Operation.GET_DOMAIN, new RateLimit(1, 2)));
        api.getDomain(b -> b.identifier(DOMAIN));
        api.getDomain(b -> b.identifier(DOMAIN));

        ThrottlingException throttled = catchThrowableOfType(ThrottlingException.class,
                () -> api.getDomain(b -> b.identifier(DOMAIN)));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.isThrottlingException()).isTrue();
        // Two calls within the quota, then every attempt of the throttled call.
        assertThat(simulator.introspection().callCount(Operation.GET_DOMAIN)).isEqualTo(2 + SdkClients.MAX_ATTEMPTS);

        clock.advance(Duration.ofSeconds(1));
        assertThat(api.getDomain(b -> b.identifier(DOMAIN)).id()).isEqualTo(DOMAIN);
    }

    static Stream<Arguments> operationsAndErrors() {
        return Stream.of(Operation.values()).flatMap(operation -> operation.declaredErrors().stream()
                .map(error -> Arguments.of(operation, error)));
    }

    @ParameterizedTest(name = "{0} answering {1}")
    @MethodSource("operationsAndErrors")
    void everyModelledErrorArrivesAsItsSdkException(Operation operation, ServiceError error) {
        start();
        String runId = startRun(SUCCEEDING, "for-errors").id();
        boolean retried = error == ServiceError.THROTTLING || error == ServiceError.INTERNAL_SERVER;
        simulator.faults().failNext(operation, error, retried ? SdkClients.MAX_ATTEMPTS : 1);

        DataZoneException failure = catchThrowableOfType(DataZoneException.class, () -> call(operation, runId));

        assertThat(failure).isExactlyInstanceOf(exceptionClass(error));
        assertThat(failure.statusCode()).isEqualTo(error.httpStatus());
        assertThat(failure.awsErrorDetails().errorCode()).isEqualTo(error.errorType());
        assertThat(failure.awsErrorDetails().errorMessage()).isNotBlank();
        assertThat(failure.requestId()).isNotBlank();
        assertThat(failure.isRetryableException()).isEqualTo(retried);
        long expectedCalls = (retried ? SdkClients.MAX_ATTEMPTS : 1)
                + (operation == Operation.START_DATA_SOURCE_RUN ? 1 : 0);
        assertThat(simulator.introspection().callCount(operation)).isEqualTo(expectedCalls);
    }

    private Object call(Operation operation, String runId) {
        return switch (operation) {
            case START_DATA_SOURCE_RUN -> startRun(SUCCEEDING, "another");
            case GET_DATA_SOURCE_RUN -> getRun(runId);
            case LIST_DATA_SOURCE_RUNS -> api.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN)
                    .dataSourceIdentifier(SUCCEEDING));
            case LIST_DATA_SOURCE_RUN_ACTIVITIES -> api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN)
                    .identifier(runId));
            case GET_DATA_SOURCE -> getDataSource(SUCCEEDING);
            case LIST_DATA_SOURCES -> api.listDataSources(b -> b.domainIdentifier(DOMAIN).projectIdentifier(PROJECT));
            case GET_DOMAIN -> api.getDomain(b -> b.identifier(DOMAIN));
        };
    }

    private static Class<? extends DataZoneException> exceptionClass(ServiceError error) {
        return switch (error) {
            case ACCESS_DENIED -> AccessDeniedException.class;
            case CONFLICT -> ConflictException.class;
            case INTERNAL_SERVER -> InternalServerException.class;
            case RESOURCE_NOT_FOUND -> ResourceNotFoundException.class;
            case SERVICE_QUOTA_EXCEEDED -> ServiceQuotaExceededException.class;
            case THROTTLING -> ThrottlingException.class;
            case VALIDATION -> ValidationException.class;
            case UNAUTHORIZED -> UnauthorizedException.class;
        };
    }

    @ParameterizedTest(name = "maxResults={0}")
    @ValueSource(ints = {1, 2, 3, 7, 8, 50})
    void pagingReturnsEveryRunExactlyOnceNewestFirst(int maxResults) {
        start(options -> options.conflictWhileRunInProgress(false));
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            started.add(0, startRun(SUCCEEDING, "page-" + i).id());
            clock.advance(Duration.ofSeconds(1));
        }

        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String nextToken = token;
            ListDataSourceRunsResponse page = api.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN)
                    .dataSourceIdentifier(SUCCEEDING).maxResults(maxResults).nextToken(nextToken));
            assertThat(page.items()).hasSizeLessThanOrEqualTo(maxResults);
            page.items().stream().map(DataSourceRunSummary::id).forEach(listed::add);
            token = page.nextToken();
            pages++;
        } while (token != null);

        assertThat(listed).containsExactlyElementsOf(started);
        assertThat(pages).isEqualTo((7 + maxResults - 1) / maxResults);
    }

    @Test
    void pagingFiltersByStatus() {
        start(options -> options.conflictWhileRunInProgress(false));
        String done = startRun(SUCCEEDING, "done").id();
        clock.advance(UNTIL_DONE);
        String requested = startRun(SUCCEEDING, "requested").id();

        assertThat(api.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING)
                .status(DataSourceRunStatus.SUCCESS)).items()).extracting(DataSourceRunSummary::id)
                .containsExactly(done);
        assertThat(api.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING)
                .status(DataSourceRunStatus.REQUESTED)).items()).extracting(DataSourceRunSummary::id)
                .containsExactly(requested);
    }

    @Test
    void listDataSourcesPagesThroughTheProject() {
        start();
        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            String nextToken = token;
            var page = api.listDataSources(b -> b.domainIdentifier(DOMAIN).projectIdentifier(PROJECT).maxResults(2)
                    .nextToken(nextToken));
            page.items().forEach(item -> listed.add(item.dataSourceId()));
            token = page.nextToken();
        } while (token != null);

        assertThat(listed).containsExactly(SUCCEEDING, PARTIALLY_SUCCEEDING, FAILING);
        assertThat(api.listDataSources(b -> b.domainIdentifier(DOMAIN).projectIdentifier(PROJECT).type("REDSHIFT"))
                .items()).extracting(item -> item.dataSourceId()).containsExactly(FAILING);
    }

    @Test
    void getDomainParsesItsEpochSecondTimestamps() {
        start();

        var domain = api.getDomain(b -> b.identifier(DOMAIN));

        assertThat(domain.id()).isEqualTo(DOMAIN);
        assertThat(domain.status()).isEqualTo(DomainStatus.AVAILABLE);
        assertThat(domain.domainExecutionRole()).startsWith("arn:aws:iam::");
        assertThat(domain.createdAt()).isBefore(clock.instant());
        assertThat(domain.lastUpdatedAt()).isNotNull();
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                Arguments.of("domain id pattern", (Consumer<DataZoneApi>) api -> api.getDomain(b ->
                        b.identifier("not a domain"))),
                Arguments.of("data source id pattern", (Consumer<DataZoneApi>) api -> api.startDataSourceRun(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier("ds 1").clientToken("t"))),
                Arguments.of("run id too long", (Consumer<DataZoneApi>) api -> api.getDataSourceRun(b ->
                        b.domainIdentifier(DOMAIN).identifier("r".repeat(37)))),
                Arguments.of("maxResults 0", (Consumer<DataZoneApi>) api -> api.listDataSourceRuns(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING).maxResults(0))),
                Arguments.of("maxResults 51", (Consumer<DataZoneApi>) api -> api.listDataSourceRuns(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING).maxResults(51))),
                Arguments.of("unknown run status", (Consumer<DataZoneApi>) api -> api.listDataSourceRuns(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING).status("CANCELLED"))),
                Arguments.of("foreign nextToken", (Consumer<DataZoneApi>) api -> api.listDataSourceRuns(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING).nextToken("forged"))),
                Arguments.of("nextToken too long", (Consumer<DataZoneApi>) api -> api.listDataSources(b ->
                        b.domainIdentifier(DOMAIN).projectIdentifier(PROJECT).nextToken("x".repeat(8193)))),
                Arguments.of("missing projectIdentifier", (Consumer<DataZoneApi>) api -> api.listDataSources(b ->
                        b.domainIdentifier(DOMAIN))),
                Arguments.of("unknown activity status", (Consumer<DataZoneApi>) api ->
                        api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier("abc")
                                .status("DONE"))),
                Arguments.of("activities maxResults 51", (Consumer<DataZoneApi>) api ->
                        api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier("abc")
                                .maxResults(51))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void invalidInputIsAValidationException(String problem, Consumer<DataZoneApi> call) {
        start();

        ValidationException invalid = catchThrowableOfType(ValidationException.class, () -> call.accept(api));

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.awsErrorDetails().errorMessage()).isNotBlank();
    }

    static Stream<Arguments> unknownResources() {
        return Stream.of(
                Arguments.of("domain", (Consumer<DataZoneApi>) api -> api.getDomain(b -> b.identifier("dzd_nope"))),
                Arguments.of("data source", (Consumer<DataZoneApi>) api -> api.getDataSource(b ->
                        b.domainIdentifier(DOMAIN).identifier("nope"))),
                Arguments.of("run", (Consumer<DataZoneApi>) api -> api.getDataSourceRun(b ->
                        b.domainIdentifier(DOMAIN).identifier("doesnotexist"))),
                Arguments.of("start on unknown data source", (Consumer<DataZoneApi>) api -> api.startDataSourceRun(b ->
                        b.domainIdentifier(DOMAIN).dataSourceIdentifier("nope").clientToken("t"))),
                Arguments.of("project", (Consumer<DataZoneApi>) api -> api.listDataSources(b ->
                        b.domainIdentifier(DOMAIN).projectIdentifier("nope"))),
                Arguments.of("activities of a run", (Consumer<DataZoneApi>) api -> api.listDataSourceRunActivities(b ->
                        b.domainIdentifier(DOMAIN).identifier("doesnotexist"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownResources")
    void unknownResourcesAreNotFound(String what, Consumer<DataZoneApi> call) {
        start();

        ResourceNotFoundException missing = catchThrowableOfType(ResourceNotFoundException.class,
                () -> call.accept(api));

        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void activitiesArePagedAndFilteredByAssetStatus() {
        start();
        String runId = startRun(SUCCEEDING, "activities").id();
        assertThat(api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId)).items())
                .isEmpty();
        clock.advance(UNTIL_DONE);

        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String nextToken = token;
            var page = api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId)
                    .maxResults(5).nextToken(nextToken));
            page.items().forEach(item -> names.add(item.technicalName()));
            token = page.nextToken();
        } while (token != null);

        assertThat(names).hasSize(12).doesNotHaveDuplicates();
        assertThat(api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId)
                .status("SUCCEEDED_CREATED")).items())
                .hasSize(getRun(runId).runStatisticsForAssets().added());
    }

    @Test
    void thePaginatorListsEveryFailedAssetOfARunWithMoreFailuresThanOnePage() {
        start();
        simulator.faults().scriptNextRun(PARTIALLY_SUCCEEDING, RunScript.endsWith(Outcome.PARTIALLY_SUCCEEDED)
                .withAssets(Map.of(AssetStatus.FAILED, 57, AssetStatus.PUBLISHING_FAILED, 4,
                        AssetStatus.SUCCEEDED_CREATED, 5, AssetStatus.SUCCEEDED_UPDATED, 1,
                        AssetStatus.SKIPPED_NO_ACCESS, 2)));
        String runId = startRun(PARTIALLY_SUCCEEDING, "many-failures").id();
        clock.advance(UNTIL_DONE);
        GetDataSourceRunResponse run = getRun(runId);

        List<ListDataSourceRunActivitiesResponse> failedPages = api.listDataSourceRunActivitiesPages(b -> b
                .domainIdentifier(DOMAIN).identifier(runId).status(DataAssetActivityStatus.FAILED));
        List<ListDataSourceRunActivitiesResponse> allPages = api.listDataSourceRunActivitiesPages(b -> b
                .domainIdentifier(DOMAIN).identifier(runId).maxResults(50));
        List<DataSourceRunActivity> all = allPages.stream().flatMap(page -> page.items().stream()).toList();

        assertThat(run.status()).isEqualTo(DataSourceRunStatus.PARTIALLY_SUCCEEDED);
        assertThat(run.runStatisticsForAssets()).isEqualTo(RunStatisticsForAssets.builder().added(5).updated(1)
                .unchanged(0).skipped(2).failed(61).build());
        assertThat(run.errorMessage().errorDetail()).startsWith("61 of 69 assets failed");
        assertThat(failedPages).extracting(page -> page.items().size()).containsExactly(50, 7);
        assertThat(failedPages).extracting(ListDataSourceRunActivitiesResponse::nextToken).last().isNull();
        assertThat(failedPages.stream().flatMap(page -> page.items().stream())).hasSize(57)
                .allSatisfy(activity -> {
                    assertThat(activity.dataAssetStatus()).isEqualTo(DataAssetActivityStatus.FAILED);
                    assertThat(activity.dataAssetId()).isNull();
                    assertThat(activity.errorMessage().errorType()).isEqualTo(run.errorMessage().errorType());
                    assertThat(activity.errorMessage().errorDetail()).contains(activity.technicalName());
                });
        assertThat(allPages).extracting(page -> page.items().size()).containsExactly(50, 19);
        assertThat(all).extracting(DataSourceRunActivity::technicalName).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(activity -> {
            assertThat(activity.dataSourceRunId()).isEqualTo(runId);
            assertThat(activity.projectId()).isEqualTo(PROJECT);
            assertThat(activity.database()).isEqualTo("orders_db");
            assertThat(activity.createdAt()).isBetween(run.startedAt(), run.stoppedAt());
            assertThat(activity.updatedAt()).isEqualTo(run.stoppedAt());
            assertThat(activity.lineageSummary()).isNull();
        });
        assertThat(all).filteredOn(activity -> activity.errorMessage() != null)
                .extracting(DataSourceRunActivity::dataAssetStatus).containsOnly(DataAssetActivityStatus.FAILED,
                        DataAssetActivityStatus.PUBLISHING_FAILED).hasSize(run.runStatisticsForAssets().failed());
        assertThat(all).filteredOn(activity -> activity.dataAssetStatus() == DataAssetActivityStatus.PUBLISHING_FAILED)
                .hasSize(4).allSatisfy(activity -> assertThat(activity.dataAssetId()).isNotBlank());
        assertThat(all.subList(0, 5)).extracting(DataSourceRunActivity::dataAssetStatus)
                .as("statuses interleave, so one page mixes them").doesNotHaveDuplicates();
    }

    @Test
    void lineageSummaryAppearsOnGetAndListButNotOnStart() {
        start();
        simulator.faults().scriptNextRun(SUCCEEDING, RunScript.endsWith(Outcome.SUCCESS)
                .withLineage(Lineage.endsWith(Lineage.ImportStatus.FAILED)));
        String runId = startRun(SUCCEEDING, "lineage").id();
        String plainRunId = startRun(PARTIALLY_SUCCEEDING, "no-lineage").id();
        assertThat(getRun(runId).lineageSummary()).as("REQUESTED").isNull();
        clock.advance(UNTIL_RUNNING);
        assertThat(getRun(runId).lineageSummary().importStatus()).isEqualTo(LineageImportStatus.IN_PROGRESS);
        clock.advance(UNTIL_DONE);

        assertThat(getRun(runId).lineageSummary().importStatus()).isEqualTo(LineageImportStatus.FAILED);
        assertThat(api.listDataSourceRuns(b -> b.domainIdentifier(DOMAIN).dataSourceIdentifier(SUCCEEDING)).items())
                .singleElement().satisfies(summary ->
                        assertThat(summary.lineageSummary().importStatus()).isEqualTo(LineageImportStatus.FAILED));
        assertThat(api.listDataSourceRunActivities(b -> b.domainIdentifier(DOMAIN).identifier(runId)).items())
                .isNotEmpty().allSatisfy(activity -> {
                    assertThat(activity.lineageSummary().eventStatus()).isEqualTo(LineageEventProcessingStatus.FAILED);
                    assertThat(activity.lineageSummary().eventId()).isNotBlank();
                    assertThat(activity.lineageSummary().errorMessage()).contains(activity.technicalName());
                });
        assertThat(getRun(plainRunId).lineageSummary()).as("a run that imports no lineage").isNull();
    }

    @Test
    void theOutcomeMixIsFollowedInTurn() {
        Seed.DataSource mixed = new Seed.DataSource("mixed", "Mixed", "GLUE", "db",
                List.of(Outcome.SUCCESS, Outcome.FAILED, Outcome.PARTIALLY_SUCCEEDED), Duration.ZERO,
                Duration.ofSeconds(1), 4, "ACCESS_DENIED_EXCEPTION", "denied");
        Seed seed = new Seed("123456789012", "us-east-1", List.of(new Seed.Domain(DOMAIN, "d",
                List.of(new Seed.Project(PROJECT, "p", List.of(mixed))))));
        start(options -> options.seed(seed));

        List<String> statuses = new ArrayList<>();
        IntStream.range(0, 4).forEach(i -> {
            String runId = startRun("mixed", "mix-" + i).id();
            clock.advance(Duration.ofSeconds(2));
            statuses.add(getRun(runId).statusAsString());
        });

        assertThat(statuses).containsExactly("SUCCESS", "FAILED", "PARTIALLY_SUCCEEDED", "SUCCESS");
    }

    @ParameterizedTest
    @EnumSource(ServiceError.class)
    void everyErrorTypeNamesTheSdkExceptionItMapsTo(ServiceError error) {
        assertThat(exceptionClass(error).getSimpleName()).isEqualTo(error.errorType());
    }
}
