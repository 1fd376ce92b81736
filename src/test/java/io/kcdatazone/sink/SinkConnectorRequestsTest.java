package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.ORDERS;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.await;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerEntry.Outcome;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RecordedCall;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.sink.SinkScenario.Sent;
import io.kcdatazone.testkit.JmxTaskMetrics;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.transforms.RegexRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sink connector in a real Connect worker against the DataZone simulator: each value shape, DataZone's errors,
 * throttling, conflicts, malformed records, tombstones and backpressure. Each test runs its own connector with its own
 * request and ledger topics; runs are told apart by client token.
 */
class SinkConnectorRequestsTest {

    /** The simulator starts a run for every new token: these tests are about the sink, not about DataZone's limits. */
    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(SimulatorService.startingEveryRun())
            .build();

    private static final int SDK_MAX_ATTEMPTS = 3;

    @AfterEach
    void clearFaults() {
        simulator().faults().clear();
    }

    /** How a request value reaches the task, with the converter that produces it. */
    enum ValueShape {
        JSON_STRING(StringConverter.class, Map.of()),
        JSON_BYTES(ByteArrayConverter.class, Map.of()),
        SCHEMALESS_MAP(JsonConverter.class, Map.of("value.converter.schemas.enable", "false")),
        STRUCT(JsonConverter.class, Map.of("value.converter.schemas.enable", "true"));

        private final Class<?> converter;
        private final Map<String, String> converterSettings;

        ValueShape(Class<?> converter, Map<String, String> converterSettings) {
            this.converter = converter;
            this.converterSettings = converterSettings;
        }

        Map<String, String> settings() {
            Map<String, String> settings = new HashMap<>(converterSettings);
            settings.put("value.converter", converter.getName());
            return settings;
        }

        /** The record value as produced; a null domain leaves it to the connector's default domain. */
        String value(String domainId, String dataSourceId) {
            String payload = domainId == null
                    ? "{\"dataSourceIdentifier\":\"" + dataSourceId + "\"}"
                    : request(domainId, dataSourceId);
            if (this != STRUCT) {
                return payload;
            }
            return "{\"schema\":{\"type\":\"struct\",\"name\":\"DataSourceRef\",\"optional\":false,\"fields\":["
                    + "{\"field\":\"domainIdentifier\",\"type\":\"string\",\"optional\":true},"
                    + "{\"field\":\"dataSourceIdentifier\",\"type\":\"string\",\"optional\":false}]},"
                    + "\"payload\":" + payload + "}";
        }

        String slug() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    @ParameterizedTest
    @EnumSource(ValueShape.class)
    void requestsInEachValueShapeStartOneRunPerKey(ValueShape shape) {
        try (SinkScenario sink = SinkScenario.create(STACK, "shape-" + shape.slug(), 1)) {
            sink.with(shape.settings()).with("datazone.domain.identifier", DOMAIN).start();
            String first = sink.name() + "-1";
            String second = sink.name() + "-2";
            String defaultDomain = sink.name() + "-default-domain";

            Sent firstRequest = sink.send(first, shape.value(DOMAIN, SALES));
            Sent secondRequest = sink.send(second, shape.value(DOMAIN, ORDERS));
            Sent withoutDomain = sink.send(defaultDomain, shape.value(null, SALES));
            Sent firstAgain = sink.send(first, shape.value(DOMAIN, SALES));

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(outcomes.get(secondRequest).dataSourceId()).isEqualTo(ORDERS);
            assertThat(outcomes.get(withoutDomain).domainId()).isEqualTo(DOMAIN);
            assertThat(outcomes.get(withoutDomain).dataSourceId()).isEqualTo(SALES);
            assertThat(outcomes.get(firstAgain).run().id()).isEqualTo(outcomes.get(firstRequest).run().id());
            assertThat(outcomes.get(firstRequest).clientToken()).isEqualTo(first);
            assertThat(List.of(first, second, defaultDomain)).allSatisfy(key ->
                    assertThat(sink.runsFor(key)).as("runs for %s", key).isEqualTo(1));
        }
    }

