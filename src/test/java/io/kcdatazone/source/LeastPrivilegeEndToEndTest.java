package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kcdatazone.ledger.LedgerConfig;
import io.kcdatazone.simulator.ManualClock;
import io.kcdatazone.testkit.Acls;
import io.kcdatazone.testkit.CapturedLog;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.OutputTopicReader;
import io.kcdatazone.testkit.SaslKafkaService;
import io.kcdatazone.testkit.SimulatorService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.logging.log4j.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both connectors on a Connect cluster whose Kafka demands SASL (PLAIN) and allows only what ACLs grant (the
 * StandardAuthorizer with {@code allow.everyone.if.no.acl.found=false}; the one super user only grants the ACLs). The
 * worker logs in as a principal of its own; each connector runs every Kafka client it has as its own principal,
 * Connect's (through {@code consumer.override.}, {@code producer.override.} and {@code admin.override.}) and the
 * ledger's (through {@code ledger.kafka.}), which holds exactly the ACLs docs/security.md lists for it; the source runs
 * in exactly-once mode.
 *
 * <p>Runs go through end to end with no authorization error logged by a client, Connect or the broker's authorizer
 * (but the refusal of two optional requests docs/security.md names), and a connector without the ACL that matters most
 * to it (the sink's WRITE on the ledger, the exactly-once source's on its transactional ids) fails saying so.
 */
class LeastPrivilegeEndToEndTest {

    private static final ManualClock CLOCK = Pipeline.clock();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final String WORKER = "connect-worker";
    private static final String SINK = "datazone-sink";
    private static final String SOURCE = "datazone-source";
    private static final String SINK_WITHOUT_LEDGER_WRITE = "datazone-sink-without-ledger-write";
    private static final String SOURCE_WITHOUT_TRANSACTIONAL_IDS = "datazone-source-without-transactional-ids";
    private static final Map<String, String> PASSWORDS = Map.of(
            WORKER, "worker-password-7c1e",
            SINK, "sink-password-2b9d",
            SOURCE, "source-password-e04a",
            SINK_WITHOUT_LEDGER_WRITE, "sink-without-write-password-51f3",
            SOURCE_WITHOUT_TRANSACTIONAL_IDS, "source-without-ids-password-8a62");

    private static final String GROUP_ID = "least-privilege-connect";
    private static final String CONFIG_TOPIC = GROUP_ID + "-configs";
    private static final String OFFSETS_TOPIC = GROUP_ID + "-offsets";
    private static final String STATUS_TOPIC = GROUP_ID + "-status";

    /** What a client, Connect or the broker's authorizer log says when something is refused. */
    private static final Pattern AUTHORIZATION_FAILURE = Pattern.compile(
            "AuthorizationException|authorization failed|not authorized|is denied operation", Pattern.CASE_INSENSITIVE);
    /**
     * The broker's record of the two refusals docs/security.md expects: an exactly-once source task, as it starts,
     * asks to create Connect's offsets topic and to read its configuration (to check it is compacted), and carries on
     * without either when refused.
     */
    private static final Pattern CONNECT_CHECKS_THE_OFFSETS_TOPIC = Pattern.compile("Principal = User:" + SOURCE
            + " is Denied operation = (CREATE|DESCRIBE_CONFIGS) from host = \\S+ on resource = Topic:LITERAL:"
            + OFFSETS_TOPIC + " for request = (CreateTopics|DescribeConfigs) ");

    /** The broker's authorizer logs each refusal at INFO. */
    private static final Map<String, Level> AUTHORIZER_LOG = Map.of("kafka.authorizer.logger", Level.INFO);

    @RegisterExtension
    static final KafkaConnectStack STACK = stack();

    private static Admin admin;

