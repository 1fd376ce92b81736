package io.kcdatazone.source;

import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.simulator.Outcome;
import io.kcdatazone.simulator.Seed;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.SimulatorService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * The sink and source connectors wired together on a {@link KafkaConnectStack} with the DataZone simulator: requests go
 * in on a request topic, outcomes through a ledger topic, events out on an output topic in Avro via the registry.
 *
 * <p>The simulator runs on a {@link ManualClock}: runs stay REQUESTED for {@link #REQUESTED_FOR} and RUNNING for
 * {@link #RUNNING_FOR} of that clock, so a test moves every run to its next status by advancing it, without sleeping.
 */
final class Pipeline {

    static final String DOMAIN = "dzd_e2e";
    static final Duration REQUESTED_FOR = Duration.ofSeconds(2);
    static final Duration RUNNING_FOR = Duration.ofSeconds(5);
    static final List<Outcome> OUTCOMES = List.of(Outcome.SUCCESS, Outcome.PARTIALLY_SUCCEEDED, Outcome.FAILED);
    static final long POLL_INTERVAL_MS = 200;
    static final long POLL_INTERVAL_MAX_MS = 800;

    private final KafkaConnectStack stack;
    private final String name;
    private final Map<String, String> settings = new HashMap<>();
    private final Map<String, String> sinkSettings = new HashMap<>();
    private final Map<String, String> sourceSettings = new HashMap<>();
    private int ledgerPartitions;
    private int sourceTasks;

    Pipeline(KafkaConnectStack stack, String name) {
        this.stack = stack;
        this.name = name;
    }

    /** Sets (or replaces) a setting of both connectors, e.g. other credentials or another ledger cluster. */
    Pipeline with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Sets (or replaces) a setting of the sink connector only, e.g. its error handling. */
    Pipeline withSink(String key, String value) {
        sinkSettings.put(key, value);
        return this;
    }

    /** Sets (or replaces) a setting of the source connector only, e.g. its status poll interval. */
    Pipeline withSource(String key, String value) {
        sourceSettings.put(key, value);
        return this;
    }

    /** The simulator the pipelines of a test class share: {@code dataSources} data sources, no run quota. */
    static SimulatorService simulator(ManualClock clock, int dataSources) {
        return new SimulatorService(SimulatorOptions.builder()
                .clock(clock)
                .seed(seed(dataSources))
                // Many requests per data source start at once; DataZone would answer ConflictException for all but
                // the first until it ends, which the sink retries, but the runs would then queue up one by one.
                .startsEveryRun()
                .build());
    }

    static ManualClock clock() {
        return new ManualClock(Instant.parse("2026-03-02T10:00:00Z"));
    }

    /** {@code ds_00}, {@code ds_01}, ...: outcomes SUCCESS, PARTIALLY_SUCCEEDED, FAILED in turn. */
    static Seed seed(int dataSources) {
        return seed(dataSources, REQUESTED_FOR, RUNNING_FOR);
    }

    /** As {@link #seed(int)}, with runs that stay REQUESTED and RUNNING as long as given. */
    static Seed seed(int dataSources, Duration requestedFor, Duration runningFor) {
        return seed(dataSources, index -> requestedFor, runningFor);
    }

    /** As {@link #seed(int)}, with runs that stay REQUESTED as long as their data source's index says. */
    static Seed seed(int dataSources, IntFunction<Duration> requestedFor, Duration runningFor) {
        List<Seed.DataSource> sources = new ArrayList<>();
        for (int i = 0; i < dataSources; i++) {
            sources.add(new Seed.DataSource(dataSourceId(i), "Data source " + i, "GLUE", "db_" + i,
                    List.of(outcomeOf(i)), requestedFor.apply(i), runningFor, 10, "ACCESS_DENIED_EXCEPTION",
                    "Insufficient Lake Formation permissions"));
        }
        return new Seed("123456789012", "us-east-1", List.of(new Seed.Domain(DOMAIN, "End-to-end domain",
                List.of(new Seed.Project("e2e_project", "End-to-end project", sources)))));
    }

    static String dataSourceId(int index) {
        return String.format("ds_%02d", index);
    }

    static Outcome outcomeOf(int dataSourceIndex) {
        return OUTCOMES.get(dataSourceIndex % OUTCOMES.size());
    }

    String requestTopic() {
        return name + "-requests";
    }

    String ledgerTopic() {
        return name + "-ledger";
    }

    String outputTopic() {
        return name + "-events";
    }

    String sinkName() {
        return name + "-sink";
    }

    String sourceName() {
        return name + "-source";
    }

    /** Creates the topics and starts both connectors, the source in exactly-once mode. */
    void start(int ledgerPartitions, int outputPartitions, int sinkTasks, int sourceTasks) {
        startSink(ledgerPartitions, sinkTasks);
        createSource(ledgerPartitions, outputPartitions, sourceTasks);
        awaitSourceRunning();
    }

    /** Creates the request topic and starts the sink connector alone. */
    void startSink(int ledgerPartitions, int sinkTasks) {
        this.ledgerPartitions = ledgerPartitions;
        stack.createTopic(requestTopic(), 3);
        Map<String, String> sink = common(ledgerPartitions);
        sink.put("connector.class", DataSourceRunSinkConnector.class.getName());
        sink.put("tasks.max", String.valueOf(sinkTasks));
        sink.put("topics", requestTopic());
        sink.put("value.converter", StringConverter.class.getName());
        sink.put("datazone.requests.per.second", "0");
        sink.putAll(sinkSettings);
        stack.connect().configureConnector(sinkName(), sink);
        stack.awaitConnectorRunning(sinkName(), sinkTasks, Duration.ofSeconds(60));
    }

    /**
     * Creates the output topic and the source connector, in exactly-once mode, without waiting for it to run: after
     * {@link #startSink}, or alone on a ledger topic that exists, for a source that is to fail.
     */
    void createSource(int ledgerPartitions, int outputPartitions, int sourceTasks) {
        this.ledgerPartitions = ledgerPartitions;
        this.sourceTasks = sourceTasks;
        stack.createTopic(outputTopic(), outputPartitions);
        configureSource();
    }

    /** Deletes and creates the source connector again, so Connect assigns its tasks anew. */
    void recreateSource() {
        stack.connect().deleteConnector(sourceName());
        configureSource();
        awaitSourceRunning();
    }

    private void configureSource() {
        stack.connect().configureConnector(sourceName(), sourceConfig(ledgerPartitions, sourceTasks));
    }

    private void awaitSourceRunning() {
        stack.awaitConnectorRunning(sourceName(), Math.min(sourceTasks, ledgerPartitions), Duration.ofSeconds(60));
    }

    private Map<String, String> sourceConfig(int ledgerPartitions, int tasks) {
        Map<String, String> source = common(ledgerPartitions);
        source.put("connector.class", DataSourceRunSourceConnector.class.getName());
        source.put("tasks.max", String.valueOf(tasks));
        source.put("output.topic", outputTopic());
        source.put("status.poll.interval.ms", String.valueOf(POLL_INTERVAL_MS));
        source.put("status.poll.interval.max.ms", String.valueOf(POLL_INTERVAL_MAX_MS));
        source.put("exactly.once.support", "required");
        source.put("transaction.boundary", "poll");
        source.putAll(stack.avroConverterProperties("value.converter"));
        source.putAll(sourceSettings);
        return source;
    }

    private Map<String, String> common(int ledgerPartitions) {
        Map<String, String> config = new HashMap<>();
        config.put("key.converter", StringConverter.class.getName());
        config.put("datazone.region", "us-east-1");
        config.put("datazone.endpoint.override",
                stack.service(SimulatorService.class).simulator().endpoint().toString());
        config.put("aws.access.key.id", "AKIAE2ETESTONLY");
        config.put("aws.secret.access.key", "e2e-test-only-secret");
        config.put("ledger.topic", ledgerTopic());
        config.put("ledger.bootstrap.servers", stack.bootstrapServers());
        config.put("ledger.topic.partitions", String.valueOf(ledgerPartitions));
        config.put("ledger.topic.replication.factor", "1");
        config.putAll(settings);
        return config;
    }

    /** A run request for a data source of the seed's domain (or any id, for one that does not exist). */
    void request(String key, String dataSourceId) {
        stack.produce(requestTopic(), key, requestValue(dataSourceId));
    }

    /** A run request carrying {@code headers}, with {@code value} as the record value. */
    void request(String key, String value, Map<String, String> headers) {
        stack.produce(requestTopic(), key, value, headers);
    }

    /** The value of a run request record for a data source of the seed's domain. */
    static String requestValue(String dataSourceId) {
        return "{\"domainIdentifier\": \"" + DOMAIN + "\", \"dataSourceIdentifier\": \"" + dataSourceId + "\"}";
    }

    OutputTopicReader<ObservedEvent> reader(int outputPartitions) {
        return reader(outputTopic(), outputPartitions);
    }

    /** A reader of another topic the source writes to, such as one a transform routes events to. */
    OutputTopicReader<ObservedEvent> reader(String topic, int partitions) {
        return new OutputTopicReader<>(stack.bootstrapServers(), stack.clientSettings(), topic, partitions,
                stack.confluentWireFormat(), ObservedEvent::of);
    }

    void delete() {
        stack.connect().deleteConnector(sourceName());
        stack.connect().deleteConnector(sinkName());
    }
}