    @Test
    void everyLedgerPartitionGetsProgressMarksAfterTheOutcomesTheyCover() {
        try (SinkScenario sink = SinkScenario.create(STACK, "marks", 2)) {
            sink.start();
            List<Sent> sent = IntStream.range(0, 8)
                    .mapToObj(i -> sink.send("marks-" + i, request(DOMAIN, i % 2 == 0 ? SALES : ORDERS))).toList();
            sink.awaitEveryOutcome();
            Map<TopicPartition, Long> ends = sent.stream().collect(Collectors.toMap(
                    request -> new TopicPartition(request.coordinates().topic(), request.coordinates().partition()),
                    request -> request.coordinates().offset() + 1, Math::max));

            // The scenario's ledger has 3 partitions: each holds marks covering every request sent.
            await("progress marks covering " + ends + " in every ledger partition").untilAsserted(() -> {
                for (int ledgerPartition = 0; ledgerPartition < 3; ledgerPartition++) {
                    Map<TopicPartition, Long> marked = new HashMap<>();
                    for (LedgerReader.Marked marks : sink.ledger().marks()) {
                        if (marks.partition() == ledgerPartition) {
                            marks.mark().marks().forEach(below -> marked.merge(new TopicPartition(
                                    below.requestTopic(), below.requestPartition()), below.below(), Math::max));
                        }
                    }
                    assertThat(marked).as("ledger partition " + ledgerPartition).isEqualTo(ends);
                }
            });
            // and no mark comes before an outcome it covers
            for (LedgerReader.Marked marks : sink.ledger().marks()) {
                for (ProgressMark.Below below : marks.mark().marks()) {
                    assertThat(sink.ledger().records()).filteredOn(written -> written.partition() == marks.partition()
                            && written.entry().requestTopic().equals(below.requestTopic())
                            && written.entry().requestPartition() == below.requestPartition()
                            && written.entry().requestOffset() < below.below())
                            .allSatisfy(written -> assertThat(written.offset()).isLessThan(marks.offset()));
                }
            }
        }
    }

