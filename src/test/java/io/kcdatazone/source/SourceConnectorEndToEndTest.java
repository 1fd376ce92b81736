package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Faults;
import io.kcdatazone.simulator.Introspection;
import io.kcdatazone.simulator.Lineage;
import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.simulator.OddAnswers;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RunRecord;
import io.kcdatazone.simulator.RunScript;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.JmxTaskMetrics;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.TopicDump;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import jakarta.ws.rs.core.Response;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sink and source together on one worker: every request ends in one result event, every started run's statuses follow
 * in order up to the terminal one, read as a Confluent consumer reads them.
 */
class SourceConnectorEndToEndTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRACKING_LIMIT = Duration.ofSeconds(15);
    private static final int DELETED_DATA_SOURCE = 20;

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            // ds_20 is deleted by one test: the others use ds_00 to ds_19.
            .service(Pipeline.simulator(CLOCK, DELETED_DATA_SOURCE + 1))
            .build();

    private Pipeline pipeline;

    @AfterEach
    void deleteConnectors() {
        STACK.service(SimulatorService.class).simulator().oddAnswers().clear();
        if (pipeline != null) {
            pipeline.delete();
        }
    }

    @Test
    void everyRequestEndsInOneResultAndEveryRunInItsTerminalStatus() {
        pipeline = new Pipeline(STACK, "outcomes");
        pipeline.start(3, 3, 1, 2);
        // The partially successful run imports lineage, and the import ends with the run.
        STACK.service(SimulatorService.class).simulator().faults().scriptNextRun(Pipeline.dataSourceId(1),
                RunScript.endsWith(Pipeline.outcomeOf(1)).withLineage(Lineage.endsWith(Lineage.ImportStatus.FAILED)));
        pipeline.request("req-success", Pipeline.dataSourceId(0));
        pipeline.request("req-partial", Pipeline.dataSourceId(1));
        pipeline.request("req-failed", Pipeline.dataSourceId(2));
        pipeline.request("req-unknown", "no_such_source");
        // The same key again: a second request record, so a second result, but the same run.
        pipeline.request("req-success", Pipeline.dataSourceId(0));

        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(3)) {
            reader.awaitEvents("5 results", events -> ObservedEvent.count(events, ObservedEvent::isResult) == 5,
                    TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("3 runs RUNNING", events -> statusCount(events, "RUNNING") == 3, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            List<ObservedEvent> events = reader.awaitEvents("3 runs ended",
                    all -> ObservedEvent.count(all, ObservedEvent::isStatusChange) == 6, TIMEOUT);
            events = reader.readFor(Duration.ofSeconds(2));

            Map<String, List<ObservedEvent>> byToken = events.stream()
                    .collect(Collectors.groupingBy(ObservedEvent::clientToken));
            assertThat(byToken.keySet()).containsExactlyInAnyOrder("req-success", "req-partial", "req-failed",
                    "req-unknown");
            assertThat(byToken.get("req-unknown")).singleElement().satisfies(failed -> {
                assertThat(failed.eventType()).isEqualTo("RUN_START_FAILED");
                assertThat(failed.errorType()).isEqualTo("RESOURCE_NOT_FOUND_EXCEPTION");
                assertThat(failed.runId()).isNull();
                assertThat(failed.key()).isEqualTo("req-unknown");
            });
            assertThat(sequence(byToken.get("req-success"))).containsExactly(
                    "RUN_STARTED REQUESTED", "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>SUCCESS");
            assertThat(sequence(byToken.get("req-partial"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>RUNNING", "RUN_STATUS_CHANGED RUNNING>PARTIALLY_SUCCEEDED");
            assertThat(sequence(byToken.get("req-failed"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>RUNNING", "RUN_STATUS_CHANGED RUNNING>FAILED");
            assertThat(byToken.get("req-success")).extracting(ObservedEvent::runId).containsOnly(
                    byToken.get("req-success").get(0).runId());
            assertThat(byToken.get("req-partial").get(2).errorType()).isEqualTo("ACCESS_DENIED_EXCEPTION");
            // Each status event carries the lineage import as DataZone reported it with that status; StartDataSourceRun
            // reports none, and runs that import no lineage have none.
            assertThat(byToken.get("req-partial")).extracting(ObservedEvent::lineageImportStatus)
                    .containsExactly(null, "IN_PROGRESS", "FAILED");
            assertThat(events).filteredOn(event -> !event.clientToken().equals("req-partial"))
                    .extracting(ObservedEvent::lineageImportStatus).containsOnlyNulls();
            assertThat(events).allSatisfy(event -> assertThat(event.key()).isEqualTo(event.clientToken()));
            assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
        }
        // An operator watching JMX sees the same counts.
        String source = pipeline.sourceName();
        Awaitility.await("the source task's metrics").atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(JmxTaskMetrics.read(source, "events-emitted-total", "event-type=RUN_STARTED")).isEqualTo(4);
            assertThat(JmxTaskMetrics.read(source, "events-emitted-total", "event-type=RUN_START_FAILED"))
                    .isEqualTo(1);
            assertThat(JmxTaskMetrics.read(source, "events-emitted-total", "event-type=RUN_STATUS_CHANGED"))
                    .isEqualTo(6);
            assertThat(JmxTaskMetrics.read(source, "runs-tracked", "")).isZero();
            assertThat(JmxTaskMetrics.read(source, "status-calls-total", "")).isPositive();
            assertThat(JmxTaskMetrics.read(source, "list-data-source-runs-latency-max", "")).isPositive();
        });
    }

    /**
     * An orchestrator's traced requests: the traceparent a request carried as a header, and its value's context, come
     * back on every event of that request and its run, and on none of another request's; a credential header it also
     * carried comes back nowhere. Apache Kafka's own RegexRouter, with its HasHeaderKey predicate on the routing
     * header {@code datazone.failed}, sends every terminal failure to a second topic, RUN_START_FAILED included.
     */
    @Test
    void requestContextComesBackOnEveryEventAndKafkasOwnTransformsRouteTerminalFailuresToASecondTopic() {
        String traced = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        String unknownTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String badTrace = "00-11111111111111111111111111111111-2222222222222222-01";
        pipeline = new Pipeline(STACK, "routing");
        String failures = "routing-failures";
        STACK.createTopic(failures, 1);
        // authorization is configured too: the deny list, not the configuration, keeps it off the events.
        pipeline.withSink("request.context.headers", "traceparent,tracestate,authorization")
                .withSource("transforms", "failures")
                .withSource("transforms.failures.type", "org.apache.kafka.connect.transforms.RegexRouter")
                .withSource("transforms.failures.regex", ".*")
                .withSource("transforms.failures.replacement", failures)
                .withSource("transforms.failures.predicate", "isFailure")
                .withSource("predicates", "isFailure")
                .withSource("predicates.isFailure.type",
                        "org.apache.kafka.connect.transforms.predicates.HasHeaderKey")
                .withSource("predicates.isFailure.name", "datazone.failed");
        pipeline.start(1, 1, 1, 1);
        // ds_17 ends FAILED, ds_18 SUCCESS (see Pipeline.outcomeOf).
        pipeline.request("traced", requestWithContext(Pipeline.dataSourceId(17), "{\"dag\": \"harvest_sales\"}"),
                Map.of("traceparent", traced, "authorization", "Bearer not-for-events", "x-other", "not carried"));
        pipeline.request("plain", Pipeline.dataSourceId(18));
        pipeline.request("unknown", Pipeline.requestValue("no_such_source"), Map.of("traceparent", unknownTrace));
        pipeline.request("bad-context", requestWithContext(Pipeline.dataSourceId(18), "{\"attempt\": 3}"),
                Map.of("traceparent", badTrace));

        try (OutputTopicReader<ObservedEvent> output = pipeline.reader(1);
             OutputTopicReader<ObservedEvent> failed = pipeline.reader(failures, 1)) {
            output.awaitEvents("2 runs started", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 2,
                    TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            output.awaitEvents("2 runs RUNNING", all -> statusCount(all, "RUNNING") == 2, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            output.awaitEvents("the run of 'plain' succeeded", all -> statusCount(all, "SUCCESS") == 1, TIMEOUT);
            failed.awaitEvents("3 failures", all -> all.size() == 3, TIMEOUT);
            List<ObservedEvent> events = output.readFor(Duration.ofSeconds(1));
            List<ObservedEvent> failures3 = failed.readFor(Duration.ofSeconds(1));

            assertThat(events).extracting(e -> e.clientToken() + " " + e.eventType() + " " + e.status())
                    .containsExactlyInAnyOrder("traced RUN_STARTED REQUESTED", "traced RUN_STATUS_CHANGED RUNNING",
                            "plain RUN_STARTED REQUESTED", "plain RUN_STATUS_CHANGED RUNNING",
                            "plain RUN_STATUS_CHANGED SUCCESS");
            assertThat(failures3).extracting(e -> e.clientToken() + " " + e.eventType() + " " + e.status()
                    + " " + e.errorType()).containsExactlyInAnyOrder(
                    "traced RUN_STATUS_CHANGED FAILED ACCESS_DENIED_EXCEPTION",
                    "unknown RUN_START_FAILED null RESOURCE_NOT_FOUND_EXCEPTION",
                    "bad-context RUN_START_FAILED null VALIDATION_EXCEPTION");

            List<ObservedEvent> all = new java.util.ArrayList<>(events);
            all.addAll(failures3);
            Map<String, Map<String, String>> contexts = Map.of(
                    "traced", Map.of("traceparent", traced, "dag", "harvest_sales"),
                    "unknown", Map.of("traceparent", unknownTrace),
                    "bad-context", Map.of("traceparent", badTrace));
            for (ObservedEvent event : all) {
                Map<String, String> context = contexts.get(event.clientToken());
                assertThat(event.context()).as(event.toString()).isEqualTo(context);
                if (context == null) {
                    assertThat(event.headers()).as(event.toString()).doesNotContainKey("traceparent");
                } else {
                    assertThat(event.headers()).as(event.toString()).containsAllEntriesOf(context);
                }
                assertThat(event.headers()).as(event.toString()).doesNotContainKeys("authorization", "x-other")
                        .containsEntry("datazone.eventType", event.eventType());
                boolean terminal = event.isResult() ? "RUN_START_FAILED".equals(event.eventType())
                        : !"RUNNING".equals(event.status());
                assertThat(event.headers().get("datazone.terminal")).as(event.toString())
                        .isEqualTo(String.valueOf(terminal));
                if (event.status() != null) {
                    assertThat(event.headers()).containsEntry("datazone.status", event.status());
                }
                if (event.dataSourceId() != null) {
                    assertThat(event.headers()).containsEntry("datazone.dataSourceId", event.dataSourceId())
                            .containsEntry("datazone.domainId", Pipeline.DOMAIN);
                }
            }
            assertThat(failures3).allSatisfy(e -> assertThat(e.headers()).containsEntry("datazone.failed", "true"));
            assertThat(events).allSatisfy(e -> assertThat(e.headers()).doesNotContainKey("datazone.failed"));
            assertThat(failures3).filteredOn(e -> "bad-context".equals(e.clientToken())).singleElement()
                    .satisfies(e -> assertThat(e.errorDetail()).isEqualTo(
                            "'context' must be an object of string values; got JSON number at 'attempt'"));
        }
    }

    /** A traced request of the restart test for data source {@code index}. */
    private void request(int index) {
        pipeline.request("restart-" + index, Pipeline.requestValue(Pipeline.dataSourceId(index)),
                Map.of("traceparent", traceparent(index)));
    }

    private static String traceparent(int index) {
        return String.format("00-%032x-%016x-01", index, index);
    }

    private static String requestWithContext(String dataSourceId, String context) {
        String request = Pipeline.requestValue(dataSourceId);
        return request.substring(0, request.length() - 1) + ", \"context\": " + context + "}";
    }

    @Test
    void runsThatSkipRunningEndInANewerStatusOrVanishAreFollowedToTheirLastEvent() {
        pipeline = new Pipeline(STACK, "odd");
        pipeline.start(1, 1, 1, 1);
        Faults faults = STACK.service(SimulatorService.class).simulator().faults();
        faults.scriptNextRun(Pipeline.dataSourceId(6), RunScript.skipsRunning());
        faults.scriptNextRun(Pipeline.dataSourceId(7), RunScript.endsWithUnknownStatus("CANCELLED"));
        pipeline.request("odd-skips", Pipeline.dataSourceId(6));
        pipeline.request("odd-unknown", Pipeline.dataSourceId(7));
        pipeline.request("odd-vanishes", Pipeline.dataSourceId(8));

        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            List<ObservedEvent> results = reader.awaitEvents("3 results",
                    all -> ObservedEvent.count(all, ObservedEvent::isResult) == 3, TIMEOUT);
            String vanishing = results.stream().filter(e -> e.clientToken().equals("odd-vanishes")).findFirst()
                    .orElseThrow().runId();
            // DataZone forgets the run while it is REQUESTED: the listing leaves it out, GetDataSourceRun answers 404.
            faults.vanishRun(vanishing);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("odd-unknown RUNNING", all -> statusCount(all, "RUNNING") == 1, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            List<ObservedEvent> events = reader.awaitEvents("both runs ended and one vanished",
                    all -> ObservedEvent.count(all, e -> !e.isResult()) == 4, TIMEOUT);

            Map<String, List<ObservedEvent>> byToken = events.stream()
                    .collect(Collectors.groupingBy(ObservedEvent::clientToken));
            assertThat(sequence(byToken.get("odd-skips"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>" + Pipeline.outcomeOf(6));
            assertThat(sequence(byToken.get("odd-unknown"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>RUNNING", "RUN_STATUS_CHANGED RUNNING>CANCELLED");
            assertThat(byToken.get("odd-vanishes")).extracting(ObservedEvent::eventType)
                    .containsExactly("RUN_STARTED", "RUN_VANISHED");
            assertThat(byToken.get("odd-vanishes").get(1)).satisfies(gone -> {
                assertThat(gone.runId()).isEqualTo(vanishing);
                assertThat(gone.previousStatus()).isEqualTo("REQUESTED");
                assertThat(gone.status()).isNull();
                assertThat(gone.errorType()).isEqualTo("RESOURCE_NOT_FOUND_EXCEPTION");
            });
        }
        // Neither the run that stopped in a status the connector does not know nor the vanished one is tracked (and
        // polled) forever.
        Awaitility.await("no run tracked").atMost(TIMEOUT).untilAsserted(() ->
                assertOffsetsFollowNoRun(pipeline.sourceName(), 1, 3));
    }

    @Test
    void theRunsOfADeletedDataSourceVanishAndARunStuckInAStatusWithoutStopTimeEndsAtTheTrackingLimit() {
        pipeline = new Pipeline(STACK, "neverending")
                .withSource("max.run.tracking.ms", String.valueOf(TRACKING_LIMIT.toMillis()));
        pipeline.start(1, 1, 1, 1);
        DataZoneSimulator simulator = STACK.service(SimulatorService.class).simulator();
        simulator.faults().scriptNextRun(Pipeline.dataSourceId(9), RunScript.endsWithUnknownStatus("CANCELLED"));
        pipeline.request("stuck", Pipeline.dataSourceId(9));
        pipeline.request("deleted", Pipeline.dataSourceId(DELETED_DATA_SOURCE));

        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            reader.awaitEvents("2 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 2, TIMEOUT);
            // ListDataSourceRuns and GetDataSourceRun answer 404 for the deleted data source and its run.
            simulator.faults().deleteDataSource(Pipeline.DOMAIN, Pipeline.dataSourceId(DELETED_DATA_SOURCE));
            // The stuck run ends in a status the connector does not know, without the stop time that says it ended.
            simulator.oddAnswers().omit(OddAnswers.OptionalRunMember.STOPPED_AT);
            CLOCK.advance(Pipeline.REQUESTED_FOR.plus(Pipeline.RUNNING_FOR));
            List<ObservedEvent> events = reader.awaitEvents("both runs closed", all -> ObservedEvent.count(all,
                    e -> e.eventType().equals("RUN_VANISHED") || e.eventType().equals("RUN_TRACKING_STOPPED")) == 2,
                    TIMEOUT.plus(TRACKING_LIMIT));

            Map<String, List<ObservedEvent>> byToken = events.stream()
                    .collect(Collectors.groupingBy(ObservedEvent::clientToken));
            assertThat(sequence(byToken.get("deleted"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_VANISHED null");
            assertThat(byToken.get("deleted").get(1).errorType()).isEqualTo("RESOURCE_NOT_FOUND_EXCEPTION");
            assertThat(sequence(byToken.get("stuck"))).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>CANCELLED", "RUN_TRACKING_STOPPED null");
            assertThat(byToken.get("stuck").get(2)).satisfies(stopped -> {
                assertThat(stopped.runId()).isEqualTo(byToken.get("stuck").get(0).runId());
                assertThat(stopped.previousStatus()).isEqualTo("CANCELLED");
                assertThat(stopped.errorType()).isEqualTo("TRACKING_TIME_LIMIT_REACHED");
            });
        }
        Awaitility.await("no run tracked").atMost(TIMEOUT).untilAsserted(() ->
                assertOffsetsFollowNoRun(pipeline.sourceName(), 1, 3));
    }

    @Test
    void oddAnswersOfEveryKindAtOnceLeaveEachRunsStatusesInOrderWithDataZonesTimestampsAsGiven() {
        pipeline = new Pipeline(STACK, "oddanswers");
        pipeline.start(1, 1, 1, 1);
        DataZoneSimulator simulator = STACK.service(SimulatorService.class).simulator();
        // Unknown members, no optional member, one run per page after an empty first page, and a DataZone clock that
        // jumps between 10 minutes ahead and 10 minutes behind from one rendered run to the next.
        Duration skew = Duration.ofMinutes(10);
        simulator.oddAnswers().addUnknownMembers(true).omit(OddAnswers.OptionalRunMember.values())
                .limitRunsPerPage(1).leadWithEmptyPage(true).skewTimestamps(skew, skew.negated());
        Map<String, String> dataSources = Map.of("odd-answer-a", Pipeline.dataSourceId(10),
                "odd-answer-b", Pipeline.dataSourceId(10), "odd-answer-c", Pipeline.dataSourceId(11));
        dataSources.forEach(pipeline::request);

        List<ObservedEvent> events;
        List<String> pollerLines;
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1);
             CapturedLog log = CapturedLog.start(Map.of(RunStatusPoller.class.getName(), Level.INFO))) {
            reader.awaitEvents("3 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 3,
                    TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("3 runs RUNNING", all -> statusCount(all, "RUNNING") == 3, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            reader.awaitEvents("3 runs ended",
                    all -> ObservedEvent.count(all, ObservedEvent::isStatusChange) == 6, TIMEOUT);
            events = reader.readFor(Duration.ofSeconds(1));
            pollerLines = log.lines().stream().filter(line -> line.contains(RunStatusPoller.class.getName()))
                    .collect(Collectors.toList());
        }
        // The task said what it saw: once per data source, however many polls saw it, naming the connector.
        assertThat(pollerLines).satisfiesExactlyInAnyOrder(
                line -> assertThat(line).contains("[" + pipeline.sourceName() + "|task-0]",
                        "a page of 0 runs of " + Pipeline.DOMAIN + "/" + Pipeline.dataSourceId(10)),
                line -> assertThat(line).contains("[" + pipeline.sourceName() + "|task-0]",
                        "a page of 0 runs of " + Pipeline.DOMAIN + "/" + Pipeline.dataSourceId(11)));

        Map<String, List<ObservedEvent>> byToken = events.stream()
                .collect(Collectors.groupingBy(ObservedEvent::clientToken));
        assertThat(byToken).containsOnlyKeys(dataSources.keySet());
        byToken.forEach((token, runEvents) -> {
            int dataSource = Integer.parseInt(dataSources.get(token).substring(3));
            assertThat(sequence(runEvents)).as(token).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(dataSource));
            RunRecord run = simulator.introspection().runsForClientToken(token).get(0);
            List<Instant> transitions = List.of(run.createdAt(), run.createdAt().plus(Pipeline.REQUESTED_FOR),
                    run.createdAt().plus(Pipeline.REQUESTED_FOR).plus(Pipeline.RUNNING_FOR));
            for (int i = 0; i < runEvents.size(); i++) {
                ObservedEvent event = runEvents.get(i);
                assertThat(Instant.ofEpochMilli(event.createdAt())).as(token + " createdAt")
                        .isIn(run.createdAt().plus(skew), run.createdAt().minus(skew));
                assertThat(Instant.ofEpochMilli(event.updatedAt())).as(token + " updatedAt")
                        .isIn(transitions.get(i).plus(skew), transitions.get(i).minus(skew));
                assertThat(event.startedAt()).isNull();
                assertThat(event.stoppedAt()).isNull();
                assertThat(event.runStatistics()).isFalse();
            }
        });
        assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
        Awaitility.await("no run tracked").atMost(TIMEOUT).untilAsserted(() ->
                assertOffsetsFollowNoRun(pipeline.sourceName(), 1, 3));
    }

    @Test
    void fiveHundredRunsOfTwentyDataSourcesAreFollowedWithOneListCallPerDataSourceAndPoll() {
        int requests = 500;
        int dataSources = 20;
        pipeline = new Pipeline(STACK, "many");
        pipeline.start(6, 6, 3, 3);
        Introspection calls = STACK.service(SimulatorService.class).simulator().introspection();
        long listBefore = calls.callCount(Operation.LIST_DATA_SOURCE_RUNS);
        long getBefore = calls.callCount(Operation.GET_DATA_SOURCE_RUN);
        long began = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            pipeline.request(String.format("many-%03d", i), Pipeline.dataSourceId(i % dataSources));
        }

        List<ObservedEvent> events;
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(6)) {
            reader.awaitEvents(requests + " results",
                    all -> ObservedEvent.count(all, ObservedEvent::isResult) == requests, TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents(requests + " runs RUNNING", all -> statusCount(all, "RUNNING") == requests, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            events = reader.awaitEvents(requests + " runs ended",
                    all -> ObservedEvent.count(all, ObservedEvent::isStatusChange) == 2L * requests, TIMEOUT);
        }
        long elapsedMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
        long lists = calls.callCount(Operation.LIST_DATA_SOURCE_RUNS) - listBefore;
        long gets = calls.callCount(Operation.GET_DATA_SOURCE_RUN) - getBefore;
        long transitions = 2L * requests;
        System.out.printf("%d runs of %d data sources in %d ms: %d ListDataSourceRuns + %d GetDataSourceRun calls for"
                + " %d status transitions = %.3f status calls per transition, %.1f polls per data source%n",
                requests, dataSources, elapsedMs, lists, gets, transitions, (double) (lists + gets) / transitions,
                (double) lists / dataSources);

        Map<String, List<ObservedEvent>> byRun = ObservedEvent.byRun(events);
        assertThat(byRun).hasSize(requests);
        byRun.forEach((runId, runEvents) -> {
            int dataSource = Integer.parseInt(runEvents.get(0).dataSourceId().substring(3));
            assertThat(sequence(runEvents)).as(runId).containsExactly("RUN_STARTED REQUESTED",
                    "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(dataSource));
        });
        assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
        // Each data source's 25 runs fit on one page: one list call observes them all, no run needs its own call.
        assertThat(gets).isZero();
        assertThat(lists).as("at most one call per data source per poll interval")
                .isLessThanOrEqualTo(dataSources * (elapsedMs / Pipeline.POLL_INTERVAL_MS + 1));
        assertThat((double) (lists + gets) / transitions).as("status calls per transition").isLessThan(1.0);
        // 20 data sources due every 200 ms want 100 calls/s; status.requests.per.second (10 by default) holds the
        // connector to 10, its three tasks to a third each, one call every 300 ms.
        long budget = (long) (DataSourceRunSourceConfig.DEFAULT_STATUS_REQUESTS_PER_SECOND * elapsedMs / 1_000);
        assertThat(lists + gets).as("status calls within the connector's budget").isLessThanOrEqualTo(budget + 3);
        // All 500 runs were in flight at once: one slot each, none more.
        assertOffsetsFollowNoRun(pipeline.sourceName(), 6, requests);
    }

    /**
     * The worker stops (a clean stop: Connect commits what was acknowledged) while runs are RUNNING and two newer ones
     * are still REQUESTED; its replacement resumes each from the status last published: the RUNNING ones from their
     * slots, the REQUESTED ones (no status event yet, so no slot) by replaying their ledger entries.
     */
    @Test
    void aRestartedWorkerResumesEveryRunFromTheStatusLastPublished() {
        pipeline = new Pipeline(STACK, "restart");
        pipeline.start(2, 1, 1, 1);
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            for (int i = 12; i < 16; i++) {
                // Each run's context must survive the restart: the runs RUNNING by then resume from their slots.
                request(i);
            }
            reader.awaitEvents("4 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 4, TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("4 runs RUNNING", all -> statusCount(all, "RUNNING") == 4, TIMEOUT);
            // Still REQUESTED at the restart, so no slot: they resume, context included, from their ledger entries.
            request(16);
            request(17);
            reader.awaitEvents("6 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 6, TIMEOUT);

            for (WorkerHandle worker : List.copyOf(STACK.workers())) {
                STACK.stopWorker(worker);
            }
            // While no worker runs, the first four runs end and the last two start running.
            CLOCK.advance(Pipeline.RUNNING_FOR);
            STACK.startWorker(TIMEOUT);
            STACK.awaitConnectorRunning(pipeline.sourceName(), 1, TIMEOUT);
            reader.awaitEvents("4 runs ended, 2 RUNNING", all -> statusCount(all, "RUNNING") == 6
                    && ObservedEvent.count(all, e -> e.isStatusChange() && !"RUNNING".equals(e.status())) == 4,
                    TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            List<ObservedEvent> events = reader.awaitEvents("6 runs ended", all -> ObservedEvent.count(all,
                    e -> e.isStatusChange() && !"RUNNING".equals(e.status())) == 6, TIMEOUT);
            events = reader.readFor(Duration.ofSeconds(2));

            assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
            Map<String, List<ObservedEvent>> byToken = events.stream()
                    .collect(Collectors.groupingBy(ObservedEvent::clientToken));
            assertThat(byToken).hasSize(6);
            byToken.forEach((token, runEvents) -> assertThat(sequence(runEvents)).as(token).containsExactly(
                    "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(Integer.parseInt(token.substring(8)))));
            byToken.forEach((token, runEvents) -> {
                int index = Integer.parseInt(token.substring(8));
                assertThat(runEvents).as(token).allSatisfy(event -> assertThat(event.context()).isEqualTo(
                        Map.of("traceparent", traceparent(index))));
            });
        }
        Awaitility.await("no run followed").atMost(TIMEOUT).untilAsserted(() ->
                assertOffsetsFollowNoRun(pipeline.sourceName(), 2, 6));
    }

    /**
     * A connector upgraded from the previous version: its offsets are what that version stored (format 1: every
     * tracked run with its last status in the one offset of the ledger partition, no run slots), written with
     * Connect's offsets REST API while the connector is stopped. Resumed, it follows those runs from their stored
     * statuses and new ones as usual: no event lost, none repeated, and the format 1 runs drain from the offset.
     */
    @Test
    void aConnectorResumingFromThePreviousVersionsOffsetsLosesAndRepeatsNoEvent() {
        pipeline = new Pipeline(STACK, "upgrade");
        pipeline.start(1, 1, 1, 1);
        String source = pipeline.sourceName();
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            for (int i = 3; i < 6; i++) {
                pipeline.request("upgrade-" + i, Pipeline.dataSourceId(i));
            }
            reader.awaitEvents("3 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 3, TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("3 runs RUNNING", all -> statusCount(all, "RUNNING") == 3, TIMEOUT);

            STACK.connect().stopConnector(source);
            Awaitility.await("connector stopped").atMost(TIMEOUT).ignoreExceptions().until(() ->
                    "STOPPED".equals(STACK.connect().connectorStatus(source).connector().state()));
            Response patch = STACK.connect().requestPatch(STACK.connect().endpointForResource("connectors/" + source
                    + "/offsets"), formatOneOffsets(source));
            assertThat(patch.getStatus()).as(String.valueOf(patch.getEntity())).isEqualTo(200);
            assertThat(STACK.connect().connectorOffsets(source).offsets()).singleElement()
                    .satisfies(offset -> assertThat(offset.offset()).containsKey("runs").doesNotContainKey("low"));

            STACK.connect().resumeConnector(source);
            STACK.awaitConnectorRunning(source, 1, TIMEOUT);
            pipeline.request("upgrade-6", Pipeline.requestValue(Pipeline.dataSourceId(6)),
                    Map.of("traceparent", traceparent(6)));
            reader.awaitEvents("the new request's result", all -> ObservedEvent.count(all,
                    ObservedEvent::isResult) == 4, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            reader.awaitEvents("the new run RUNNING", all -> statusCount(all, "RUNNING") == 4, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            List<ObservedEvent> events = reader.awaitEvents("4 runs ended", all -> ObservedEvent.count(all,
                    e -> e.isStatusChange() && !"RUNNING".equals(e.status())) == 4, TIMEOUT);
            events = reader.readFor(Duration.ofSeconds(2));

            assertThat(events).extracting(ObservedEvent::eventId).doesNotHaveDuplicates();
            Map<String, List<ObservedEvent>> byToken = events.stream()
                    .collect(Collectors.groupingBy(ObservedEvent::clientToken));
            assertThat(byToken).hasSize(4);
            byToken.forEach((token, runEvents) -> assertThat(sequence(runEvents)).as(token).containsExactly(
                    "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(Integer.parseInt(token.substring(8)))));
            // The format 1 runs' requests carried no context; the request after the upgrade carries its own.
            byToken.forEach((token, runEvents) -> assertThat(runEvents).as(token).allSatisfy(event ->
                    assertThat(event.context()).isEqualTo("upgrade-6".equals(token)
                            ? Map.of("traceparent", traceparent(6)) : null)));
        }
        Awaitility.await("the format 1 runs drained").atMost(TIMEOUT).untilAsserted(() ->
                assertOffsetsFollowNoRun(source, 1, 1));
    }

    /**
     * The offsets the previous version would hold now: the ledger partition's position and progress, and the runs
     * followed with their last status (taken from the run slots, which that version did not have: they are removed).
     */
    private static String formatOneOffsets(String connector) {
        List<ConnectorOffset> offsets = STACK.connect().connectorOffsets(connector).offsets();
        StringBuilder body = new StringBuilder("{\"offsets\": [");
        StringBuilder runs = new StringBuilder();
        Map<String, ?> ledgerPartition = null;
        Map<String, ?> stored = null;
        for (ConnectorOffset offset : offsets) {
            if (!offset.partition().containsKey("slot")) {
                ledgerPartition = offset.partition();
                stored = offset.offset();
                continue;
            }
            body.append("{\"partition\": ").append(json(offset.partition())).append(", \"offset\": null}, ");
            Map<String, ?> slot = offset.offset();
            if (!Boolean.TRUE.equals(slot.get("ended"))) {
                runs.append(runs.length() == 0 ? "" : ",").append(json(Map.of("r", slot.get("runId"),
                        "d", slot.get("domainId"), "s", slot.get("dataSourceId"), "k", slot.get("clientToken"),
                        "t", slot.get("requestTopic"), "p", slot.get("requestPartition"),
                        "o", slot.get("requestOffset"), "l", slot.get("status"))));
            }
        }
        assertThat(stored).isNotNull();
        Map<String, Object> formatOne = Map.of("version", 1, "position", stored.get("position"),
                "runs", "[" + runs + "]", "recent", "[]", "progress", stored.get("progress"));
        return body.append("{\"partition\": ").append(json(ledgerPartition)).append(", \"offset\": ")
                .append(json(formatOne)).append("}]}").toString();
    }

    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void offsetsCanBeResetThroughConnectsRestApiAndInvalidEditsAreRefusedWithTheReason() {
        pipeline = new Pipeline(STACK, "offsets");
        pipeline.start(1, 1, 1, 1);
        for (int i = 3; i < 6; i++) {
            pipeline.request("offsets-" + i, Pipeline.dataSourceId(i));
        }
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            reader.awaitEvents("3 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 3,
                    TIMEOUT);
            CLOCK.advance(Pipeline.REQUESTED_FOR.plus(Pipeline.RUNNING_FOR));
            List<ObservedEvent> before = reader.awaitEvents("3 runs ended",
                    all -> ObservedEvent.count(all, e -> e.isStatusChange() && !"RUNNING".equals(e.status())) == 3,
                    TIMEOUT);
            String source = pipeline.sourceName();
            assertOffsetsFollowNoRun(source, 1, 3);
            // Past the three outcome entries, and past the sink's progress marks read before the last event.
            assertThat(ledgerPartitionOffsets(source)).singleElement()
                    .satisfies(offset -> assertThat(((Number) offset.get("position")).longValue())
                            .isGreaterThanOrEqualTo(3L));

            STACK.connect().stopConnector(source);
            Awaitility.await("connector stopped").atMost(TIMEOUT).ignoreExceptions().until(() ->
                    "STOPPED".equals(STACK.connect().connectorStatus(source).connector().state()));

            Response negative = patchOffsets(source, "{\"ledgerTopic\": \"offsets-ledger\", \"ledgerPartition\": 0}",
                    "{\"version\": 1, \"position\": -4}");
            // Connect answers 500 for any ConnectException a connector throws here: the 400 it uses itself comes from
            // a runtime class a plugin cannot depend on. The body carries the connector's reason.
            assertThat(negative.getStatus()).isEqualTo(500);
            assertThat(negative.getEntity().toString())
                    .contains("offset field 'position' must be a non-negative ledger offset, got -4");
            Response foreign = patchOffsets(source, "{\"ledgerTopic\": \"elsewhere\", \"ledgerPartition\": 0}",
                    "{\"version\": 1, \"position\": 0}");
            assertThat(foreign.getStatus()).isEqualTo(500);
            assertThat(foreign.getEntity().toString()).contains("is not one of this connector's");

            // Back to the last outcome entry (the sink's progress marks may come between the outcomes), forgetting
            // what was published: a replay of that entry's run only. The fields are in another order than the task
            // writes them: Connect must still match the partition.
            ConsumerRecord<byte[], byte[]> lastOutcome = new TopicDump(STACK.bootstrapServers(), Map.of())
                    .records(pipeline.ledgerTopic()).stream()
                    .filter(record -> !ProgressMark.LEDGER_KEY.equals(new String(record.key(), StandardCharsets.UTF_8)))
                    .reduce((first, second) -> second).orElseThrow();
            String replayed = LedgerCodec.decode(lastOutcome.value()).clientToken();
            Response reset = patchOffsets(source, "{\"ledgerTopic\": \"offsets-ledger\", \"ledgerPartition\": 0}",
                    "{\"version\": 1, \"position\": " + lastOutcome.offset() + "}");
            assertThat(reset.getStatus()).as(String.valueOf(reset.getEntity())).isEqualTo(200);
            STACK.connect().resumeConnector(source);

            List<ObservedEvent> after = reader.awaitEvents("the third result and its run's terminal status again",
                    all -> all.size() >= before.size() + 2, TIMEOUT);
            after = reader.readFor(Duration.ofSeconds(2));
            assertThat(after.subList(before.size(), after.size()))
                    .as("a replay repeats eventIds only, so consumers that drop repeats see nothing new")
                    .extracting(ObservedEvent::eventId)
                    .hasSize(2)
                    .isSubsetOf(before.stream().map(ObservedEvent::eventId).collect(Collectors.toList()));
            assertThat(after.subList(before.size(), after.size())).extracting(ObservedEvent::clientToken)
                    .containsOnly(replayed);
            assertThat(after.get(before.size()).isResult()).isTrue();
            assertOffsetsFollowNoRun(source, 1, 4);
        }
    }

    private static Response patchOffsets(String connector, String partition, String offset) {
        return STACK.connect().requestPatch(STACK.connect().endpointForResource("connectors/" + connector + "/offsets"),
                "{\"offsets\": [{\"partition\": " + partition + ", \"offset\": " + offset + "}]}");
    }

    /**
     * The source's offsets follow no run any more: one key per ledger partition, whose offset carries no run, and run
     * slots whose last run has ended, no more than {@code runsAtOnce} (the most runs followed at once).
     */
    private static void assertOffsetsFollowNoRun(String connector, int ledgerPartitions, int runsAtOnce) {
        List<ConnectorOffset> offsets = STACK.connect().connectorOffsets(connector).offsets();
        List<Map<String, ?>> partitionOffsets = ledgerPartitionOffsets(connector);
        assertThat(partitionOffsets).hasSizeLessThanOrEqualTo(ledgerPartitions)
                .allSatisfy(offset -> assertThat(offset).containsKey("low").doesNotContainKey("runs"));
        List<ConnectorOffset> slots = offsets.stream().filter(offset -> offset.partition().containsKey("slot"))
                .collect(Collectors.toList());
        assertThat(slots).hasSize(offsets.size() - partitionOffsets.size()).hasSizeLessThanOrEqualTo(runsAtOnce)
                .allSatisfy(slot -> assertThat(slot.offset().get("ended")).as(slot.offset().toString())
                        .isEqualTo(true));
    }

    private static List<Map<String, ?>> ledgerPartitionOffsets(String connector) {
        return STACK.connect().connectorOffsets(connector).offsets().stream()
                .filter(offset -> offset.partition().keySet().equals(Set.of("ledgerTopic", "ledgerPartition")))
                .map(ConnectorOffset::offset).collect(Collectors.toList());
    }

    private static long statusCount(List<ObservedEvent> events, String status) {
        return ObservedEvent.count(events, e -> e.isStatusChange() && status.equals(e.status()));
    }

    /** A run's events as "TYPE status" or "TYPE previous>status", in output order. */
    static List<String> sequence(List<ObservedEvent> events) {
        return events.stream().map(e -> e.eventType() + " "
                + (e.isStatusChange() ? e.previousStatus() + ">" + e.status() : e.status()))
                .collect(Collectors.toList());
    }
}
