package io.kcdatazone.datazone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.datazone.AwsCredentialsConfig.Source;
import java.net.URI;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

class DataZoneConnectionConfigTest {

    private static final String ACCESS_KEY = "AKIASECRETSHOULDNOTLEAK";
    private static final String SECRET_KEY = "secret-should-not-leak";
    private static final String SESSION_TOKEN = "session-token-should-not-leak";
    private static final String EXTERNAL_ID = "external-id-should-not-leak";
    private static final List<String> SECRETS = List.of(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID);

    private static final ConfigDef DEF = DataZoneConnectionConfig.define(new ConfigDef());

    private static DataZoneConnectionConfig config(Map<String, String> props) {
        return DataZoneConnectionConfig.from(new AbstractConfig(DEF, props));
    }

    @Test
    void defaultsLeaveEverythingToTheSdkExceptTheSdkRetriesAndTimeouts() {
        DataZoneConnectionConfig config = config(Map.of());

        assertThat(config.region()).isEmpty();
        assertThat(config.endpointOverride()).isEmpty();
        assertThat(config.credentials().accessKeyId()).isEmpty();
        assertThat(config.credentials().profile()).isEmpty();
        assertThat(config.credentials().roleArn()).isEmpty();
        assertThat(config.credentials().credentialsProviderClass()).isEmpty();
        assertThat(config.credentials().roleSessionName()).isEqualTo("kafka-connect-datazone");
        assertThat(config.sdkMaxAttempts()).isEqualTo(3);
        assertThat(config.apiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.problems()).isEmpty();
    }

    @Test
    void readsEverySetting() {
        Map<String, String> props = new HashMap<>();
        props.put("datazone.region", "eu-west-1");
        props.put("datazone.endpoint.override", "http://127.0.0.1:8080");
        props.put("datazone.api.call.timeout.ms", "5000");
        props.put("datazone.api.call.attempt.timeout.ms", "1000");
        props.put("datazone.sdk.max.attempts", "2");
        props.put("aws.profile", "datazone");
        props.put("aws.credentials.file", "/etc/aws/credentials");
        props.put("aws.role.arn", "arn:aws:iam::123456789012:role/datazone");
        props.put("aws.role.external.id", EXTERNAL_ID);
        props.put("aws.role.session.name", "my-session");
        props.put("aws.sts.endpoint.override", "https://sts.example.com");
        props.put("aws.credentials.provider.region", "x");

        DataZoneConnectionConfig config = config(props);

        assertThat(config.region()).contains("eu-west-1");
        assertThat(config.endpointOverride()).contains(URI.create("http://127.0.0.1:8080"));
        assertThat(config.apiCallTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.sdkMaxAttempts()).isEqualTo(2);
        assertThat(config.credentials().profile()).contains("datazone");
        assertThat(config.credentials().credentialsFile()).contains(Paths.get("/etc/aws/credentials"));
        assertThat(config.credentials().roleArn()).contains("arn:aws:iam::123456789012:role/datazone");
        assertThat(config.credentials().roleExternalId()).hasValueSatisfying(p -> assertThat(p.value()).isEqualTo(EXTERNAL_ID));
        assertThat(config.credentials().roleSessionName()).isEqualTo("my-session");
        assertThat(config.credentials().stsEndpointOverride()).contains(URI.create("https://sts.example.com"));
        assertThat(config.problems()).isEmpty();
    }

    @Test
    void passesPrefixedSettingsToTheCustomProviderWithoutTheClassItself() {
        DataZoneConnectionConfig config = config(Map.of(
                "aws.credentials.provider.class", AnonymousCredentialsProvider.class.getName(),
                "aws.credentials.provider.vault.path", "secret/datazone"));

        assertThat(config.credentials().credentialsProviderClass()).contains(AnonymousCredentialsProvider.class);
        assertThat(config.credentials().credentialsProviderConfigs()).containsExactly(Map.entry("vault.path", "secret/datazone"));
    }

    @Test
    void blankValuesCountAsUnset() {
        DataZoneConnectionConfig config = config(Map.of(
                "datazone.endpoint.override", " ", "aws.access.key.id", "", "aws.profile", "  ", "aws.role.arn", ""));

        assertThat(config.endpointOverride()).isEmpty();
        assertThat(config.credentials().accessKeyId()).isEmpty();
        assertThat(config.credentials().profile()).isEmpty();
        assertThat(config.credentials().roleArn()).isEmpty();
    }

    @Test
    void secretsArePasswords() {
        for (String key : List.of("aws.access.key.id", "aws.secret.access.key", "aws.session.token",
                "aws.role.external.id")) {
            assertThat(DEF.configKeys().get(key).type).as(key).isEqualTo(ConfigDef.Type.PASSWORD);
        }
    }

