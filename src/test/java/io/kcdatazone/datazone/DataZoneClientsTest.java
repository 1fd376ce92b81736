package io.kcdatazone.datazone;

import static io.kcdatazone.datazone.TestConnections.ACCESS_KEY;
import static io.kcdatazone.datazone.TestConnections.EXTERNAL_ID;
import static io.kcdatazone.datazone.TestConnections.REGION;
import static io.kcdatazone.datazone.TestConnections.ROLE_ARN;
import static io.kcdatazone.datazone.TestConnections.SESSION_TOKEN;
import static io.kcdatazone.datazone.TestConnections.config;
import static io.kcdatazone.datazone.TestConnections.noCredentials;
import static io.kcdatazone.datazone.TestConnections.staticKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kcdatazone.Version;
import io.kcdatazone.datazone.ScriptedHttpServer.Request;
import software.amazon.awssdk.services.datazone.model.InternalServerException;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.ValidationException;

/** The clients reach DataZone with the configured region, endpoint, credentials, retries and user agent. */
class DataZoneClientsTest {

    private ScriptedHttpServer dataZone;

    @BeforeEach
    void startDataZone() throws IOException {
        dataZone = Stubs.dataZone();
    }

    @AfterEach
    void stopDataZone() {
        dataZone.close();
    }

    @Test
    void staticKeysWithSessionTokenSignForTheRegionAtTheOverriddenEndpoint() {
        StartDataSourceRunResponse run = startRunAsync(staticKeys(dataZone, "aws.session.token", SESSION_TOKEN));

        assertThat(run.id()).isEqualTo(Stubs.RUN_ID);
        Request request = onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(
                "/v2/domains/" + Stubs.DOMAIN_ID + "/data-sources/" + Stubs.DATA_SOURCE_ID + "/runs");
        assertThat(request.body()).contains("\"clientToken\":\"request-1\"");
        assertThat(Stubs.signingAccessKeyId(request)).isEqualTo(ACCESS_KEY);
        assertThat(Stubs.signingRegion(request)).isEqualTo(REGION);
        assertThat(request.header("X-Amz-Security-Token")).isEqualTo(SESSION_TOKEN);
    }

    @Test
    void staticKeysWithoutTokenSendNoSecurityToken() {
        startRunAsync(staticKeys(dataZone));

        assertThat(Stubs.signingAccessKeyId(onlyRequest())).isEqualTo(ACCESS_KEY);
        assertThat(onlyRequest().header("X-Amz-Security-Token")).isNull();
    }

    @Test
    void syncClientUsesTheSameSettings() {
        try (DataZoneClients clients = DataZoneClients.open(config(staticKeys(dataZone)), "my-sink")) {
            assertThat(clients.sync().startDataSourceRun(Stubs.startRequest()).id()).isEqualTo(Stubs.RUN_ID);
        }

        Request request = onlyRequest();
        assertThat(Stubs.signingAccessKeyId(request)).isEqualTo(ACCESS_KEY);
        assertThat(request.header("User-Agent")).contains(expectedUserAgentSuffix("my-sink"));
    }

    @Test
    void noCredentialsSettingsUseTheDefaultChain() throws Exception {
        SystemProperties.with(() -> startRunAsync(noCredentials(dataZone)),
                "aws.accessKeyId", "AKIADEFAULTCHAIN", "aws.secretAccessKey", "default-chain-secret");

        assertThat(Stubs.signingAccessKeyId(onlyRequest())).isEqualTo("AKIADEFAULTCHAIN");
    }

    @Test
    void regionComesFromTheDefaultRegionChainWhenUnset() throws Exception {
        SystemProperties.with(() -> startRunAsync(staticKeys(dataZone, "datazone.region", null)),
                "aws.region", "ap-southeast-2");

        assertThat(Stubs.signingRegion(onlyRequest())).isEqualTo("ap-southeast-2");
    }