    @Test
    void permanentErrorsEndAsRunStartFailedWithTheirErrorTypeAndAreNotRetried() {
        try (SinkScenario sink = SinkScenario.create(STACK, "permanent", 1)) {
            // one call at a time, so the injected faults meet the requests in order
            sink.with("max.in.flight.requests", "1").start();
            simulator().faults()
                    .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.VALIDATION, 1)
                    .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 1)
                    .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.UNAUTHORIZED, 1)
                    .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.SERVICE_QUOTA_EXCEEDED, 1);
            Map<String, String> expectedTypes = new HashMap<>();
            expectedTypes.put("permanent-validation", "VALIDATION_EXCEPTION");
            expectedTypes.put("permanent-access-denied", "ACCESS_DENIED_EXCEPTION");
            expectedTypes.put("permanent-unauthorized", "ACCESS_DENIED_EXCEPTION");
            expectedTypes.put("permanent-quota", "SERVICE_QUOTA_EXCEEDED_EXCEPTION");
            expectedTypes.put("permanent-not-found", "RESOURCE_NOT_FOUND_EXCEPTION");
            List.of("permanent-validation", "permanent-access-denied", "permanent-unauthorized", "permanent-quota")
                    .forEach(key -> sink.send(key, request(DOMAIN, SALES)));
            // not injected: the simulator knows no such data source
            sink.send("permanent-not-found", request(DOMAIN, "no_such_source"));

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes).allSatisfy((request, entry) -> {
                assertThat(entry.outcome()).isEqualTo(Outcome.RUN_START_FAILED);
                assertThat(entry.error().errorType()).as(request.key()).isEqualTo(expectedTypes.get(request.key()));
                assertThat(entry.error().errorDetail()).isNotBlank();
                assertThat(entry.dataZoneRequestId()).isNotBlank();
                assertThat(sink.runsFor(request.key())).isZero();
                assertThat(sink.startCallsFor(request.key())).as("calls for %s", request.key()).hasSize(1);
            });
            assertThat(outcomes.values()).filteredOn(e -> e.clientToken().equals("permanent-not-found"))
                    .singleElement().satisfies(e -> assertThat(e.dataSourceId()).isEqualTo("no_such_source"));
        }
    }

    @Test
    void conflictsAreRetriedWithOnConflictRetry() {
        try (SinkScenario sink = SinkScenario.create(STACK, "conflict-retry", 1)) {
            sink.with("on.conflict", "retry").start();
            simulator().faults().failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.CONFLICT, 3);

            LedgerEntry outcome = sink.awaitOutcome(sink.send("conflict-retry-1", request(DOMAIN, SALES)));

            assertThat(outcome.outcome()).isEqualTo(Outcome.RUN_STARTED);
            assertThat(sink.startCallsFor("conflict-retry-1")).extracting(RecordedCall::httpStatus)
                    .containsExactly(409, 409, 409, 200);
            assertThat(sink.runsFor("conflict-retry-1")).isEqualTo(1);
        }
    }

    @Test
    void conflictsFailAtOnceWithOnConflictFail() {
        try (SinkScenario sink = SinkScenario.create(STACK, "conflict-fail", 1)) {
            sink.with("on.conflict", "fail").start();
            simulator().faults().failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.CONFLICT, 1);

            LedgerEntry outcome = sink.awaitOutcome(sink.send("conflict-fail-1", request(DOMAIN, SALES)));

            assertThat(outcome.outcome()).isEqualTo(Outcome.RUN_START_FAILED);
            assertThat(outcome.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
            assertThat(sink.startCallsFor("conflict-fail-1")).hasSize(1);
            assertThat(sink.runsFor("conflict-fail-1")).isZero();
        }
    }

    @Test
    void aThrottlingBurstLongerThanTheSdkRetriesIsAbsorbedWithoutDuplicateRuns() {
        try (SinkScenario sink = SinkScenario.create(STACK, "throttled", 1)) {
            // one call at a time: each call meets SDK_MAX_ATTEMPTS throttles in a row before the SDK gives up
            sink.with("max.in.flight.requests", "1").start();
            simulator().faults()
                    .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.THROTTLING, 10)
                    // the call takes effect but its answer is lost: the retry must find the run, not start another
                    .dropResponseNext(Operation.START_DATA_SOURCE_RUN, 1);
            List<String> keys = IntStream.rangeClosed(1, 6).mapToObj(i -> "throttled-" + i).toList();
            keys.forEach(key -> sink.send(key, request(DOMAIN, key.endsWith("1") ? SALES : ORDERS)));

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();

            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(keys).allSatisfy(key -> assertThat(sink.runsFor(key)).as("runs for %s", key).isEqualTo(1));
            List<RecordedCall> throttled = simulator().introspection().calls(Operation.START_DATA_SOURCE_RUN).stream()
                    .filter(call -> call.httpStatus() == ServiceError.THROTTLING.httpStatus())
                    .filter(call -> call.clientToken().filter(keys::contains).isPresent())
                    .toList();
            assertThat(throttled).hasSize(10);
            assertThat(keys).as("requests the SDK gave up on after %d throttles, then started by the connector",
                    SDK_MAX_ATTEMPTS).filteredOn(key -> throttled.stream()
                            .filter(call -> call.clientToken().orElseThrow().equals(key)).count() >= SDK_MAX_ATTEMPTS)
                    .isNotEmpty();
        }
    }

    @Test
    void malformedRecordsReachTheDeadLetterQueueWithReadableHeadersAndTheTaskKeepsRunning() {
        try (SinkScenario sink = SinkScenario.create(STACK, "malformed", 1)) {
            String deadLetters = sink.name() + "-dlq";
            sink.with("errors.tolerance", "all")
                    .with("errors.deadletterqueue.topic.name", deadLetters)
                    .with("errors.deadletterqueue.topic.replication.factor", "1")
                    .with("errors.deadletterqueue.context.headers.enable", "true")
                    .start();

            Sent notJson = sink.send("malformed-not-json", "this is not JSON");
            Sent noDataSource = sink.send("malformed-no-source", "{\"domainIdentifier\":\"" + DOMAIN + "\"}");
            Sent badId = sink.send("malformed-bad-id", request(DOMAIN, "spaces are not allowed"));
            Sent noKey = sink.send(null, request(DOMAIN, SALES));
            Sent valid = sink.send("malformed-then-valid", request(DOMAIN, SALES));

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            Map<Sent, String> problems = Map.of(notJson, "not valid JSON", noDataSource, "dataSourceIdentifier",
                    badId, "dataSourceIdentifier", noKey, "no key");
            problems.forEach((request, problem) -> {
                LedgerEntry entry = outcomes.get(request);
                assertThat(entry.outcome()).isEqualTo(Outcome.RUN_START_FAILED);
                assertThat(entry.error().errorType()).isEqualTo("VALIDATION_EXCEPTION");
                assertThat(entry.error().errorDetail()).contains(problem);
            });
            assertThat(outcomes.get(valid).outcome()).isEqualTo(Outcome.RUN_STARTED);
            assertThat(simulator().introspection().calls(Operation.START_DATA_SOURCE_RUN))
                    .noneMatch(call -> call.clientToken().filter(t -> t.startsWith("malformed-n")
                            || t.equals("malformed-bad-id")).isPresent());

            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            STACK.consume(problems.size(), SinkScenario.TIMEOUT, deadLetters).forEach(dead::add);
            assertThat(dead).hasSize(problems.size());
            ConsumerRecord<byte[], byte[]> first = dead.get(0);
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("this is not JSON");
            assertThat(header(first, "__connect.errors.topic")).isEqualTo(sink.requestTopic());
            assertThat(header(first, "__connect.errors.offset"))
                    .isEqualTo(Long.toString(notJson.coordinates().offset()));
            assertThat(header(first, "__connect.errors.exception.class.name"))
                    .isEqualTo(InvalidRequestException.class.getName());
            assertThat(header(first, "__connect.errors.exception.message")).contains("not valid JSON");
            assertThat(header(first, "__connect.errors.stage")).isEqualTo("TASK_PUT");
            assertThat(header(first, "__connect.errors.connector.name")).isEqualTo(sink.name());
            assertThat(dead).extracting(r -> header(r, "__connect.errors.offset")).containsExactly(
                    Long.toString(notJson.coordinates().offset()), Long.toString(noDataSource.coordinates().offset()),
                    Long.toString(badId.coordinates().offset()), Long.toString(noKey.coordinates().offset()));

            Sent later = sink.send("malformed-later", request(DOMAIN, ORDERS));
            assertThat(sink.awaitOutcome(later).outcome()).isEqualTo(Outcome.RUN_STARTED);
            sink.awaitRunning();
        }
    }

    @Test
    void tombstonesAreSkippedWithoutAnOutcomeAndTheirOffsetsCommitted() {
        try (SinkScenario sink = SinkScenario.create(STACK, "tombstones", 1)) {
            sink.start();
            sink.send("tombstones-1", request(DOMAIN, SALES));
            sink.send("tombstones-2", null);
            sink.send("tombstones-3", request(DOMAIN, ORDERS));
            sink.send("tombstones-4", null);

            sink.awaitEveryOutcome();
            sink.awaitOffsetsCommittedToTheEnd();

            assertThat(sink.ledgerEntries()).extracting(LedgerEntry::clientToken)
                    .containsExactlyInAnyOrder("tombstones-1", "tombstones-3");
            assertThat(sink.startCallsFor("tombstones-2")).isEmpty();
            assertThat(sink.startCallsFor("tombstones-4")).isEmpty();
        }
    }

    @Test
    void aTopicRenamingTransformKeepsTheOriginalCoordinatesForTheLedgerAndTheOffsets() {
        try (SinkScenario sink = SinkScenario.create(STACK, "renamed", 1)) {
            sink.with("transforms", "rename")
                    .with("transforms.rename.type", RegexRouter.class.getName())
                    .with("transforms.rename.regex", ".*")
                    .with("transforms.rename.replacement", "renamed-by-transform")
                    .start();

            LedgerEntry outcome = sink.awaitOutcome(sink.send("renamed-1", request(DOMAIN, SALES)));

            assertThat(outcome.outcome()).isEqualTo(Outcome.RUN_STARTED);
            assertThat(outcome.requestTopic()).isEqualTo(sink.requestTopic());
            // offsets of the renamed topic would not be committed at all
            sink.awaitOffsetsCommittedToTheEnd();
        }
    }

    @Test
    void aFullBufferPausesConsumptionUntilOutcomesAreWritten() {
        int buffered = 3;
        try (SinkScenario sink = SinkScenario.create(STACK, "backpressure", 1)) {
            sink.with("max.buffered.records", Integer.toString(buffered))
                    .with("max.in.flight.requests", "10")
                    // one record per put(), so the task sees the buffer fill record by record
                    .with("consumer.override.max.poll.records", "1")
                    .start();
            simulator().faults().delayNext(Operation.START_DATA_SOURCE_RUN, Duration.ofSeconds(4), buffered);
            List<String> keys = IntStream.rangeClosed(1, 8).mapToObj(i -> "backpressure-" + i).toList();
            keys.forEach(key -> sink.send(key, request(DOMAIN, SALES)));

            // the first calls take effect at once and answer late; meanwhile the paused task takes nothing more
            await("the buffer's requests reach DataZone").until(() -> startedRuns(keys) == buffered);
            await("no further request while paused").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> startedRuns(keys) == buffered);
            assertThat(JmxTaskMetrics.read("backpressure", "consumption-pauses-total", "")).isPositive();

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(keys).allSatisfy(key -> assertThat(sink.runsFor(key)).isEqualTo(1));
        }
    }

    @Test
    void partitionsAssignedWhileTheBufferIsFullStayPaused() {
        int buffered = 2;
        try (SinkScenario sink = SinkScenario.create(STACK, "paused-rebalance", 1)) {
            sink.with("max.buffered.records", Integer.toString(buffered))
                    .with("consumer.override.max.poll.records", "1")
                    // the consumer sees the new partition, and rebalances, within a second
                    .with("consumer.override.metadata.max.age.ms", "500")
                    .start();
            simulator().faults().delayNext(Operation.START_DATA_SOURCE_RUN, Duration.ofSeconds(8), buffered);
            List<String> first = List.of("paused-rebalance-1", "paused-rebalance-2");
            first.forEach(key -> sink.send(0, key, request(DOMAIN, SALES)));
            await("the buffer fills").until(() -> startedRuns(first) == buffered);

            sink.increasePartitions(2);
            List<String> later = IntStream.rangeClosed(3, 5).mapToObj(i -> "paused-rebalance-" + i).toList();
            later.forEach(key -> sink.send(1, key, request(DOMAIN, ORDERS)));

            await("nothing taken from the new partition while paused").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5)).until(() -> startedRuns(later) == 0);
            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes).hasSize(5);
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
        }
    }

    @Test
    void dispatcherLogLinesCarryTheConnectorContextAndNoSecretIsLogged() throws IOException {
        try (SinkScenario sink = SinkScenario.create(STACK, "logged", 1)) {
            sink.start();
            simulator().faults().failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 1);

            sink.awaitOutcome(sink.send("logged-1", request(DOMAIN, SALES)));

            List<String> log = Files.readAllLines(testLog());
            assertThat(log).filteredOn(line -> line.contains("Could not start a run") && line.contains("logged-1"))
                    .singleElement().satisfies(line -> assertThat(line).contains("[logged|task-0]"));
            assertThat(log).filteredOn(line -> line.contains(SinkScenario.SECRET_ACCESS_KEY)
                            || line.contains(SinkScenario.ACCESS_KEY_ID))
                    .extracting(line -> line.replace(SinkScenario.SECRET_ACCESS_KEY, "<secret access key>")
                            .replace(SinkScenario.ACCESS_KEY_ID, "<access key id>"))
                    .as("log lines that carry a credential").isEmpty();
        }
    }

    private static Path testLog() {
        return Path.of(System.getProperty("basedir", "."), "target", "test-logs", "tests.log");
    }

    private long startedRuns(List<String> keys) {
        return simulator().introspection().runs().stream()
                .filter(run -> run.clientToken().filter(keys::contains).isPresent())
                .count();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static DataZoneSimulator simulator() {
        return STACK.service(SimulatorService.class).simulator();
    }
}