    @Test
    void everySettingIsDocumentedAndGrouped() {
        assertThat(DEF.configKeys().values()).allSatisfy(key -> {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.displayName).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isIn("DataZone connection", "AWS credentials");
        });
        assertThat(DEF.names()).containsExactlyInAnyOrder(
                "datazone.region", "datazone.endpoint.override", "datazone.api.call.timeout.ms",
                "datazone.api.call.attempt.timeout.ms", "datazone.sdk.max.attempts", "datazone.validate.live",
                "aws.access.key.id",
                "aws.secret.access.key", "aws.session.token", "aws.profile", "aws.credentials.file",
                "aws.credentials.provider.class", "aws.role.arn", "aws.role.external.id", "aws.role.session.name",
                "aws.sts.endpoint.override");
    }

    @Test
    void singleValuesAreValidatedPerKey() {
        assertInvalid("datazone.endpoint.override", "127.0.0.1:8080", "http:// or https://");
        assertInvalid("datazone.endpoint.override", "ftp://example.com", "http:// or https://");
        assertInvalid("datazone.endpoint.override", "http://exa mple.com", "not a valid URI");
        assertInvalid("aws.sts.endpoint.override", "http:///path", "must name a host");
        assertInvalid("datazone.region", "US East 1", "AWS region");
        assertInvalid("aws.role.arn", "datazone-role", "IAM role ARN");
        assertInvalid("aws.role.session.name", "has spaces", "2 to 64 characters");
        assertInvalid("datazone.sdk.max.attempts", "0", "at least 1");
        assertInvalid("datazone.sdk.max.attempts", "11", "no more than 10");
        assertInvalid("datazone.api.call.timeout.ms", "0", "at least 1");
        assertInvalid("aws.credentials.provider.class", String.class.getName(), "AwsCredentialsProvider");
    }

    @Test
    void acceptsRegionsOfEveryPartition() {
        for (String region : List.of("us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-5")) {
            assertThat(config(Map.of("datazone.region", region)).region()).contains(region);
        }
    }

    @Test
    void reportsInconsistentCombinationsPerKeyToFix() {
        assertProblem(Map.of("aws.access.key.id", ACCESS_KEY), "aws.secret.access.key");
        assertProblem(Map.of("aws.secret.access.key", SECRET_KEY), "aws.access.key.id");
        assertProblem(Map.of("aws.session.token", SESSION_TOKEN), "aws.session.token");
        assertProblem(Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key", SECRET_KEY,
                "aws.profile", "datazone"), "aws.profile");
        assertProblem(Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key", SECRET_KEY,
                "aws.credentials.file", "/tmp/credentials"), "aws.credentials.file");
        assertProblem(Map.of("aws.profile", "datazone",
                "aws.credentials.provider.class", AnonymousCredentialsProvider.class.getName()),
                "aws.credentials.provider.class");
        assertProblem(Map.of("aws.role.external.id", EXTERNAL_ID), "aws.role.external.id");
        assertProblem(Map.of("aws.sts.endpoint.override", "http://127.0.0.1:1"), "aws.sts.endpoint.override");
        assertProblem(Map.of("datazone.api.call.timeout.ms", "1000", "datazone.api.call.attempt.timeout.ms", "2000"),
                "datazone.api.call.attempt.timeout.ms");
    }

    @Test
    void acceptsEachCredentialsModeOnItsOwnAndWithARole() {
        String role = "arn:aws:iam::123456789012:role/datazone";
        List<Map<String, String>> valid = List.of(
                Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key", SECRET_KEY,
                        "aws.session.token", SESSION_TOKEN),
                Map.of("aws.profile", "datazone", "aws.credentials.file", "/tmp/credentials"),
                Map.of("aws.credentials.provider.class", AnonymousCredentialsProvider.class.getName(),
                        "aws.role.arn", role),
                Map.of("aws.role.arn", role, "aws.role.external.id", EXTERNAL_ID,
                        "aws.sts.endpoint.override", "http://127.0.0.1:1"),
                Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key", SECRET_KEY, "aws.role.arn", role));
        for (Map<String, String> props : valid) {
            assertThat(config(props).problems()).as(props.keySet().toString()).isEmpty();
        }
    }

    @Test
    void credentialsComeFromTheFirstConfiguredSourceWhoseKeyTakesTheirProblems() {
        String role = "arn:aws:iam::123456789012:role/datazone";
        assertSource(Map.of(), Source.DEFAULT_CHAIN, "aws.access.key.id");
        assertSource(Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key", SECRET_KEY),
                Source.STATIC_KEYS, "aws.access.key.id");
        assertSource(Map.of("aws.profile", "datazone"), Source.PROFILE, "aws.profile");
        assertSource(Map.of("aws.credentials.file", "/tmp/credentials"), Source.PROFILE, "aws.profile");
        assertSource(Map.of("aws.credentials.provider.class", AnonymousCredentialsProvider.class.getName()),
                Source.CUSTOM_PROVIDER, "aws.credentials.provider.class");
        assertSource(Map.of("aws.profile", "datazone", "aws.role.arn", role), Source.PROFILE, "aws.role.arn");
    }

    @Test
    void ensureConsistentNamesTheKeyWithoutShowingTheSecret() {
        DataZoneConnectionConfig config = config(Map.of("aws.access.key.id", ACCESS_KEY,
                "aws.session.token", SESSION_TOKEN));

        assertThatThrownBy(config::ensureConsistent)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("aws.secret.access.key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRETS));
    }

    @Test
    void toStringShowsNoSecret() {
        Map<String, String> props = new HashMap<>();
        props.put("aws.access.key.id", ACCESS_KEY);
        props.put("aws.secret.access.key", SECRET_KEY);
        props.put("aws.session.token", SESSION_TOKEN);
        props.put("aws.role.arn", "arn:aws:iam::123456789012:role/datazone");
        props.put("aws.role.external.id", EXTERNAL_ID);
        props.put("aws.credentials.provider.password", "provider-password-should-not-leak");

        String text = config(props).toString();

        assertThat(text).contains("roleArn=arn:aws:iam::123456789012:role/datazone", "[hidden]", "password")
                .doesNotContain(SECRETS).doesNotContain("provider-password-should-not-leak");
    }

    @Test
    void redactorMasksEveryConfiguredSecret() {
        SecretRedactor redactor = config(Map.of("aws.access.key.id", ACCESS_KEY, "aws.secret.access.key",
                SECRET_KEY, "aws.session.token", SESSION_TOKEN, "aws.role.arn",
                "arn:aws:iam::123456789012:role/datazone", "aws.role.external.id", EXTERNAL_ID)).secretRedactor();

        String redacted = redactor.redact("key " + ACCESS_KEY + " secret " + SECRET_KEY + " token " + SESSION_TOKEN
                + " external id " + EXTERNAL_ID);

        assertThat(redacted).isEqualTo("key [hidden] secret [hidden] token [hidden] external id [hidden]");
        assertThat(redactor.redact(null)).isNull();
    }

    @Test
    void redactorAlsoMasksTheCustomProvidersSecretsAndTheOtherSecretsItIsGiven() {
        Map<String, String> props = new HashMap<>();
        props.put("aws.credentials.provider.class", AnonymousCredentialsProvider.class.getName());
        props.put("aws.credentials.provider.password", "provider-password-9d2c");
        props.put("aws.credentials.provider.client.secret", "provider-client-secret-47ab");
        props.put("aws.credentials.provider.vault.token", "provider-vault-token-e3f0");
        props.put("aws.credentials.provider.endpoint", "https://vault.example.com");

        DataZoneConnectionConfig config =
                DataZoneConnectionConfig.from(new AbstractConfig(DEF, props), List.of("ledger-password-13be"));
        String redacted = config.secretRedactor().redact("provider-password-9d2c provider-client-secret-47ab"
                + " provider-vault-token-e3f0 https://vault.example.com ledger-password-13be");

        assertThat(redacted).isEqualTo("[hidden] [hidden] [hidden] https://vault.example.com [hidden]");
    }

    private static void assertSource(Map<String, String> props, Source source, String keyToCheck) {
        AwsCredentialsConfig credentials = config(props).credentials();
        assertThat(credentials.source()).as(props.keySet().toString()).isEqualTo(source);
        assertThat(credentials.keyToCheck()).as(props.keySet().toString()).isEqualTo(keyToCheck);
    }

    private static void assertInvalid(String key, String value, String reason) {
        ConfigValue result = DEF.validate(Map.of(key, value)).stream()
                .filter(v -> v.name().equals(key)).findFirst().orElseThrow();
        assertThat(result.errorMessages()).as(key + "=" + value).anySatisfy(m -> assertThat(m).contains(reason));
    }

    private static void assertProblem(Map<String, String> props, String key) {
        Map<String, List<String>> problems = config(props).problems();
        assertThat(problems).as(props.keySet().toString()).containsOnlyKeys(key);
        assertThat(problems.get(key)).allSatisfy(message -> assertThat(message).contains(key)
                .doesNotContain(SECRETS));
    }
}
