package io.kcdatazone.sink;

import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.await;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.ScriptedHttpServer;
import io.kcdatazone.datazone.Stubs;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.testkit.ChildJvm;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Credentials modes through a running connector, and credentials that expire while it runs. */
class SinkCredentialsTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(SimulatorService.withDefaults())
            .build();

    @TempDir
    Path temp;

    @Test
    void assumedRoleCredentialsThatExpireAreRefreshedWithoutATaskRestart() throws Exception {
        // Credentials valid for less than the SDK's stale time are refreshed before every use: each DataZone call
        // of the running task has to go back to STS, with the external id and session name configured.
        try (ScriptedHttpServer sts = new ScriptedHttpServer(Stubs.expiringAssumeRoleResponses(Duration.ofSeconds(20)));
             SinkScenario sink = SinkScenario.create(STACK, "expiring-role", 1)
                     .with("aws.role.arn", "arn:aws:iam::123456789012:role/datazone-runs")
                     .with("aws.role.external.id", "external-id-for-refresh-test")
                     .with("aws.role.session.name", "refresh-test")
                     .with("aws.sts.endpoint.override", sts.uri().toString())
                     .with("datazone.validate.live", "false")
                     .start()) {
            LedgerEntry first = sink.awaitOutcome(sink.send("expiring-1", request(DOMAIN, SALES)));
            int assumedAfterFirst = sts.requests().size();
            LedgerEntry second = sink.awaitOutcome(sink.send("expiring-2", request(DOMAIN, SALES)));

            assertThat(first.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
            assertThat(second.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
            assertThat(assumedAfterFirst).as("the role is assumed for the first call").isPositive();
            await("STS asked again for the expiring credentials")
                    .until(() -> sts.requests().size() > assumedAfterFirst);
            assertThat(Stubs.formParameters(sts.requests().get(sts.requests().size() - 1)))
                    .containsEntry("ExternalId", "external-id-for-refresh-test")
                    .containsEntry("RoleSessionName", "refresh-test");
            assertThat(STACK.connect().connectorStatus("expiring-role").tasks())
                    .singleElement().satisfies(task -> assertThat(task.state()).isEqualTo("RUNNING"));
        }
    }

    @Test
    void aNamedProfileFromACredentialsFileIsUsed() throws Exception {
        Path credentials = temp.resolve("credentials");
        Files.writeString(credentials, "[datazone-runs]\naws_access_key_id = AKIAPROFILEKEY0000001\n"
                + "aws_secret_access_key = profile-secret\n");
        try (SinkScenario sink = SinkScenario.create(STACK, "profile", 1)
                .with("aws.access.key.id", null)
                .with("aws.secret.access.key", null)
                .with("aws.profile", "datazone-runs")
                .with("aws.credentials.file", credentials.toString())
                .start()) {
            assertThat(sink.awaitOutcome(sink.send("profile-1", request(DOMAIN, SALES))).outcome())
                    .isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        }
    }

    @Test
    void theDefaultChainFindsCredentialsInSystemProperties() {
        // The embedded workers run in this JVM, so the SDK's default chain sees these system properties.
        System.setProperty("aws.accessKeyId", "AKIADEFAULTCHAIN0001");
        System.setProperty("aws.secretAccessKey", "default-chain-secret");
        try (SinkScenario sink = SinkScenario.create(STACK, "default-chain", 1)
                .with("aws.access.key.id", null)
                .with("aws.secret.access.key", null)
                .start()) {
            assertThat(sink.awaitOutcome(sink.send("default-chain-1", request(DOMAIN, SALES))).outcome())
                    .isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void theDefaultChainFindsCredentialsInEnvironmentVariables() throws Exception {
        // A JVM cannot change its own environment, so this sink runs in a standalone worker in a child JVM whose
        // environment holds the keys, and in which nothing else the default chain reads has any.
        try (SinkScenario sink = SinkScenario.create(STACK, "environment", 1)
                .with("aws.access.key.id", null)
                .with("aws.secret.access.key", null)
                .with("datazone.validate.live", "false")) {
            Properties connector = new Properties();
            connector.putAll(sink.config());
            connector.put("name", sink.name());
            Properties worker = new Properties();
            worker.put("bootstrap.servers", STACK.bootstrapServers());
            worker.put("offset.storage.file.filename", temp.resolve("offsets").toString());
            worker.put("key.converter", StringConverter.class.getName());
            worker.put("value.converter", StringConverter.class.getName());
            worker.put("listeners", "http://localhost:0");
            worker.put("plugin.discovery", "service_load");
            try (ChildJvm child = ChildJvm.onTestClasspath("standalone Connect worker",
                    "org.apache.kafka.connect.cli.ConnectStandalone",
                    List.of(store(worker, "worker.properties"), store(connector, "sink.properties")),
                    Map.of("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001",
                            "AWS_SECRET_ACCESS_KEY", "environment-secret",
                            "AWS_SHARED_CREDENTIALS_FILE", temp.resolve("no-credentials").toString(),
                            "AWS_CONFIG_FILE", temp.resolve("no-config").toString(),
                            "AWS_EC2_METADATA_DISABLED", "true"),
                    temp, "worker.log")) {
                SinkScenario.Sent request = sink.send("environment-1", request(DOMAIN, SALES));

                await("the child worker's sink to start the run (log: " + child.logFile() + ")")
                        .until(() -> {
                            child.checkAlive();
                            return !sink.outcomesOf(request).isEmpty();
                        });
                assertThat(sink.outcomesOf(request)).singleElement()
                        .satisfies(entry -> assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED));
            }
        }
    }

    private String store(Properties properties, String fileName) throws IOException {
        Path file = temp.resolve(fileName);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file.toString();
    }

    @Test
    void aCustomProviderClassIsBuiltAndConfiguredFromItsPrefixedSettings() {
        try (SinkScenario sink = SinkScenario.create(STACK, "custom-provider", 1)
                .with("aws.access.key.id", null)
                .with("aws.secret.access.key", null)
                .with("aws.credentials.provider.class", "io.kcdatazone.datazone.TestCredentialsProviders$Configured")
                .with("aws.credentials.provider.access.key.id", "AKIACUSTOMPROVIDER01")
                .with("aws.credentials.provider.secret.access.key", "custom-provider-secret")
                .start()) {
            assertThat(sink.awaitOutcome(sink.send("custom-1", request(DOMAIN, SALES))).outcome())
                    .isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        }
    }

    @Test
    void aMissingProfileIsRefusedAtCreation() throws Exception {
        Path credentials = temp.resolve("credentials");
        Files.writeString(credentials, "[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n");
        try (SinkScenario sink = SinkScenario.create(STACK, "no-profile", 1)
                .with("aws.access.key.id", null)
                .with("aws.secret.access.key", null)
                .with("aws.profile", "datazone-runs")
                .with("aws.credentials.file", credentials.toString())) {
            var errors = STACK.connect().validateConnectorConfig(DataSourceRunSinkConnector.class.getSimpleName(),
                    withName(sink.config())).configs().stream()
                    .filter(info -> !info.configValue().errors().isEmpty())
                    .map(info -> info.configValue().name())
                    .toList();
            assertThat(errors).containsExactly("aws.profile");
        }
    }

    private static Map<String, String> withName(Map<String, String> config) {
        Map<String, String> props = new HashMap<>(config);
        props.put("name", "validated");
        return props;
    }
}
