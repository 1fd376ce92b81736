package io.kcdatazone.sink;

import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.ORDERS;
import static io.kcdatazone.sink.SinkScenario.REDSHIFT;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.await;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerEntry.Outcome;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.sink.SinkScenario.Sent;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink's guarantees across restarts and tasks, on two Connect workers: one key starts one run whatever is
 * redelivered, no request is lost when a task stops with calls in flight, committed offsets never pass a request whose
 * outcome is not in the ledger, and three tasks over six partitions behave like one.
 */
class SinkConnectorDurabilityTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workers(2)
            .service(SimulatorService.startingEveryRun())
            .build();

    @AfterEach
    void clearFaults() {
        simulator().faults().clear();
    }

    @Test
    void theSameKeyStartsOneRunAcrossTaskAndConnectorRestarts() {
        try (SinkScenario sink = SinkScenario.create(STACK, "restarts", 1)) {
            sink.start();
            String key = "restarts-same-key";
            // not a verbatim token: it maps to a hash, which must be just as stable
            String hashedKey = "restarts-straße-" + "x".repeat(120);
            String hashedToken = ClientTokens.fromKey(hashedKey);

            sendBoth(sink, key, hashedKey);
            sink.awaitEveryOutcome();
            STACK.restartTask(sink.name(), 0);
            sink.awaitRunning();
            sendBoth(sink, key, hashedKey);
            sink.awaitEveryOutcome();
            STACK.connect().restartConnectorAndTasks(sink.name(), false, true, false);
            sink.awaitRunning();
            sendBoth(sink, key, hashedKey);

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes).hasSize(6);
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(hashedToken).startsWith("k1-");
            for (String token : List.of(key, hashedToken)) {
                assertThat(sink.runsFor(token)).as("runs for %s", token).isEqualTo(1);
                assertThat(outcomes.values()).filteredOn(e -> e.clientToken().equals(token)).hasSize(3)
                        .extracting(e -> e.run().id()).containsOnly(onlyRunId(token));
                assertThat(sink.startCallsFor(token)).as("each delivery asks DataZone again").hasSize(3);
            }
            sink.awaitOffsetsCommittedToTheEnd();
        }
    }

    private static void sendBoth(SinkScenario sink, String key, String hashedKey) {
        sink.send(key, request(DOMAIN, SALES));
        sink.send(hashedKey, request(DOMAIN, ORDERS));
    }

    @Test
    void aTaskStoppedWithCallsInFlightLosesNoRequestAndStartsNoRunTwice() {
        int requests = 16;
        try (SinkScenario sink = SinkScenario.create(STACK, "in-flight", 2)) {
            sink.with("max.in.flight.requests", "64").start();
            // DataZone takes every call at once but answers only after the task is gone
            simulator().faults().delayNext(Operation.START_DATA_SOURCE_RUN, Duration.ofSeconds(6), requests);
            List<String> keys = IntStream.rangeClosed(1, requests).mapToObj(i -> "in-flight-" + i).toList();
            keys.forEach(key -> sink.send(key, request(DOMAIN, key.hashCode() % 2 == 0 ? SALES : REDSHIFT)));

            await("every call has taken effect").until(() -> keys.stream().allMatch(key -> sink.runsFor(key) == 1));
            assertThat(sink.ledgerEntries()).as("no answer has arrived yet").isEmpty();
            sink.assertCommittedOffsetsPassOnlyRecordedOutcomes();

            STACK.restartTask(sink.name(), 0);
            sink.awaitRunning();

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(keys).allSatisfy(key -> {
                assertThat(sink.runsFor(key)).as("runs for %s", key).isEqualTo(1);
                assertThat(outcomes.values()).filteredOn(e -> e.clientToken().equals(key))
                        .extracting(e -> e.run().id()).containsOnly(onlyRunId(key));
            });
            await("the stopped task's calls are answered too, and the restarted task asked again")
                    .until(() -> keys.stream().allMatch(key -> sink.startCallsFor(key).size() == 2));
            assertThat(keys).allSatisfy(key -> assertThat(sink.runsFor(key)).isEqualTo(1));
            sink.awaitOffsetsCommittedToTheEnd();
            sink.assertCommittedOffsetsPassOnlyRecordedOutcomes();
        }
    }

    @Test
    void threeTasksOverSixPartitionsOnTwoWorkersStartOneRunPerKey() {
        int keys = 30;
        try (SinkScenario sink = SinkScenario.create(STACK, "scaled", 6)) {
            sink.with("tasks.max", "3").start();
            await("tasks on both workers").ignoreExceptions().until(() -> workersOf(sink.name()) == 2);

            // each key twice, on partitions owned by different tasks, so two tasks may ask for one key at once
            List<String> tokens = IntStream.range(0, keys).mapToObj(i -> "scaled-" + i).toList();
            for (int i = 0; i < keys; i++) {
                String value = request(DOMAIN, List.of(SALES, ORDERS, REDSHIFT).get(i % 3));
                sink.send(i % 6, tokens.get(i), value);
                sink.send((i + 3) % 6, tokens.get(i), value);
            }

            Map<Sent, LedgerEntry> outcomes = sink.awaitEveryOutcome();
            assertThat(outcomes).hasSize(2 * keys);
            assertThat(outcomes.values()).extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(tokens).allSatisfy(token -> {
                assertThat(sink.runsFor(token)).as("runs for %s", token).isEqualTo(1);
                assertThat(outcomes.values()).filteredOn(e -> e.clientToken().equals(token))
                        .extracting(e -> e.run().id()).containsOnly(onlyRunId(token));
            });
            Map<String, List<Integer>> partitionsByDataSource = sink.ledger().records().stream()
                    .collect(Collectors.groupingBy(LedgerReader.Written::key,
                            Collectors.mapping(LedgerReader.Written::partition, Collectors.toList())));
            assertThat(partitionsByDataSource).containsOnlyKeys(DOMAIN + "/" + SALES, DOMAIN + "/" + ORDERS,
                    DOMAIN + "/" + REDSHIFT);
            assertThat(partitionsByDataSource.values()).allSatisfy(partitions ->
                    assertThat(partitions).as("one ledger partition per data source").containsOnly(partitions.get(0)));
            sink.awaitOffsetsCommittedToTheEnd();
        }
    }

    @Test
    void aRevokedPartitionsRetryingRequestGetsNoOutcomeFromItsOldCopy() {
        long retryTimeoutMs = 6_000;
        try (SinkScenario sink = SinkScenario.create(STACK, "revoked", 2)) {
            sink.with("tasks.max", "2").with("retry.backoff.ms", "100").with("retry.backoff.max.ms", "100")
                    .with("retry.timeout.ms", Long.toString(retryTimeoutMs)).start();
            // The data source stays busy until the test says otherwise.
            simulator().faults().failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.CONFLICT, 100_000);
            Sent request = sink.send(1, "revoked-1", request(DOMAIN, SALES));
            await("the request is retrying").until(() -> sink.startCallsFor("revoked-1").size() >= 2);
            long firstAttemptNanos = System.nanoTime();
            int owner = await("the request partition's owner").ignoreExceptions()
                    .until(() -> sink.taskOwning(1), Optional::isPresent).get();

            // The other task's consumer leaves and rejoins the group: the owner's partitions are revoked (without
            // stopping it) and assigned again, and the request is redelivered while its first copy still retries.
            STACK.restartTask(sink.name(), 1 - owner);
            sink.awaitRunning();
            await("the first copy's retry deadline has passed").atMost(Duration.ofSeconds(30))
                    .until(() -> System.nanoTime() - firstAttemptNanos > Duration.ofMillis(retryTimeoutMs).toNanos());
            simulator().faults().clear();

            sink.awaitEveryOutcome();
            assertThat(sink.outcomesOf(request)).as("a copy that gave up would have written RUN_START_FAILED")
                    .extracting(LedgerEntry::outcome).containsOnly(Outcome.RUN_STARTED);
            assertThat(sink.runsFor("revoked-1")).isEqualTo(1);
            sink.awaitOffsetsCommittedToTheEnd();
        }
    }

    private static long workersOf(String connector) {
        ConnectorStateInfo status = STACK.connect().connectorStatus(connector);
        return status.tasks().stream().map(ConnectorStateInfo.TaskState::workerId).distinct().count();
    }

    private static String onlyRunId(String clientToken) {
        return simulator().introspection().runsForClientToken(clientToken).get(0).runId();
    }

    private static DataZoneSimulator simulator() {
        return STACK.service(SimulatorService.class).simulator();
    }
}
