package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "One result event per request record" holds however much the sink redelivers: here every request of an hour's
 * traffic (scaled down to 4,500 records, more than the source remembers of results above the sink's progress marks,
 * {@link LedgerPartitionState#MAX_RESULTS_ABOVE_MARKS}, so only the marks can keep it exact) is delivered to the sink a
 * second time, as an operator resetting the sink's offsets or a sink that lost its commits would cause.
 */
class RedeliveryDeduplicationTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int DATA_SOURCES = 20;

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(Pipeline.simulator(CLOCK, DATA_SOURCES))
            .build();

    private Pipeline pipeline;

    @AfterEach
    void deleteConnectors() {
        if (pipeline != null) {
            pipeline.delete();
        }
    }

    @Test
    void redeliveringAnHourOfRequestsPublishesNoSecondResultAndNoRepeatedStatus() {
        int batches = 15;
        int perBatch = 300;
        int requests = batches * perBatch;
        pipeline = new Pipeline(STACK, "redeliver");
        // One ledger partition, so all the requests meet one source state and its memory.
        pipeline.start(1, 1, 1, 1);
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            for (int batch = 0; batch < batches; batch++) {
                for (int i = batch * perBatch; i < (batch + 1) * perBatch; i++) {
                    pipeline.request(String.format("hour-%05d", i), Pipeline.dataSourceId(i % DATA_SOURCES));
                }
                int expected = (batch + 1) * perBatch;
                reader.awaitEvents(expected + " results",
                        all -> ObservedEvent.count(all, ObservedEvent::isResult) == expected, TIMEOUT);
                CLOCK.advance(Pipeline.REQUESTED_FOR.plus(Pipeline.RUNNING_FOR));
                reader.awaitEvents(expected + " runs ended", all -> ObservedEvent.count(all,
                        e -> e.isStatusChange() && !"RUNNING".equals(e.status())) == expected, TIMEOUT);
            }
            awaitSinkCommitted(requests);

            // Every request again: the sink's consumer group starts over from the beginning of the request topic.
            String sink = pipeline.sinkName();
            STACK.connect().stopConnector(sink);
            Awaitility.await("sink stopped").atMost(TIMEOUT).ignoreExceptions().until(() ->
                    "STOPPED".equals(STACK.connect().connectorStatus(sink).connector().state()));
            STACK.connect().resetConnectorOffsets(sink);
            STACK.connect().resumeConnector(sink);
            awaitSinkCommitted(requests);
            // The ledger has one partition, read in order: once this request's result is out, the source has handled
            // every redelivered outcome before it.
            pipeline.request("hour-sentinel", Pipeline.dataSourceId(0));
            reader.awaitEvents("the sentinel's result", all -> all.stream()
                    .anyMatch(e -> e.isResult() && "hour-sentinel".equals(e.key())), TIMEOUT);
            List<ObservedEvent> events = reader.readFor(Duration.ofSeconds(3));

            Map<String, Long> resultsPerRequest = events.stream().filter(ObservedEvent::isResult)
                    .collect(Collectors.groupingBy(ObservedEvent::key, Collectors.counting()));
            Map<String, Long> repeatedStatuses = events.stream().filter(ObservedEvent::isStatusChange)
                    .collect(Collectors.groupingBy(ObservedEvent::eventId, Collectors.counting()));
            repeatedStatuses.values().removeIf(count -> count == 1);
            long results = ObservedEvent.count(events, ObservedEvent::isResult);
            long statuses = ObservedEvent.count(events, ObservedEvent::isStatusChange);
            System.out.printf("%d requests redelivered: %d result events (%d requests with more than one), %d status"
                    + " events (%d repeated)%n", requests + 1, results,
                    resultsPerRequest.values().stream().filter(count -> count > 1).count(), statuses,
                    repeatedStatuses.size());
            assertThat(resultsPerRequest).as("requests").hasSize(requests + 1);
            assertThat(resultsPerRequest.values()).as("result events per request").containsOnly(1L);
            assertThat(repeatedStatuses).as("status events published more than once").isEmpty();
        }
    }

    /** Waits until the sink's committed offsets cover {@code requests} records over the request topic's partitions. */
    private void awaitSinkCommitted(int requests) {
        Awaitility.await("the sink commits " + requests + " requests").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> STACK.connect().connectorOffsets(pipeline.sinkName()).offsets().stream()
                        .mapToLong(offset -> ((Number) offset.offset().get("kafka_offset")).longValue())
                        .sum() == requests);
    }
}
