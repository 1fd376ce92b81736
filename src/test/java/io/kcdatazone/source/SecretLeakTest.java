package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.ScriptedHttpServer;
import io.kcdatazone.datazone.Stubs;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.ServiceError;
import io.kcdatazone.sink.DataSourceRunSinkConnector;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SaslKafkaService;
import io.kcdatazone.testkit.SecretScan;
import io.kcdatazone.testkit.SimulatorService;
import io.kcdatazone.testkit.TopicDump;
import io.kcdatazone.testkit.OutputTopicReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs both connectors with recognisable secrets (static keys with a session token that assume a role with an
 * external id through an STS stand-in, and a SASL password for the ledger cluster), through throttling, permanent
 * errors, an unknown data source, a malformed record and a connector whose role is refused; then looks for the secrets
 * everywhere the connectors write: every log line, every record of every topic of both clusters except Connect's
 * config topic, every status trace the REST API shows, and the simulator's record.
 */
class SecretLeakTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final String ACCESS_KEY_ID = "AKIALEAKTESTACCESS01";
    private static final String SECRET_ACCESS_KEY = "leaktest-secret-access-key-3f9a0c";
    private static final String SESSION_TOKEN = "leaktest-session-token-b7d41e";
    private static final String EXTERNAL_ID = "leaktest-external-id-52ce8a";
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/datazone-runs";

    private static final String CONFIG_TOPIC = "leak-connect-configs";
    private static final String OFFSETS_TOPIC = "leak-connect-offsets";
    private static final String STATUS_TOPIC = "leak-connect-status";

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .workerProperty(DistributedConfig.CONFIG_TOPIC_CONFIG, CONFIG_TOPIC)
            .workerProperty(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG, OFFSETS_TOPIC)
            .workerProperty(DistributedConfig.STATUS_STORAGE_TOPIC_CONFIG, STATUS_TOPIC)
            .service(Pipeline.simulator(CLOCK, 6))
            .service(new SaslKafkaService())
            .build();

    private static ScriptedHttpServer sts;
    private static ScriptedHttpServer refusingSts;

    @BeforeAll
    static void startStsStandIns() throws IOException {
        sts = Stubs.sts();
        // An STS that refuses and, worse than the real one, echoes every secret the caller holds.
        refusingSts = new ScriptedHttpServer(Stubs.stsError(403, "AccessDenied", "Not authorized to assume "
                + ROLE_ARN + " with ExternalId " + EXTERNAL_ID + " for " + ACCESS_KEY_ID + "/" + SESSION_TOKEN));
    }

    @AfterAll
    static void stopStsStandIns() {
        sts.close();
        refusingSts.close();
    }

    @Test
    void noSecretReachesALogLineATopicAStatusTraceOrTheSimulator() {
        SecretScan scan = SecretScan.of(secrets());
        List<String> logLines;
        int traces;
        try (CapturedLog log = CapturedLog.start(Map.of(
                "io.kcdatazone", Level.DEBUG,
                // the clients' and Connect's configuration dumps, silenced in tests.log, are where leaks hide
                "org.apache.kafka.common.config.AbstractConfig", Level.INFO,
                "org.apache.kafka.clients.admin.AdminClientConfig", Level.INFO,
                "org.apache.kafka.clients.consumer.ConsumerConfig", Level.INFO,
                "org.apache.kafka.clients.producer.ProducerConfig", Level.INFO,
                "org.apache.kafka.connect.runtime.distributed.DistributedConfig", Level.INFO))) {
            runTheFlowWithFailures();
            traces = scanStatusTraces(scan); // before the connectors go, and their status with them
            // Stopping is part of the flow: tasks close their clients and log while doing so.
            deleteConnectorsAndAwaitTheirTasksStopped();
            logLines = log.lines();
        }

        for (int i = 0; i < logLines.size(); i++) {
            scan.scan("log line " + i + ": " + scan.masked(firstLine(logLines.get(i))), logLines.get(i));
        }
        scanTopics(scan);
        simulator().introspection().calls().forEach(call -> scan.scan("simulator call " + call.requestId(),
                call.toString()));
        simulator().introspection().runs().forEach(run -> scan.scan("simulator run", run.toString()));

        assertThat(logLines).as("the log captured the connectors' own lines")
                .anyMatch(line -> line.contains("Using AWS credentials from assume-role of " + ROLE_ARN));
        // Every connector and task runs (a refused role fails calls, not the task start): no trace to show.
        assertThat(traces).as("status traces").isZero();
        // docs/security.md's least-privilege policy grants these operations and no other.
        assertThat(simulator().introspection().calls()).extracting(call -> call.operation().apiName())
                .isSubsetOf("StartDataSourceRun", "GetDataSourceRun", "ListDataSourceRuns", "GetDomain");
        assertThat(scan.findings()).as("places a secret was found in, out of %d texts scanned",
                scan.textsScanned()).isEmpty();

        // The config topic holds the connector configurations by design (see docs/security.md for keeping secrets
        // out of it): the same scan finds them there, so it would find a leak elsewhere.
        SecretScan configTopic = SecretScan.of(secrets());
        new TopicDump(STACK.bootstrapServers(), Map.of()).records(CONFIG_TOPIC)
                .forEach(record -> configTopic.scan(CONFIG_TOPIC, record.value()));
        assertThat(configTopic.findings()).anyMatch(finding -> finding.startsWith("secret access key (raw)"))
                .anyMatch(finding -> finding.startsWith("role external id (raw)"))
                .anyMatch(finding -> finding.startsWith("ledger SASL password (raw)"));
    }

    private void runTheFlowWithFailures() {
        SaslKafkaService ledgerCluster = STACK.service(SaslKafkaService.class);
        Pipeline pipeline = new Pipeline(STACK, "leak");
        credentials(sts).forEach(pipeline::with);
        pipeline.with("ledger.bootstrap.servers", ledgerCluster.bootstrapServers());
        SaslKafkaService.clientSettings(SaslKafkaService.USER, SaslKafkaService.PASSWORD)
                .forEach((key, value) -> pipeline.with("ledger.kafka." + key, value));
        pipeline.withSink("errors.tolerance", "all")
                .withSink("errors.deadletterqueue.topic.name", "leak-dlq")
                .withSink("errors.deadletterqueue.topic.replication.factor", "1")
                .withSink("errors.deadletterqueue.context.headers.enable", "true")
                .withSink("errors.log.enable", "true")
                .withSink("errors.log.include.messages", "true");
        pipeline.start(2, 1, 1, 1);
        assertThat(sts.requests()).as("the role was assumed with the external id").anyMatch(request ->
                EXTERNAL_ID.equals(Stubs.formParameters(request).get("ExternalId")));

        simulator().faults()
                .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.THROTTLING, 3)
                .failNext(Operation.START_DATA_SOURCE_RUN, ServiceError.ACCESS_DENIED, 1)
                .failNext(Operation.GET_DATA_SOURCE_RUN, ServiceError.THROTTLING, 2);
        for (int i = 0; i < 4; i++) {
            pipeline.request("leak-" + i, Pipeline.dataSourceId(i));
        }
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            // Only after the faults are used up, so that the unknown data source is DataZone's answer to it.
            reader.awaitEvents("4 results", all -> ObservedEvent.count(all, ObservedEvent::isResult) == 4,
                    TIMEOUT);
            pipeline.request("leak-unknown", "no_such_source");
            STACK.produce(pipeline.requestTopic(), "leak-malformed", "{this is not JSON");
            // A result per request, the malformed one included (and it also goes to the DLQ).
            List<ObservedEvent> events = reader.awaitEvents("6 results",
                    all -> ObservedEvent.count(all, ObservedEvent::isResult) == 6, TIMEOUT);
            assertThat(events).filteredOn(event -> "RUN_START_FAILED".equals(event.eventType()))
                    .extracting(ObservedEvent::errorType).containsExactlyInAnyOrder("VALIDATION_EXCEPTION",
                            "ACCESS_DENIED_EXCEPTION", "RESOURCE_NOT_FOUND_EXCEPTION");
            CLOCK.advance(Pipeline.REQUESTED_FOR);
            reader.awaitEvents("3 runs RUNNING", all -> statusCount(all, "RUNNING") == 3, TIMEOUT);
            CLOCK.advance(Pipeline.RUNNING_FOR);
            reader.awaitEvents("3 runs ended",
                    all -> ObservedEvent.count(all, ObservedEvent::isStatusChange) == 6, TIMEOUT);
        }
        assertThat(STACK.consume(1, TIMEOUT, "leak-dlq")).hasSize(1);
        startARefusedConnector(ledgerCluster);
    }

    /**
     * A sink whose role STS refuses: its task starts (credentials are resolved on the first call) and the request's
     * call fails on the refusal, whose text echoes every secret, on its way to a ledger entry and the log.
     */
    private void startARefusedConnector(SaslKafkaService ledgerCluster) {
        String name = "leak-refused";
        STACK.createTopic(name + "-requests", 1);
        Map<String, String> config = new HashMap<>(credentials(refusingSts));
        config.put("connector.class", DataSourceRunSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", name + "-requests");
        config.put("key.converter", StringConverter.class.getName());
        config.put("value.converter", StringConverter.class.getName());
        config.put("datazone.region", "us-east-1");
        config.put("datazone.endpoint.override", simulator().endpoint().toString());
        // Live validation would refuse the configuration before anything runs.
        config.put("datazone.validate.live", "false");
        config.put("ledger.topic", "leak-ledger");
        config.put("ledger.bootstrap.servers", ledgerCluster.bootstrapServers());
        SaslKafkaService.clientSettings(SaslKafkaService.USER, SaslKafkaService.PASSWORD)
                .forEach((key, value) -> config.put("ledger.kafka." + key, value));
        // Within a second the request ends, whether the refusal counts as permanent or retriable.
        config.put("retry.timeout.ms", "1000");
        STACK.connect().configureConnector(name, config);
        STACK.produce(name + "-requests", "leak-refused-1", "{\"domainIdentifier\": \"dzd_e2e\","
                + " \"dataSourceIdentifier\": \"" + Pipeline.dataSourceId(0) + "\"}");
        TopicDump ledger = new TopicDump(ledgerCluster.bootstrapServers(),
                SaslKafkaService.clientSettings(SaslKafkaService.USER, SaslKafkaService.PASSWORD));
        Awaitility.await(name + "'s request refused into the ledger").atMost(TIMEOUT).until(() ->
                !refusingSts.requests().isEmpty() && ledger.records("leak-ledger").stream().anyMatch(record ->
                        new String(record.value(), StandardCharsets.UTF_8).contains(name + "-requests")));
        assertThat(STACK.connect().connectorStatus(name).tasks()).singleElement()
                .satisfies(task -> assertThat(task.state()).isEqualTo("RUNNING"));
    }

    private void deleteConnectorsAndAwaitTheirTasksStopped() {
        STACK.connect().connectors().forEach(STACK.connect()::deleteConnector);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Awaitility.await("every task stopped").atMost(TIMEOUT).until(() -> STACK.connect().connectors().isEmpty()
                && server.queryNames(new ObjectName("kafka.connect:type=connector-task-metrics,*"), null).isEmpty());
    }

    private void scanTopics(SecretScan scan) {
        Map<String, TopicDump> clusters = Map.of(
                "connect cluster", new TopicDump(STACK.bootstrapServers(), Map.of()),
                "ledger cluster", new TopicDump(STACK.service(SaslKafkaService.class).bootstrapServers(),
                        SaslKafkaService.clientSettings(SaslKafkaService.USER, SaslKafkaService.PASSWORD)));
        Map<String, Integer> recordsByTopic = new LinkedHashMap<>();
        clusters.forEach((cluster, dump) -> dump.topics().stream()
                .filter(topic -> !topic.equals(CONFIG_TOPIC))
                .forEach(topic -> {
                    List<ConsumerRecord<byte[], byte[]>> records = dump.records(topic);
                    recordsByTopic.put(topic, records.size());
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        String where = cluster + " " + topic + "-" + record.partition() + "@" + record.offset();
                        scan.scan(where + " key", record.key()).scan(where + " value", record.value());
                        for (Header header : record.headers()) {
                            scan.scan(where + " header " + header.key(), header.key())
                                    .scan(where + " header " + header.key(), header.value());
                        }
                    }
                }));
        assertThat(recordsByTopic).as("records per topic scanned").containsKeys("leak-ledger", "leak-events",
                "leak-dlq", OFFSETS_TOPIC, STATUS_TOPIC);
        assertThat(recordsByTopic).allSatisfy((topic, count) -> {
            if (List.of("leak-ledger", "leak-events", "leak-dlq", OFFSETS_TOPIC, STATUS_TOPIC).contains(topic)) {
                assertThat(count).as(topic).isPositive();
            }
        });
    }

    /** Scans every connector's and task's status, traces included; returns how many traces there were. */
    private int scanStatusTraces(SecretScan scan) {
        int traces = 0;
        for (String connector : STACK.connect().connectors()) {
            ConnectorStateInfo status = STACK.connect().connectorStatus(connector);
            scan.scan("status of " + connector, status.connector().trace());
            traces += status.connector().trace() == null ? 0 : 1;
            for (ConnectorStateInfo.TaskState task : status.tasks()) {
                scan.scan("status of " + connector + " task " + task.id(), task.trace());
                traces += task.trace() == null ? 0 : 1;
            }
            String url = STACK.connect().endpointForResource("connectors/" + connector + "/status");
            scan.scan("REST " + url, (String) STACK.connect().requestGet(url).getEntity());
        }
        return traces;
    }

    private static Map<String, String> credentials(ScriptedHttpServer stsStandIn) {
        return Map.of(
                "aws.access.key.id", ACCESS_KEY_ID,
                "aws.secret.access.key", SECRET_ACCESS_KEY,
                "aws.session.token", SESSION_TOKEN,
                "aws.role.arn", ROLE_ARN,
                "aws.role.external.id", EXTERNAL_ID,
                "aws.sts.endpoint.override", stsStandIn.uri().toString());
    }

    private static Map<String, String> secrets() {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("access key id", ACCESS_KEY_ID);
        secrets.put("secret access key", SECRET_ACCESS_KEY);
        secrets.put("session token", SESSION_TOKEN);
        secrets.put("role external id", EXTERNAL_ID);
        secrets.put("assumed role's secret access key", Stubs.ASSUMED_SECRET_ACCESS_KEY);
        secrets.put("assumed role's session token", Stubs.ASSUMED_SESSION_TOKEN);
        secrets.put("ledger SASL password", SaslKafkaService.PASSWORD);
        return secrets;
    }

    private static DataZoneSimulator simulator() {
        return STACK.service(SimulatorService.class).simulator();
    }

    private static long statusCount(List<ObservedEvent> events, String status) {
        return ObservedEvent.count(events, event -> event.isStatusChange() && status.equals(event.status()));
    }

    private static String firstLine(String line) {
        int end = line.indexOf('\n');
        String first = end < 0 ? line : line.substring(0, end);
        return first.length() > 160 ? first.substring(0, 160) + "..." : first;
    }
}
