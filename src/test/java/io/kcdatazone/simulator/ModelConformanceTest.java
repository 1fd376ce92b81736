package io.kcdatazone.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Holds every simulator response, for every operation and every error, to the official DataZone service model: the
 * body against the operation's output shape (or the error's shape), the status against the error's declared status,
 * the error against the operation's declared errors, and the routes against the model's HTTP bindings. Requests are
 * built from the model's URI templates, not the simulator's, and sent as raw HTTP so nothing lenient sits between
 * the simulator and the check.
 */
class ModelConformanceTest {
    private static final String DOMAIN = "dzd_demo";
    private static final String PROJECT = "demo_project";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ServiceModel model;
    private static ShapeChecker checker;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
    /** What the responses checked so far covered: "operation -> 200 or error type". */
    private final Map<Operation, Set<String>> covered = new LinkedHashMap<>();
    private DataZoneSimulator simulator;

    @BeforeAll
    static void loadModel() {
        model = ServiceModel.load();
        checker = new ShapeChecker(model);
    }

    @AfterEach
    void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private void start(Consumer<SimulatorOptions.Builder> customisation) {
        SimulatorOptions.Builder options = SimulatorOptions.builder().clock(clock);
        customisation.accept(options);
        simulator = DataZoneSimulator.start(options.build());
    }

    @Test
    void theRoutesAndErrorsAreTheModelsBindings() {
        assertThat(model.protocol()).isEqualTo("rest-json");
        for (Operation operation : Operation.values()) {
            JsonNode binding = model.operation(operation.apiName()).path("http");
            assertThat(operation.method()).as(operation.apiName()).isEqualTo(binding.path("method").asText());
            assertThat(operation.uriTemplate()).as(operation.apiName()).isEqualTo(binding.path("requestUri").asText());
            assertThat(operation.declaredErrors()).extracting(ServiceError::errorType).as(operation.apiName())
                    .containsExactlyInAnyOrderElementsOf(model.declaredErrors(operation.apiName()));
        }
        for (ServiceError error : ServiceError.values()) {
            assertThat(error.httpStatus()).as(error.errorType())
                    .isEqualTo(model.shape(error.errorType()).path("error").path("httpStatusCode").asInt());
        }
    }

    @Test
    void theSimulatorsEnumsAreTheModels() {
        assertThat(enumValues("DataAssetActivityStatus")).containsExactlyInAnyOrderElementsOf(
                Stream.of(AssetStatus.values()).map(Enum::name).toList())
                .containsExactlyInAnyOrderElementsOf(ModelEnums.DATA_ASSET_ACTIVITY_STATUS);
        assertThat(enumValues("LineageImportStatus")).containsExactlyInAnyOrderElementsOf(
                Stream.of(Lineage.ImportStatus.values()).map(Enum::name).toList());
        assertThat(enumValues("DataSourceRunType")).containsExactlyInAnyOrderElementsOf(
                Stream.of(RunType.values()).map(Enum::name).toList());
    }

    private static List<String> enumValues(String shape) {
        List<String> values = new ArrayList<>();
        model.shape(shape).path("enum").forEach(value -> values.add(value.asText()));
        return values;
    }