    @Test
    void profileIsReadFromTheConfiguredCredentialsFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("credentials"), String.join("\n",
                "[default]",
                "aws_access_key_id = AKIAPROFILEDEFAULT",
                "aws_secret_access_key = profile-default-secret",
                "[datazone]",
                "aws_access_key_id = AKIAPROFILEDATAZONE",
                "aws_secret_access_key = profile-datazone-secret",
                "aws_session_token = profile-datazone-token",
                ""));

        startRunAsync(noCredentials(dataZone, "aws.profile", "datazone", "aws.credentials.file", file.toString()));
        startRunAsync(noCredentials(dataZone, "aws.credentials.file", file.toString()));

        List<Request> requests = dataZone.requests();
        assertThat(Stubs.signingAccessKeyId(requests.get(0))).isEqualTo("AKIAPROFILEDATAZONE");
        assertThat(requests.get(0).header("X-Amz-Security-Token")).isEqualTo("profile-datazone-token");
        assertThat(Stubs.signingAccessKeyId(requests.get(1))).isEqualTo("AKIAPROFILEDEFAULT");
    }

    @Test
    void assumeRoleSendsExternalIdAndSessionNameToStsAndSignsWithTheRoleCredentials() throws IOException {
        try (ScriptedHttpServer sts = Stubs.sts()) {
            startRunAsync(staticKeys(dataZone,
                    "aws.role.arn", ROLE_ARN,
                    "aws.role.external.id", EXTERNAL_ID,
                    "aws.role.session.name", "orders-sink",
                    "aws.sts.endpoint.override", sts.uri().toString()));

            assertThat(sts.requests()).hasSize(1);
            Request assumeRole = sts.requests().get(0);
            assertThat(Stubs.formParameters(assumeRole)).contains(
                    Map.entry("Action", "AssumeRole"),
                    Map.entry("RoleArn", ROLE_ARN),
                    Map.entry("ExternalId", EXTERNAL_ID),
                    Map.entry("RoleSessionName", "orders-sink"));
            assertThat(Stubs.signingAccessKeyId(assumeRole)).isEqualTo(ACCESS_KEY);
            assertThat(Stubs.signingRegion(assumeRole)).isEqualTo(REGION);
        }
        Request request = onlyRequest();
        assertThat(Stubs.signingAccessKeyId(request)).isEqualTo(Stubs.ASSUMED_ACCESS_KEY_ID);
        assertThat(request.header("X-Amz-Security-Token")).isEqualTo(Stubs.ASSUMED_SESSION_TOKEN);
    }

    @Test
    void assumeRoleWithoutExternalIdSendsNone() throws IOException {
        try (ScriptedHttpServer sts = Stubs.sts()) {
            startRunAsync(staticKeys(dataZone, "aws.role.arn", ROLE_ARN,
                    "aws.sts.endpoint.override", sts.uri().toString()));

            assertThat(Stubs.formParameters(sts.requests().get(0)))
                    .doesNotContainKey("ExternalId")
                    .containsEntry("RoleSessionName", "kafka-connect-datazone");
        }
    }

    @Test
    void customProviderIsConfiguredWithItsPrefixedSettingsAndClosedWithTheClients() {
        Map<String, String> props = noCredentials(dataZone,
                "aws.credentials.provider.class", TestCredentialsProviders.Configured.class.getName(),
                "aws.credentials.provider.access.key.id", "AKIACUSTOMPROVIDER",
                "aws.credentials.provider.secret.access.key", "custom-provider-secret");

        try (DataZoneClients clients = DataZoneClients.open(config(props), "my-sink")) {
            clients.async().startDataSourceRun(Stubs.startRequest()).join();
            assertThat(TestCredentialsProviders.Configured.LAST_CLOSED).isFalse();
        }

        assertThat(Stubs.signingAccessKeyId(onlyRequest())).isEqualTo("AKIACUSTOMPROVIDER");
        assertThat(TestCredentialsProviders.Configured.LAST_CLOSED).isTrue();
    }

    @Test
    void customProviderCanBeBuiltThroughStaticCreate() {
        startRunAsync(noCredentials(dataZone,
                "aws.credentials.provider.class", TestCredentialsProviders.CreatedOnly.class.getName()));

        assertThat(Stubs.signingAccessKeyId(onlyRequest()))
                .isEqualTo(TestCredentialsProviders.CreatedOnly.ACCESS_KEY_ID);
    }

    @Test
    void userAgentCarriesPluginVersionAndConnectorName() {
        try (DataZoneClients clients = DataZoneClients.open(config(staticKeys(dataZone)), "orders sink\n(eu)")) {
            clients.async().startDataSourceRun(Stubs.startRequest()).join();
        }

        assertThat(onlyRequest().header("User-Agent"))
                .startsWith("aws-sdk-java/")
                .endsWith(expectedUserAgentSuffix("orders_sink__eu_"));
    }

    @Test
    void sdkRetriesRetriableErrorsUpToMaxAttemptsInStandardMode() {
        dataZone.script(internalError(), internalError(), internalError(), internalError());

        try (DataZoneClients clients = DataZoneClients.open(
                config(staticKeys(dataZone, "datazone.sdk.max.attempts", "2")), "my-sink")) {
            assertThatThrownBy(() -> clients.sync().startDataSourceRun(Stubs.startRequest()))
                    .isInstanceOf(InternalServerException.class);
        }

        assertThat(dataZone.requests()).extracting(r -> r.header("amz-sdk-request"))
                .containsExactly("attempt=1; max=2", "attempt=2; max=2");
        // one call, retried: the invocation id (and with it the marshalled clientToken) stays the same
        assertThat(dataZone.requests()).extracting(r -> r.header("amz-sdk-invocation-id")).containsOnly(
                dataZone.requests().get(0).header("amz-sdk-invocation-id"));
        assertThat(dataZone.requests()).extracting(Request::body).containsOnly(dataZone.requests().get(0).body());
    }

    @Test
    void sdkMakesThreeAttemptsByDefaultAndStopsAtTheFirstSuccess() {
        dataZone.script(internalError(), internalError());

        StartDataSourceRunResponse run = startRunAsync(staticKeys(dataZone));

        assertThat(run.id()).isEqualTo(Stubs.RUN_ID);
        assertThat(dataZone.requests()).extracting(r -> r.header("amz-sdk-request"))
                .containsExactly("attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3");
    }

    @Test
    void sdkDoesNotRetryPermanentErrors() {
        dataZone.script(ScriptedHttpServer.dataZoneError(400, "ValidationException", "bad id", "req-1"));

        try (DataZoneClients clients = DataZoneClients.open(config(staticKeys(dataZone)), "my-sink")) {
            assertThatThrownBy(() -> clients.sync().startDataSourceRun(Stubs.startRequest()))
                    .isInstanceOf(ValidationException.class);
        }

        assertThat(dataZone.requests()).hasSize(1);
    }

    @Test
    void asyncClientHasAsManyCallsOnTheWireAsItsConcurrencyAllows() {
        int calls = DataZoneClients.DEFAULT_MAX_CONCURRENCY + 20;
        for (int i = 0; i < calls; i++) {
            dataZone.script(dataZone.hang());
        }
        Map<String, String> props = staticKeys(dataZone,
                "datazone.api.call.timeout.ms", "60000", "datazone.api.call.attempt.timeout.ms", "60000");

        try (DataZoneClients clients = DataZoneClients.open(config(props), "my-sink", calls)) {
            for (int i = 0; i < calls; i++) {
                clients.async().startDataSourceRun(Stubs.startRequest());
            }
            // with Netty's default pool the calls beyond 50 would wait for a connection and never reach the server
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> dataZone.requests().size() == calls);
        }
    }

    /**
     * Opening the clients (what a task's start does) asks STS nothing, so an STS that fails at that moment does not
     * fail the task; the role is assumed on the first call, and calls succeed once STS answers again.
     */
    @Test
    void anStsOutageWhileTheClientsOpenDoesNotFailThemAndCallsSucceedOnceItRecovers() throws IOException {
        try (ScriptedHttpServer sts = new ScriptedHttpServer(Stubs.stsError(500, "InternalFailure", "STS is down"))) {
            Map<String, String> props = staticKeys(dataZone, "aws.role.arn", ROLE_ARN,
                    "aws.sts.endpoint.override", sts.uri().toString(), "datazone.sdk.max.attempts", "1");

            try (DataZoneClients clients = DataZoneClients.open(config(props), "my-sink")) {
                assertThat(sts.requests()).as("STS calls while the clients open").isEmpty();
                assertThatThrownBy(() -> clients.async().startDataSourceRun(Stubs.startRequest()).join())
                        .as("a call while STS is down").hasRootCauseInstanceOf(
                                software.amazon.awssdk.services.sts.model.StsException.class);
                assertThat(dataZone.requests()).as("unsigned calls reaching DataZone").isEmpty();

                sts.script(Stubs.assumeRoleResponse());
                assertThat(clients.async().startDataSourceRun(Stubs.startRequest()).join().id())
                        .isEqualTo(Stubs.RUN_ID);
            }
            assertThat(Stubs.signingAccessKeyId(onlyRequest())).isEqualTo(Stubs.ASSUMED_ACCESS_KEY_ID);
        }
    }

    @Test
    void anUnreachableStsWhileTheClientsOpenDoesNotFailThem() throws IOException {
        ScriptedHttpServer sts = Stubs.sts();
        String unreachable = sts.uri().toString();
        sts.close();

        try (DataZoneClients clients = DataZoneClients.open(config(staticKeys(dataZone, "aws.role.arn", ROLE_ARN,
                "aws.sts.endpoint.override", unreachable, "datazone.sdk.max.attempts", "1")), "my-sink")) {
            assertThatThrownBy(() -> clients.sync().startDataSourceRun(Stubs.startRequest()))
                    .as("the first call, which needs the role's credentials")
                    .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
        assertThat(dataZone.requests()).isEmpty();
    }

    @Test
    void closedClientsRefuseUse() {
        DataZoneClients clients = DataZoneClients.open(config(staticKeys(dataZone)), "my-sink");
        clients.close();
        clients.close();

        assertThatThrownBy(clients::async).isInstanceOf(IllegalStateException.class);
    }

    private StartDataSourceRunResponse startRunAsync(Map<String, String> props) {
        try (DataZoneClients clients = DataZoneClients.open(config(props), "my-sink")) {
            return clients.async().startDataSourceRun(Stubs.startRequest()).join();
        }
    }

    private Request onlyRequest() {
        assertThat(dataZone.requests()).hasSize(1);
        return dataZone.requests().get(0);
    }

    private static ScriptedHttpServer.Reply internalError() {
        return ScriptedHttpServer.dataZoneError(500, "InternalServerException", "try again", "req-500");
    }

    private static String expectedUserAgentSuffix(String connectorName) {
        return "kafka-connect-datazone/" + Version.current() + " (connector " + connectorName + ")";
    }
}