    private static KafkaConnectStack stack() {
        KafkaConnectStack.Builder stack = KafkaConnectStack.builder()
                // The worker starts once its principal holds its ACLs.
                .workers(0)
                .service(Pipeline.simulator(CLOCK, 6))
                .workerProperty(DistributedConfig.GROUP_ID_CONFIG, GROUP_ID)
                .workerProperty(DistributedConfig.CONFIG_TOPIC_CONFIG, CONFIG_TOPIC)
                .workerProperty(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG, OFFSETS_TOPIC)
                .workerProperty(DistributedConfig.STATUS_STORAGE_TOPIC_CONFIG, STATUS_TOPIC)
                .workerProperty(WorkerConfig.CONNECTOR_CLIENT_POLICY_CLASS_CONFIG, "All");
        SaslKafkaService.stackBrokerProperties(PASSWORDS).forEach(stack::brokerProperty);
        SaslKafkaService.clientSettings(SaslKafkaService.ADMIN, SaslKafkaService.ADMIN_PASSWORD)
                .forEach(stack::clientProperty);
        // The worker's own clients, and by default those it makes for connectors, log in as the worker.
        login(WORKER).forEach((key, value) -> {
            for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
                stack.workerProperty(prefix + key, value);
            }
        });
        return stack.build();
    }

    @BeforeAll
    static void startTheWorkerWithItsAcls() {
        Map<String, Object> settings = new HashMap<>(STACK.clientSettings());
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        admin = Admin.create(settings);
        Acls.grant(admin, workerAcls(), TIMEOUT);
        STACK.startWorker(TIMEOUT);
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    @AfterEach
    void deleteConnectors() {
        STACK.connect().connectors().forEach(STACK.connect()::deleteConnector);
        Awaitility.await("every connector deleted").atMost(TIMEOUT)
                .until(() -> STACK.connect().connectors().isEmpty());
    }

    @Test
    void runsGoEndToEndWithOnlyTheDocumentedAclsAndNoAuthorizationError() {
        Pipeline pipeline = pipeline("least-privilege", SINK, SOURCE);
        String deadLetters = pipeline.requestTopic() + "-dlq";
        STACK.createTopic(deadLetters, 1);
        pipeline.withSink("errors.tolerance", "all")
                .withSink("errors.deadletterqueue.topic.name", deadLetters)
                .withSink("errors.deadletterqueue.topic.replication.factor", "1");
        Acls.grant(admin, sinkAcls(pipeline, SINK), TIMEOUT);
        Acls.grant(admin, Acls.allowOnTopic(SINK, deadLetters, AclOperation.DESCRIBE, AclOperation.WRITE), TIMEOUT);
        Acls.grant(admin, sourceAcls(pipeline, SOURCE), TIMEOUT);
        List<String> logLines;
        List<ObservedEvent> events;
        try (CapturedLog log = CapturedLog.start(AUTHORIZER_LOG)) {
            pipeline.start(2, 2, 2, 2);
            for (int i = 0; i < 6; i++) {
                pipeline.request("least-privilege-" + i, Pipeline.dataSourceId(i));
            }
            pipeline.request("least-privilege-unknown", "ds_unknown");
            STACK.produce(pipeline.requestTopic(), "least-privilege-malformed", "{this is not JSON");
            try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(2)) {
                reader.awaitEvents("8 results", all -> count(all, ObservedEvent::isResult) == 8, TIMEOUT);
                CLOCK.advance(Pipeline.REQUESTED_FOR);
                reader.awaitEvents("6 runs RUNNING", all -> statusCount(all, "RUNNING") == 6, TIMEOUT);
                CLOCK.advance(Pipeline.RUNNING_FOR);
                events = reader.awaitEvents("6 runs ended", all -> count(all, ObservedEvent::isStatusChange) == 12,
                        TIMEOUT);
            }
            assertThat(STACK.consume(1, TIMEOUT, deadLetters)).as("dead letters").hasSize(1);
            assertEveryTaskRunning(pipeline.sinkName(), 2);
            assertEveryTaskRunning(pipeline.sourceName(), 2);
            logLines = log.lines();
        }

        assertThat(events).filteredOn(e -> "RUN_START_FAILED".equals(e.eventType()))
                .extracting(ObservedEvent::clientToken, ObservedEvent::errorType).containsExactlyInAnyOrder(
                        tuple("least-privilege-unknown", "RESOURCE_NOT_FOUND_EXCEPTION"),
                        tuple("least-privilege-malformed", "VALIDATION_EXCEPTION"));
        assertThat(ObservedEvent.byRun(events)).hasSize(6).allSatisfy((runId, runEvents) -> {
            int dataSource = Integer.parseInt(runEvents.get(0).dataSourceId().substring(3));
            assertThat(SourceConnectorEndToEndTest.sequence(runEvents)).as(runId).containsExactly(
                    "RUN_STARTED REQUESTED", "RUN_STATUS_CHANGED REQUESTED>RUNNING",
                    "RUN_STATUS_CHANGED RUNNING>" + Pipeline.outcomeOf(dataSource));
        });
        for (int i = 0; i < 6; i++) {
            assertThat(STACK.service(SimulatorService.class).simulator().introspection()
                    .runsForClientToken("least-privilege-" + i)).as("runs started for request %d", i).hasSize(1);
        }
        assertThat(logLines).as("lines logged").isNotEmpty()
                .filteredOn(line -> AUTHORIZATION_FAILURE.matcher(line).find())
                .filteredOn(line -> !CONNECT_CHECKS_THE_OFFSETS_TOPIC.matcher(line).find())
                .as("authorization failures logged by a client, Connect or the broker").isEmpty();
    }

    @Test
    void aSinkWhosePrincipalMayNotWriteTheLedgerFailsSayingWhichPermissionItLacks() {
        Pipeline pipeline = pipeline("no-ledger-write", SINK_WITHOUT_LEDGER_WRITE, null);
        List<AclBinding> acls = sinkAcls(pipeline, SINK_WITHOUT_LEDGER_WRITE);
        AclBinding ledgerWrite = Acls.allowOnTopic(SINK_WITHOUT_LEDGER_WRITE, pipeline.ledgerTopic(),
                AclOperation.WRITE).get(0);
        assertThat(acls.remove(ledgerWrite)).as("the documented ACLs include WRITE on the ledger").isTrue();
        Acls.grant(admin, acls, TIMEOUT);

        pipeline.startSink(1, 1);
        pipeline.request("no-ledger-write-1", Pipeline.dataSourceId(0));

        assertThat(awaitFailedTask(pipeline.sinkName()))
                .contains("ledger topic '" + pipeline.ledgerTopic() + "'")
                .contains("check the ledger principal's WRITE permission on the topic")
                .doesNotContain(PASSWORDS.get(SINK_WITHOUT_LEDGER_WRITE));
    }

    @Test
    void anExactlyOnceSourceWhosePrincipalHoldsNoTransactionalIdAclFailsSayingSo() {
        Pipeline pipeline = pipeline("no-transactional-ids", null, SOURCE_WITHOUT_TRANSACTIONAL_IDS);
        List<AclBinding> acls = sourceAcls(pipeline, SOURCE_WITHOUT_TRANSACTIONAL_IDS);
        assertThat(acls.removeIf(acl -> acl.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID))
                .as("the documented ACLs include the transactional ids").isTrue();
        Acls.grant(admin, acls, TIMEOUT);

        String trace;
        List<String> logLines;
        try (CapturedLog log = CapturedLog.start(AUTHORIZER_LOG)) {
            pipeline.createSource(1, 1, 1);
            trace = awaitFailedTask(pipeline.sourceName());
            logLines = log.lines();
        }

        assertThat(trace).contains("TransactionalIdAuthorizationException")
                .contains("Transactional Id authorization failed");
        // The broker's record of it, as the test above would see any refusal.
        assertThat(logLines).filteredOn(line -> AUTHORIZATION_FAILURE.matcher(line).find())
                .anyMatch(line -> line.contains("User:" + SOURCE_WITHOUT_TRANSACTIONAL_IDS + " is Denied operation =")
                        && line.contains("TransactionalId:LITERAL:" + GROUP_ID + "-" + pipeline.sourceName() + "-0"));
    }

    /**
     * Both connectors of a pipeline whose topics the super user creates (the request and output topics, and the
     * ledger, so that neither connector needs CREATE), each connector with every Kafka client as {@code sinkUser} or
     * {@code sourceUser}.
     */
    private static Pipeline pipeline(String name, String sinkUser, String sourceUser) {
        Pipeline pipeline = new Pipeline(STACK, name);
        STACK.createTopic(pipeline.ledgerTopic(), 2);
        if (sinkUser != null) {
            connectorLogin(sinkUser).forEach(pipeline::withSink);
        }
        if (sourceUser != null) {
            connectorLogin(sourceUser).forEach(pipeline::withSource);
        }
        return pipeline;
    }

    /** A connector's settings that make each of its Kafka clients, Connect's and the ledger's, log in as the user. */
    private static Map<String, String> connectorLogin(String user) {
        Map<String, String> settings = new HashMap<>();
        String jaasConfig = login(user).get(SaslConfigs.SASL_JAAS_CONFIG);
        for (String prefix : List.of(ConnectorConfig.CONNECTOR_CLIENT_PRODUCER_OVERRIDES_PREFIX,
                ConnectorConfig.CONNECTOR_CLIENT_CONSUMER_OVERRIDES_PREFIX,
                ConnectorConfig.CONNECTOR_CLIENT_ADMIN_OVERRIDES_PREFIX)) {
            settings.put(prefix + SaslConfigs.SASL_JAAS_CONFIG, jaasConfig);
        }
        login(user).forEach((key, value) -> settings.put(LedgerConfig.KAFKA_PREFIX + key, value));
        return settings;
    }

    private static Map<String, String> login(String user) {
        return SaslKafkaService.clientSettings(user, PASSWORDS.get(user));
    }

    /** The sink's ACLs as docs/security.md lists them, for a request topic and a ledger that exist. */
    private static List<AclBinding> sinkAcls(Pipeline pipeline, String user) {
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(Acls.allowOnTopic(user, pipeline.ledgerTopic(), AclOperation.DESCRIBE, AclOperation.WRITE));
        acls.addAll(Acls.allowOnTopic(user, pipeline.requestTopic(), AclOperation.DESCRIBE, AclOperation.READ));
        acls.addAll(Acls.allow(user, ResourceType.GROUP, "connect-" + pipeline.sinkName(), PatternType.LITERAL,
                AclOperation.READ));
        return acls;
    }

    /** The exactly-once source's ACLs as docs/security.md lists them, for an output topic and a ledger that exist. */
    private static List<AclBinding> sourceAcls(Pipeline pipeline, String user) {
        List<AclBinding> acls = new ArrayList<>();
        acls.addAll(Acls.allowOnTopic(user, pipeline.ledgerTopic(), AclOperation.DESCRIBE, AclOperation.READ));
        acls.addAll(Acls.allowOnTopic(user, pipeline.outputTopic(), AclOperation.DESCRIBE, AclOperation.WRITE));
        acls.addAll(Acls.allow(user, ResourceType.TRANSACTIONAL_ID, GROUP_ID + "-" + pipeline.sourceName() + "-",
                PatternType.PREFIXED, AclOperation.DESCRIBE, AclOperation.WRITE));
        acls.addAll(Acls.allowOnTopic(user, OFFSETS_TOPIC, AclOperation.DESCRIBE, AclOperation.READ,
                AclOperation.WRITE));
        return acls;
    }

    /**
     * The worker's own ACLs, which are Connect's business (Kafka's documentation lists them): its group, its internal
     * topics, which it creates, and the transactional id of its exactly-once config topic writes.
     */
    private static List<AclBinding> workerAcls() {
        List<AclBinding> acls = new ArrayList<>(Acls.allow(WORKER, ResourceType.GROUP, GROUP_ID, PatternType.LITERAL,
                AclOperation.READ));
        for (String topic : List.of(CONFIG_TOPIC, OFFSETS_TOPIC, STATUS_TOPIC)) {
            acls.addAll(Acls.allowOnTopic(WORKER, topic, AclOperation.CREATE, AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.READ, AclOperation.WRITE));
        }
        acls.addAll(Acls.allow(WORKER, ResourceType.TRANSACTIONAL_ID, "connect-cluster-" + GROUP_ID,
                PatternType.LITERAL, AclOperation.DESCRIBE, AclOperation.WRITE));
        return acls;
    }

    private static void assertEveryTaskRunning(String connector, int tasks) {
        ConnectorStateInfo status = STACK.connect().connectorStatus(connector);
        assertThat(status.connector().state()).as(connector).isEqualTo("RUNNING");
        assertThat(status.tasks()).as(connector + "'s tasks").hasSize(tasks)
                .allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
    }

    /** Waits for a task of the connector to fail; returns its trace. */
    private static String awaitFailedTask(String connector) {
        return Awaitility.await(connector + "'s task FAILED").atMost(TIMEOUT).ignoreExceptions()
                .until(() -> STACK.connect().connectorStatus(connector).tasks().stream()
                        .filter(task -> "FAILED".equals(task.state())).map(ConnectorStateInfo.TaskState::trace)
                        .findFirst().orElse(null), trace -> trace != null);
    }

    private static long count(List<ObservedEvent> events, Predicate<ObservedEvent> which) {
        return ObservedEvent.count(events, which);
    }

    private static long statusCount(List<ObservedEvent> events, String status) {
        return count(events, e -> e.isStatusChange() && status.equals(e.status()));
    }
}
