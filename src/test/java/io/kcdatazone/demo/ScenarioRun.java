package io.kcdatazone.demo;

import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RecordedCall;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Produces the {@link Scenario}'s requests to a running {@link DemoStack}, prints the events as they come, then a
 * summary, and says what never came.
 */
final class ScenarioRun {

    private final DemoStack stack;
    private final EventFeed feed;
    private final PrintStream out;
    private final Scenario scenario = new Scenario();

    ScenarioRun(DemoStack stack, EventFeed feed, PrintStream out) {
        this.stack = stack;
        this.feed = feed;
        this.out = out;
    }

    /**
     * @return what was expected but did not come within {@code timeout}; empty when all came
     */
    List<String> run(Duration timeout) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (Scenario.Request request : scenario.requests()) {
                producer.send(new ProducerRecord<>(stack.topics().request(), request.key(), request.value())).get();
                out.printf("request %-18s %s%n", request.key(), request.value());
            }
        }
        out.println();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> missing = scenario.missing(feed.events(), feed.dlqEntries());
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            feed.poll(Duration.ofMillis(500));
            missing = scenario.missing(feed.events(), feed.dlqEntries());
        }
        List<String> unmet = new ArrayList<>(missing);
        out.println();
        out.println("summary: requests=" + scenario.requests().size() + " runs-started=" + feed.runsStarted()
                + " events=" + feed.eventsByType() + " dlq=" + feed.dlqEntries());
        stack.simulator().ifPresent(simulator -> unmet.addAll(checkDataZoneSide(simulator, out)));
        return unmet;
    }

    /** What the simulator saw: the calls, and that the repeated key started one run only. */
    private static List<String> checkDataZoneSide(DataZoneSimulator simulator, PrintStream out) {
        Map<String, Long> answers = new TreeMap<>();
        for (RecordedCall call : simulator.introspection().calls(Operation.START_DATA_SOURCE_RUN)) {
            answers.merge(call.errorType().orElse(String.valueOf(call.httpStatus())), 1L, Long::sum);
        }
        int runsOfRepeatedKey = simulator.introspection().runsForClientToken(Scenario.REPEATED_KEY).size();
        out.println("datazone: StartDataSourceRun answers=" + answers + " runs="
                + simulator.introspection().runs().size() + " runs-for-" + Scenario.REPEATED_KEY + "="
                + runsOfRepeatedKey);
        return runsOfRepeatedKey == 1 ? List.of()
                : List.of("one DataZone run for the repeated key " + Scenario.REPEATED_KEY + ", found "
                        + runsOfRepeatedKey);
    }
}