    @Test
    void everySuccessResponseMatchesItsOutputShapeThroughoutTheRunLifecycle() throws Exception {
        start(options -> options.conflictWhileRunInProgress(false));
        // Every optional shape shows up: lineage summaries (run and activity), every asset status with its error.
        simulator.faults().scriptNextRun("orders_glue", RunScript.endsWith(Outcome.PARTIALLY_SUCCEEDED)
                .withAssets(Stream.of(AssetStatus.values()).collect(Collectors.toMap(status -> status, status -> 2)))
                .withLineage(new Lineage(Lineage.ImportStatus.PARTIALLY_SUCCEEDED, Duration.ofSeconds(1))));
        simulator.faults().scriptNextRun("sales_glue", RunScript.endsWith(Outcome.SUCCESS)
                .withLineage(Lineage.endsWith(Lineage.ImportStatus.SUCCESS)));
        List<String> runIds = new ArrayList<>();
        for (Seed.DataSource dataSource : simulator.seed().dataSources()) {
            JsonNode run = call(Operation.START_DATA_SOURCE_RUN, labels(dataSource.id(), null),
                    Map.of(), "{\"clientToken\":\"model-" + dataSource.id() + "\"}");
            runIds.add(run.path("id").asText());
        }
        simulator.outsideRuns().startScheduledRun(DOMAIN, "legacy_redshift");
        readEverything(runIds);                          // REQUESTED
        clock.advance(Duration.ofSeconds(3));
        readEverything(runIds);                          // RUNNING
        clock.advance(Duration.ofSeconds(10));
        readEverything(runIds);                          // SUCCESS, PARTIALLY_SUCCEEDED, FAILED
        String ordersRun = runIds.get(1);
        Set<String> activityStatuses = new HashSet<>();
        for (AssetStatus status : AssetStatus.values()) {
            call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, ordersRun), Map.of("status", status.name()),
                    null).path("items").forEach(item -> activityStatuses.add(item.path("dataAssetStatus").asText()));
        }
        JsonNode activities = call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, ordersRun), Map.of(), null);
        assertThat(activityStatuses).hasSize(AssetStatus.values().length);
        assertThat(activities.findValues("lineageSummary")).extracting(info -> info.path("eventStatus").asText())
                .contains("SUCCESS", "FAILED");
        assertThat(activities.path("items")).filteredOn(item -> item.has("errorMessage"))
                .extracting(item -> item.path("dataAssetStatus").asText())
                .containsExactlyInAnyOrder("FAILED", "FAILED", "PUBLISHING_FAILED", "PUBLISHING_FAILED");
        assertThat(call(Operation.GET_DATA_SOURCE_RUN, labels(null, ordersRun), Map.of(), null)
                .path("lineageSummary").path("importStatus").asText()).isEqualTo("PARTIALLY_SUCCEEDED");
        assertThat(call(Operation.LIST_DATA_SOURCE_RUNS, labels("legacy_redshift", null), Map.of(), null)
                .findValuesAsText("type")).containsExactlyInAnyOrder("SCHEDULED", "PRIORITIZED");
        for (Seed.DataSource dataSource : simulator.seed().dataSources()) {
            // An idempotent replay of a finished run carries statistics and the error message.
            JsonNode replay = call(Operation.START_DATA_SOURCE_RUN, labels(dataSource.id(), null), Map.of(),
                    "{\"clientToken\":\"model-" + dataSource.id() + "\"}");
            assertThat(replay.has("runStatisticsForAssets")).isTrue();
        }

        for (Operation operation : Operation.values()) {
            assertThat(covered.get(operation)).as(operation.apiName()).contains("200");
        }
    }

    private void readEverything(List<String> runIds) throws Exception {
        for (int i = 0; i < runIds.size(); i++) {
            String runId = runIds.get(i);
            String dataSourceId = simulator.seed().dataSources().get(i).id();
            call(Operation.GET_DATA_SOURCE_RUN, labels(null, runId), Map.of(), null);
            call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, runId), Map.of(), null);
            call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, runId), Map.of("maxResults", "1"), null);
            call(Operation.LIST_DATA_SOURCE_RUNS, labels(dataSourceId, null), Map.of(), null);
            call(Operation.GET_DATA_SOURCE, Map.of("domainIdentifier", DOMAIN, "identifier", dataSourceId),
                    Map.of(), null);
        }
        JsonNode page = call(Operation.LIST_DATA_SOURCES, Map.of("domainIdentifier", DOMAIN),
                Map.of("projectIdentifier", PROJECT, "maxResults", "1"), null);
        assertThat(page.has("nextToken")).isTrue();
        call(Operation.LIST_DATA_SOURCES, Map.of("domainIdentifier", DOMAIN),
                Map.of("projectIdentifier", PROJECT, "nextToken", page.path("nextToken").asText()), null);
        call(Operation.GET_DOMAIN, Map.of("identifier", DOMAIN), Map.of(), null);
    }

    @Test
    void oddAnswersStayWithinTheModelExceptForTheUnknownMembersAskedFor() throws Exception {
        start(options -> options.conflictWhileRunInProgress(false));
        simulator.oddAnswers().omit(OddAnswers.OptionalRunMember.values()).limitRunsPerPage(1).leadWithEmptyPage(true)
                .skewTimestamps(Duration.ofMinutes(7), Duration.ofMinutes(-7));
        // The run imports lineage, so leaving out its lineageSummary is something the omission does.
        simulator.faults().scriptNextRun("orders_glue", RunScript.endsWith(Outcome.PARTIALLY_SUCCEEDED)
                .withLineage(Lineage.endsWith(Lineage.ImportStatus.SUCCESS)));
        String runId = call(Operation.START_DATA_SOURCE_RUN, labels("orders_glue", null), Map.of(),
                "{\"clientToken\":\"odd-1\"}").path("id").asText();
        call(Operation.START_DATA_SOURCE_RUN, labels("orders_glue", null), Map.of(), "{\"clientToken\":\"odd-2\"}");
        clock.advance(Duration.ofSeconds(10));

        JsonNode ended = call(Operation.GET_DATA_SOURCE_RUN, labels(null, runId), Map.of(), null);
        JsonNode empty = call(Operation.LIST_DATA_SOURCE_RUNS, labels("orders_glue", null), Map.of(), null);
        JsonNode first = call(Operation.LIST_DATA_SOURCE_RUNS, labels("orders_glue", null),
                Map.of("nextToken", empty.path("nextToken").asText()), null);
        JsonNode last = call(Operation.LIST_DATA_SOURCE_RUNS, labels("orders_glue", null),
                Map.of("nextToken", first.path("nextToken").asText()), null);

        assertThat(ended.path("status").asText()).isEqualTo("PARTIALLY_SUCCEEDED");
        for (OddAnswers.OptionalRunMember member : OddAnswers.OptionalRunMember.values()) {
            assertThat(ended.has(member.memberName())).as(member.memberName()).isFalse();
        }
        assertThat(empty.path("items").size()).isZero();
        assertThat(first.path("items").size()).isEqualTo(1);
        assertThat(first.has("nextToken")).isTrue();
        assertThat(last.path("items").size()).isEqualTo(1);
        assertThat(last.has("nextToken")).isFalse();
        // The skews alternate from one rendered run to the next: +7 min (start 1), -7, +7, ... minutes.
        assertThat(Instant.parse(ended.path("updatedAt").asText())).isEqualTo(clock.instant()
                .minus(Duration.ofSeconds(3)).plus(Duration.ofMinutes(7)));

        simulator.oddAnswers().clear();
        simulator.oddAnswers().addUnknownMembers(true);
        for (Operation operation : List.of(Operation.START_DATA_SOURCE_RUN, Operation.GET_DATA_SOURCE_RUN,
                Operation.LIST_DATA_SOURCE_RUNS)) {
            HttpResponse<String> response = send(model.operation(operation.apiName()).path("http")
                    .path("method").asText(), switch (operation) {
                        case START_DATA_SOURCE_RUN, LIST_DATA_SOURCE_RUNS ->
                                "/v2/domains/" + DOMAIN + "/data-sources/orders_glue/runs";
                        default -> "/v2/domains/" + DOMAIN + "/data-source-runs/" + runId;
                    }, operation == Operation.START_DATA_SOURCE_RUN ? "{\"clientToken\":\"odd-1\"}" : null);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(checker.check(MAPPER.readTree(response.body()), model.outputShape(operation.apiName())))
                    .as(operation.apiName()).isNotEmpty().allSatisfy(problem -> assertThat(problem)
                            .contains("not defined").containsAnyOf(OddAnswers.UNKNOWN_MEMBER,
                                    OddAnswers.UNKNOWN_STRUCTURE, OddAnswers.UNKNOWN_STATISTIC,
                                    OddAnswers.UNKNOWN_ERROR_MEMBER));
        }
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyDeclaredErrorMatchesItsErrorShape(Operation operation) throws Exception {
        start(options -> { });
        String runId = call(Operation.START_DATA_SOURCE_RUN, labels("sales_glue", null), Map.of(),
                "{\"clientToken\":\"errors\"}").path("id").asText();
        for (ServiceError error : operation.declaredErrors()) {
            simulator.faults().failNext(operation, error, 1);
            call(operation, validLabels(operation, runId), validQuery(operation), "{\"clientToken\":\"other\"}");
        }

        assertThat(covered.get(operation)).containsAll(operation.declaredErrors().stream()
                .map(ServiceError::errorType).collect(Collectors.toSet()));
    }

    @Test
    void errorsTheSimulatorRaisesItselfMatchTheModel() throws Exception {
        start(options -> options.runsPerDataSourcePerDay(1).rateLimit(Operation.GET_DOMAIN, new RateLimit(1, 1)));
        for (Operation operation : Operation.values()) {
            // A label that breaks its pattern: ValidationException.
            Map<String, String> invalid = new LinkedHashMap<>(validLabels(operation, "run"));
            invalid.replaceAll((name, value) -> "bad value!");
            call(operation, invalid, validQuery(operation), "{}");
        }
        call(Operation.LIST_DATA_SOURCE_RUNS, labels("sales_glue", null), Map.of("maxResults", "0"), null);
        call(Operation.LIST_DATA_SOURCE_RUNS, labels("sales_glue", null), Map.of("maxResults", "51"), null);
        call(Operation.LIST_DATA_SOURCE_RUNS, labels("sales_glue", null), Map.of("status", "CANCELLED"), null);
        call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, "run"), Map.of("maxResults", "0"), null);
        call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, "run"), Map.of("maxResults", "51"), null);
        call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, "run"), Map.of("status", "SUCCESS"), null);
        call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, "run"), Map.of("nextToken", "forged"), null);
        call(Operation.LIST_DATA_SOURCE_RUN_ACTIVITIES, labels(null, "missing"), Map.of(), null);
        call(Operation.LIST_DATA_SOURCES, Map.of("domainIdentifier", DOMAIN), Map.of(), null);
        // Unknown resources: ResourceNotFoundException.
        call(Operation.GET_DATA_SOURCE_RUN, labels(null, "missing"), Map.of(), null);
        call(Operation.GET_DATA_SOURCE, Map.of("domainIdentifier", DOMAIN, "identifier", "missing"), Map.of(), null);
        call(Operation.GET_DOMAIN, Map.of("identifier", "dzd_missing"), Map.of(), null);
        // Conflicts and the daily quota.
        call(Operation.START_DATA_SOURCE_RUN, labels("sales_glue", null), Map.of(), "{\"clientToken\":\"a\"}");
        call(Operation.START_DATA_SOURCE_RUN, labels("orders_glue", null), Map.of(), "{\"clientToken\":\"a\"}");
        call(Operation.START_DATA_SOURCE_RUN, labels("sales_glue", null), Map.of(), "{\"clientToken\":\"b\"}");
        clock.advance(Duration.ofMinutes(1));
        call(Operation.START_DATA_SOURCE_RUN, labels("sales_glue", null), Map.of(), "{\"clientToken\":\"c\"}");
        // The request-rate quota.
        call(Operation.GET_DOMAIN, Map.of("identifier", DOMAIN), Map.of(), null);
        call(Operation.GET_DOMAIN, Map.of("identifier", DOMAIN), Map.of(), null);

        assertThat(covered.values().stream().flatMap(Set::stream).collect(Collectors.toSet())).contains(
                "ValidationException", "ResourceNotFoundException", "ConflictException",
                "ServiceQuotaExceededException", "ThrottlingException");
    }

    @Test
    void anUnknownRouteIsA404WithAnErrorBody() throws Exception {
        start(options -> { });
        for (String path : List.of("/v2/unknown", "/v2/domains/dzd_demo/data-sources/sales_glue/runs/extra",
                "/")) {
            HttpResponse<String> response = send("GET", path, null);
            assertThat(response.statusCode()).isEqualTo(404);
            assertErrorConforms(response, Set.of("ResourceNotFoundException"));
        }
        HttpResponse<String> wrongMethod = send("DELETE", "/v2/domains/dzd_demo", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertErrorConforms(wrongMethod, Set.of("ResourceNotFoundException"));
    }

    @Test
    void pathLabelsArePercentDecoded() throws Exception {
        start(options -> { });
        // "dzd%5Fdemo" is "dzd_demo"; the SDK encodes labels, so the simulator must decode them.
        HttpResponse<String> response = send("GET", "/v2/domains/dzd%5Fdemo", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).path("id").asText()).isEqualTo(DOMAIN);
        // An encoded slash stays inside its label and fails validation instead of changing the route.
        assertThat(send("GET", "/v2/domains/dzd_demo%2Fdata-sources", null).statusCode()).isEqualTo(400);
    }

    @Test
    void theCheckerCatchesEveryKindOfDeviation() throws Exception {
        Map<String, String> deviations = Map.of(
                "{\"id\":\"dzd_x\",\"status\":\"AVAILABLE\"}", "required member 'domainExecutionRole'",
                "{\"id\":\"dzd_x\",\"status\":\"AVAILABLE\",\"domainExecutionRole\":\"arn:aws:iam::123456789012:role/r\","
                        + "\"extra\":1}", "not defined",
                "{\"id\":\"dzd_x\",\"status\":\"GONE\",\"domainExecutionRole\":\"arn:aws:iam::123456789012:role/r\"}",
                "is not one of",
                "{\"id\":\"x\",\"status\":\"AVAILABLE\",\"domainExecutionRole\":\"arn:aws:iam::123456789012:role/r\"}",
                "does not match",
                "{\"id\":\"dzd_x\",\"status\":\"AVAILABLE\",\"domainExecutionRole\":\"arn:aws:iam::123456789012:role/r\","
                        + "\"createdAt\":\"2026-01-01T00:00:00Z\"}", "epoch seconds",
                "{\"id\":\"dzd_x\",\"status\":null,\"domainExecutionRole\":\"arn:aws:iam::123456789012:role/r\"}",
                "null");
        deviations.forEach((json, expected) -> assertThat(checkGetDomain(json)).as(json)
                .anySatisfy(problem -> assertThat(problem).contains(expected)));

        String run = "{\"createdAt\":%s,\"dataSourceId\":\"d\",\"domainId\":\"dzd_x\",\"id\":\"r\",\"projectId\":\"p\","
                + "\"status\":\"SUCCESS\",\"type\":\"PRIORITIZED\",\"updatedAt\":\"2026-01-01T00:00:00Z\"%s}";
        assertThat(checker.check(MAPPER.readTree(String.format(run, "\"2026-01-01T00:00:00Z\"", "")),
                "GetDataSourceRunOutput")).isEmpty();
        assertThat(checker.check(MAPPER.readTree(String.format(run, "1767225600", "")), "GetDataSourceRunOutput"))
                .anySatisfy(problem -> assertThat(problem).contains("ISO-8601"));
        assertThat(checker.check(MAPPER.readTree(String.format(run, "\"2026-01-01 00:00:00\"", "")),
                "GetDataSourceRunOutput")).anySatisfy(problem -> assertThat(problem).contains("ISO-8601"));
        assertThat(checker.check(MAPPER.readTree(String.format(run, "\"2026-01-01T00:00:00Z\"",
                ",\"runStatisticsForAssets\":{\"added\":5.0}")), "GetDataSourceRunOutput"))
                .anySatisfy(problem -> assertThat(problem).contains("plain JSON integer"));
        assertThat(checker.check(MAPPER.readTree("{\"glueRunConfiguration\":{\"relationalFilterConfigurations\":[]},"
                + "\"sageMakerRunConfiguration\":{\"trackingAssets\":{\"a\":[]}}}"), "DataSourceConfigurationOutput"))
                .anySatisfy(problem -> assertThat(problem).contains("exactly one member"));
        assertThat(checker.check(MAPPER.readTree("{\"items\":[],\"nextToken\":\"\"}"), "ListDataSourceRunsOutput"))
                .anySatisfy(problem -> assertThat(problem).contains("minimum"));
    }

    private List<String> checkGetDomain(String json) {
        try {
            return checker.check(MAPPER.readTree(json), "GetDomainOutput");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Map<String, String> labels(String dataSourceId, String runId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("domainIdentifier", DOMAIN);
        if (dataSourceId != null) {
            labels.put("dataSourceIdentifier", dataSourceId);
        }
        if (runId != null) {
            labels.put("identifier", runId);
        }
        return labels;
    }

    private Map<String, String> validLabels(Operation operation, String runId) {
        return switch (operation) {
            case START_DATA_SOURCE_RUN, LIST_DATA_SOURCE_RUNS -> labels("sales_glue", null);
            case GET_DATA_SOURCE_RUN, LIST_DATA_SOURCE_RUN_ACTIVITIES -> labels(null, runId);
            case GET_DATA_SOURCE -> Map.of("domainIdentifier", DOMAIN, "identifier", "sales_glue");
            case LIST_DATA_SOURCES -> Map.of("domainIdentifier", DOMAIN);
            case GET_DOMAIN -> Map.of("identifier", DOMAIN);
        };
    }

    private static Map<String, String> validQuery(Operation operation) {
        return operation == Operation.LIST_DATA_SOURCES ? Map.of("projectIdentifier", PROJECT) : Map.of();
    }

    /**
     * Calls {@code operation} over raw HTTP at the URI the model's template gives, checks the response against the
     * model, and returns its body.
     */
    private JsonNode call(Operation operation, Map<String, String> labels, Map<String, String> query, String body)
            throws Exception {
        JsonNode binding = model.operation(operation.apiName()).path("http");
        String path = binding.path("requestUri").asText();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            path = path.replace("{" + label.getKey() + "}",
                    URLEncoder.encode(label.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String queryString = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String method = binding.path("method").asText();
        HttpResponse<String> response = send(method, queryString.isEmpty() ? path : path + "?" + queryString,
                method.equals("POST") ? body : null);

        String outcome;
        if (response.statusCode() == 200) {
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).isEmpty();
            assertThat(checker.check(MAPPER.readTree(response.body()), model.outputShape(operation.apiName())))
                    .as("%s %s -> %s", method, path, response.body()).isEmpty();
            outcome = "200";
        } else {
            outcome = assertErrorConforms(response, new HashSet<>(model.declaredErrors(operation.apiName())));
        }
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        covered.computeIfAbsent(operation, op -> new HashSet<>()).add(outcome);
        return MAPPER.readTree(response.body());
    }

    /** Checks an error response against the model and returns its error type. */
    private String assertErrorConforms(HttpResponse<String> response, Set<String> allowed) throws IOException {
        String errorType = response.headers().firstValue("x-amzn-ErrorType").orElse("<none>");
        assertThat(allowed).as("declared errors").contains(errorType);
        JsonNode shape = model.shape(errorType);
        assertThat(response.statusCode()).as(errorType).isEqualTo(shape.path("error").path("httpStatusCode").asInt());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
        assertThat(checker.check(MAPPER.readTree(response.body()), errorType)).as(response.body()).isEmpty();
        return errorType;
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.endpoint() + pathAndQuery))
                .timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
