package io.kcdatazone.datazone;

import static io.kcdatazone.datazone.TestConnections.EXTERNAL_ID;
import static io.kcdatazone.datazone.TestConnections.ROLE_ARN;
import static io.kcdatazone.datazone.TestConnections.SECRETS;
import static io.kcdatazone.datazone.TestConnections.SESSION_TOKEN;
import static io.kcdatazone.datazone.TestConnections.config;
import static io.kcdatazone.datazone.TestConnections.noCredentials;
import static io.kcdatazone.datazone.TestConnections.staticKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad credentials setup fails with a message that names the mode and the key to fix and shows no secret: what can be
 * told without calling a service when the clients open (as a task starts), the rest when the credentials are verified
 * (as {@code validate()} does), before any DataZone call either way.
 */
class AwsCredentialsProviderFactoryTest {

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
    void accessKeyWithoutSecretKey() {
        ConfigException e = openFails(staticKeys(dataZone, "aws.secret.access.key", null,
                "aws.session.token", SESSION_TOKEN));

        assertThat(e).hasMessageContaining("aws.secret.access.key");
    }

    @Test
    void profileMissingFromTheCredentialsFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("credentials"),
                "[other]\naws_access_key_id = AKIAOTHERPROFILE\naws_secret_access_key = other-profile-secret\n");

        ConfigException e = verifyFails(noCredentials(dataZone,
                "aws.profile", "datazone", "aws.credentials.file", file.toString()));

        assertThat(e).hasMessageContaining("profile 'datazone'").hasMessageContaining("aws.profile")
                .hasMessageContaining("aws.credentials.file");
        assertThat(e.getMessage()).doesNotContain("other-profile-secret", "AKIAOTHERPROFILE");
    }

    @Test
    void credentialsFileThatDoesNotExist(@TempDir Path dir) {
        ConfigException e = openFails(noCredentials(dataZone,
                "aws.profile", "datazone", "aws.credentials.file", dir.resolve("missing").toString()));

        assertThat(e).hasMessageContaining("aws.credentials.file").hasMessageContaining("cannot read");
    }

    @Test
    void roleThatStsRefusesToGive() throws IOException {
        try (ScriptedHttpServer sts = Stubs.sts()) {
            // a refusal that echoes the external id, as a careless error message could
            sts.script(Stubs.stsError(403, "AccessDenied",
                    "not authorized to assume " + ROLE_ARN + " with external id " + EXTERNAL_ID));

            ConfigException e = verifyFails(staticKeys(dataZone,
                    "aws.role.arn", ROLE_ARN,
                    "aws.role.external.id", EXTERNAL_ID,
                    "aws.sts.endpoint.override", sts.uri().toString()));

            assertThat(e).hasMessageContaining("assume-role of " + ROLE_ARN)
                    .hasMessageContaining("aws.role.arn")
                    .hasMessageContaining("aws.role.external.id")
                    .hasMessageContaining("with external id [hidden]");
        }
    }

    @Test
    void stsThatCannotBeReached() throws IOException {
        ScriptedHttpServer sts = Stubs.sts();
        String unreachable = sts.uri().toString();
        sts.close();

        ConfigException e = verifyFails(staticKeys(dataZone,
                "aws.role.arn", ROLE_ARN, "aws.sts.endpoint.override", unreachable,
                "datazone.sdk.max.attempts", "1"));

        assertThat(e).hasMessageContaining("assume-role").hasMessageContaining("aws.sts.endpoint.override");
    }

    @Test
    void customProviderWithoutAWayToBuildIt() {
        ConfigException e = openFails(noCredentials(dataZone,
                "aws.credentials.provider.class", TestCredentialsProviders.Unbuildable.class.getName()));

        assertThat(e).hasMessageContaining("aws.credentials.provider.class")
                .hasMessageContaining("neither a public no-argument constructor nor a public static create()");
    }

    @Test
    void customProviderThatRefusesItsSettingsWithoutShowingItsPassword() {
        ConfigException e = openFails(noCredentials(dataZone,
                "aws.credentials.provider.class", TestCredentialsProviders.RefusingItsSettings.class.getName(),
                "aws.credentials.provider.vault.password", "vault-password-should-not-leak"));

        assertThat(e).hasMessageContaining("custom provider " + TestCredentialsProviders.RefusingItsSettings.class
                        .getName())
                .hasMessageEndingWith(": vault refused the password [hidden]");
    }

    @Test
    void customProviderThatCannotResolve() {
        ConfigException e = verifyFails(noCredentials(dataZone,
                "aws.credentials.provider.class", TestCredentialsProviders.Failing.class.getName()));

        assertThat(e).hasMessageContaining("custom provider " + TestCredentialsProviders.Failing.class.getName())
                .hasMessageContaining("aws.credentials.provider.class")
                .hasMessageEndingWith(": vault is sealed");
    }

    @Test
    void defaultChainThatFindsNothing(@TempDir Path dir) throws Exception {
        SystemProperties.with(() -> {
            ConfigException e = verifyFails(noCredentials(dataZone));

            assertThat(e).hasMessageContaining("the AWS default credentials chain")
                    .hasMessageContaining("aws.access.key.id")
                    .hasMessageContaining("aws.profile");
        }, withoutAmbientAws(dir));
    }

    @Test
    void noRegionAnywhere(@TempDir Path dir) throws Exception {
        SystemProperties.with(() -> {
            ConfigException e = openFails(staticKeys(dataZone, "datazone.region", null));

            assertThat(e).hasMessageContaining("datazone.region is not set");
        }, withoutAmbientAws(dir));
    }

    @Test
    void inconsistentSettingsFailBeforeAnythingIsBuilt() {
        ConfigException e = openFails(staticKeys(dataZone, "aws.profile", "datazone"));

        assertThat(e).hasMessageContaining("aws.profile cannot be combined with static keys");
    }

    private ConfigException openFails(Map<String, String> props) {
        return failsWithoutLeaking(() -> DataZoneClients.open(config(props), "my-sink").close());
    }

    private ConfigException verifyFails(Map<String, String> props) {
        return failsWithoutLeaking(() -> {
            try (DataZoneClients clients = DataZoneClients.open(config(props), "my-sink")) {
                clients.verifyCredentials();
            }
        });
    }

    private ConfigException failsWithoutLeaking(ThrowingCallable action) {
        Throwable thrown = catchThrowable(action);

        assertThat(thrown).isInstanceOf(ConfigException.class);
        assertThat(thrown.getMessage()).doesNotContain(SECRETS);
        assertThat(thrown.getCause()).as("no SDK exception (and its message) rides along").isNull();
        assertThat(dataZone.requests()).as("failed before calling DataZone").isEmpty();
        return (ConfigException) thrown;
    }

    /** System properties that hide this machine's AWS setup (profiles, instance metadata) from the SDK. */
    private static String[] withoutAmbientAws(Path dir) {
        return new String[] {
            "aws.accessKeyId", null,
            "aws.secretAccessKey", null,
            "aws.region", null,
            "aws.sharedCredentialsFile", dir.resolve("no-credentials").toString(),
            "aws.configFile", dir.resolve("no-config").toString(),
            "aws.disableEc2Metadata", "true"
        };
    }
}
