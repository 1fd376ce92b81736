package io.kcdatazone.datazone;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The settings both connectors share to reach DataZone: region, endpoint, AWS credentials and the SDK's own call
 * limits. {@link #define(ConfigDef)} declares them; {@link #from(AbstractConfig)} reads them into this immutable value.
 *
 * <p>Credentials follow the first of these that is configured: static keys, a profile, a custom provider class, or
 * (none of them) the AWS default credentials chain. With {@value #ROLE_ARN} set, those credentials are only the base
 * for assuming that role through STS.
 *
 * <p>{@link #toString()} never shows a secret; secret values are {@link Password}s and reach callers only through
 * {@link #secretRedactor()} and the credentials factory.
 */
public final class DataZoneConnectionConfig {

    public static final String REGION = "datazone.region";
    public static final String ENDPOINT_OVERRIDE = "datazone.endpoint.override";
    public static final String API_CALL_TIMEOUT_MS = "datazone.api.call.timeout.ms";
    public static final String API_CALL_ATTEMPT_TIMEOUT_MS = "datazone.api.call.attempt.timeout.ms";
    public static final String SDK_MAX_ATTEMPTS = "datazone.sdk.max.attempts";
    public static final String VALIDATE_LIVE = "datazone.validate.live";

    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String SESSION_TOKEN = "aws.session.token";
    public static final String PROFILE = "aws.profile";
    public static final String CREDENTIALS_FILE = "aws.credentials.file";
    public static final String CREDENTIALS_PROVIDER_CLASS = "aws.credentials.provider.class";
    /** Settings under this prefix (other than the class itself) are passed to a configurable custom provider. */
    public static final String CREDENTIALS_PROVIDER_PREFIX = "aws.credentials.provider.";
    public static final String ROLE_ARN = "aws.role.arn";
    public static final String ROLE_EXTERNAL_ID = "aws.role.external.id";
    public static final String ROLE_SESSION_NAME = "aws.role.session.name";
    public static final String STS_ENDPOINT_OVERRIDE = "aws.sts.endpoint.override";

    public static final String CONNECTION_GROUP = "DataZone connection";
    public static final String CREDENTIALS_GROUP = "AWS credentials";

    public static final String DEFAULT_ROLE_SESSION_NAME = "kafka-connect-datazone";
    public static final long DEFAULT_API_CALL_TIMEOUT_MS = 30_000L;
    public static final long DEFAULT_API_CALL_ATTEMPT_TIMEOUT_MS = 10_000L;
    public static final int DEFAULT_SDK_MAX_ATTEMPTS = 3;
    static final int MAX_SDK_MAX_ATTEMPTS = 10;

    private final String region;
    private final URI endpointOverride;
    private final Duration apiCallTimeout;
    private final Duration apiCallAttemptTimeout;
    private final int sdkMaxAttempts;
    private final boolean validateLive;
    private final Password accessKeyId;
    private final Password secretAccessKey;
    private final Password sessionToken;
    private final String profile;
    private final Path credentialsFile;
    private final Class<?> credentialsProviderClass;
    private final Map<String, Object> credentialsProviderConfigs;
    private final String roleArn;
    private final Password roleExternalId;
    private final String roleSessionName;
    private final URI stsEndpointOverride;
    /** Secrets of settings beyond our own: the custom provider's and those the caller passed (the ledger clients'). */
    private final List<String> otherSecrets;

    private DataZoneConnectionConfig(AbstractConfig cfg, Collection<String> callerSecrets) {
        this.region = blankToNull(cfg.getString(REGION));
        this.endpointOverride = toUri(cfg.getString(ENDPOINT_OVERRIDE));
        this.apiCallTimeout = Duration.ofMillis(cfg.getLong(API_CALL_TIMEOUT_MS));
        this.validateLive = cfg.getBoolean(VALIDATE_LIVE);
        this.apiCallAttemptTimeout = Duration.ofMillis(cfg.getLong(API_CALL_ATTEMPT_TIMEOUT_MS));
        this.sdkMaxAttempts = cfg.getInt(SDK_MAX_ATTEMPTS);
        this.accessKeyId = blankToNull(cfg.getPassword(ACCESS_KEY_ID));
        this.secretAccessKey = blankToNull(cfg.getPassword(SECRET_ACCESS_KEY));
        this.sessionToken = blankToNull(cfg.getPassword(SESSION_TOKEN));
        this.profile = blankToNull(cfg.getString(PROFILE));
        String file = blankToNull(cfg.getString(CREDENTIALS_FILE));
        this.credentialsFile = file == null ? null : Paths.get(file);
        this.credentialsProviderClass = cfg.getClass(CREDENTIALS_PROVIDER_CLASS);
        Map<String, Object> providerConfigs = new LinkedHashMap<>(cfg.originalsWithPrefix(CREDENTIALS_PROVIDER_PREFIX));
        providerConfigs.remove(CREDENTIALS_PROVIDER_CLASS.substring(CREDENTIALS_PROVIDER_PREFIX.length()));
        this.credentialsProviderConfigs = Collections.unmodifiableMap(providerConfigs);
        this.roleArn = blankToNull(cfg.getString(ROLE_ARN));
        this.roleExternalId = blankToNull(cfg.getPassword(ROLE_EXTERNAL_ID));
        this.roleSessionName = cfg.getString(ROLE_SESSION_NAME);
        this.stsEndpointOverride = toUri(cfg.getString(STS_ENDPOINT_OVERRIDE));
        List<String> secrets = new ArrayList<>(callerSecrets);
        credentialsProviderConfigs.forEach((name, value) -> {
            if (SecretRedactor.looksSecret(name, value)) {
                secrets.add(value instanceof Password ? ((Password) value).value() : String.valueOf(value));
            }
        });
        this.otherSecrets = List.copyOf(secrets);
    }

    /** Adds the shared DataZone connection and AWS credentials settings to {@code def} and returns it. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        def.define(REGION, Type.STRING, null, new RegionValidator(), Importance.HIGH,
                "The AWS region of the DataZone domain, e.g. us-east-1. When unset, the AWS SDK's default region "
                        + "chain decides (AWS_REGION, the aws.region system property, the profile, instance metadata); "
                        + "the connector fails at start when that finds none.",
                CONNECTION_GROUP, ++order, Width.SHORT, "AWS region");
        def.define(ENDPOINT_OVERRIDE, Type.STRING, null, new UriValidator(), Importance.LOW,
                "Call DataZone at this URI instead of the regional endpoint (a VPC endpoint, or a local stand-in for "
                        + "tests). Requests are still signed for datazone.region.",
                CONNECTION_GROUP, ++order, Width.LONG, "DataZone endpoint override");
        def.define(VALIDATE_LIVE, Type.BOOLEAN, true, Importance.LOW,
                "Whether creating or updating the connector checks, beyond the settings themselves, that the"
                        + " credentials resolve, DataZone answers (and the default domain exists), and the ledger's"
                        + " brokers are reachable. Turn it off only where the Connect REST API cannot reach them.",
                CONNECTION_GROUP, ++order, Width.SHORT, "Validate against live systems");
        def.define(API_CALL_TIMEOUT_MS, Type.LONG, DEFAULT_API_CALL_TIMEOUT_MS, ConfigDef.Range.atLeast(1),
                Importance.LOW,
                "Upper bound, in milliseconds, on one DataZone API call including the AWS SDK's own retries.",
                CONNECTION_GROUP, ++order, Width.SHORT, "API call timeout (ms)");
        def.define(API_CALL_ATTEMPT_TIMEOUT_MS, Type.LONG, DEFAULT_API_CALL_ATTEMPT_TIMEOUT_MS,
                ConfigDef.Range.atLeast(1), Importance.LOW,
                "Upper bound, in milliseconds, on one HTTP attempt of a DataZone API call.",
                CONNECTION_GROUP, ++order, Width.SHORT, "API call attempt timeout (ms)");
        def.define(SDK_MAX_ATTEMPTS, Type.INT, DEFAULT_SDK_MAX_ATTEMPTS,
                ConfigDef.Range.between(1, MAX_SDK_MAX_ATTEMPTS), Importance.LOW,
                "Attempts the AWS SDK makes within one API call (its standard retry strategy, first attempt "
                        + "included) on throttling, server errors and I/O errors. This is only the SDK's short inner "
                        + "retry; the connectors' own backoff settings govern retries across calls.",
                CONNECTION_GROUP, ++order, Width.SHORT, "SDK attempts per call");

        order = 0;
        def.define(ACCESS_KEY_ID, Type.PASSWORD, null, Importance.HIGH,
                "AWS access key id for static credentials, together with " + SECRET_ACCESS_KEY + ". Treated as a "
                        + "secret and never shown. Leave unset to use a profile, a custom provider or the AWS default "
                        + "credentials chain.",
                CREDENTIALS_GROUP, ++order, Width.MEDIUM, "AWS access key id");
        def.define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.HIGH,
                "AWS secret access key for static credentials, together with " + ACCESS_KEY_ID + ".",
                CREDENTIALS_GROUP, ++order, Width.MEDIUM, "AWS secret access key");
        def.define(SESSION_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                "Session token for temporary static credentials; needs " + ACCESS_KEY_ID + " and "
                        + SECRET_ACCESS_KEY + ".",
                CREDENTIALS_GROUP, ++order, Width.LONG, "AWS session token");
        def.define(PROFILE, Type.STRING, null, Importance.MEDIUM,
                "Name of the AWS profile to take credentials from. Cannot be combined with static keys.",
                CREDENTIALS_GROUP, ++order, Width.MEDIUM, "AWS profile");
        def.define(CREDENTIALS_FILE, Type.STRING, null, new NonBlankValidator(), Importance.LOW,
                "Path of an AWS credentials file to read " + PROFILE + " from, instead of the SDK's default "
                        + "(~/.aws/credentials). Without " + PROFILE + " the file's default profile is used.",
                CREDENTIALS_GROUP, ++order, Width.LONG, "AWS credentials file");
        def.define(CREDENTIALS_PROVIDER_CLASS, Type.CLASS, null, new CredentialsProviderClassValidator(),
                Importance.LOW,
                "A custom software.amazon.awssdk.auth.credentials.AwsCredentialsProvider, with a public no-argument "
                        + "constructor or a public static create() method. If it implements "
                        + "org.apache.kafka.common.Configurable it receives the settings prefixed with '"
                        + CREDENTIALS_PROVIDER_PREFIX + "', prefix removed. Cannot be combined with static keys "
                        + "or a profile.",
                CREDENTIALS_GROUP, ++order, Width.LONG, "Custom credentials provider class");
        def.define(ROLE_ARN, Type.STRING, null, new RoleArnValidator(), Importance.MEDIUM,
                "ARN of an IAM role to assume through STS. The credentials configured otherwise (or the default "
                        + "chain) are used to assume it; the role's credentials are refreshed before they expire.",
                CREDENTIALS_GROUP, ++order, Width.LONG, "IAM role ARN");
        def.define(ROLE_EXTERNAL_ID, Type.PASSWORD, null, Importance.MEDIUM,
                "External id the role's trust policy requires (sent to STS as ExternalId). Needs " + ROLE_ARN + ".",
                CREDENTIALS_GROUP, ++order, Width.MEDIUM, "IAM role external id");
        def.define(ROLE_SESSION_NAME, Type.STRING, DEFAULT_ROLE_SESSION_NAME, new RoleSessionNameValidator(),
                Importance.LOW,
                "Session name for the assumed role, visible in CloudTrail (2 to 64 characters of letters, digits "
                        + "and +=,.@_-).",
                CREDENTIALS_GROUP, ++order, Width.MEDIUM, "IAM role session name");
        def.define(STS_ENDPOINT_OVERRIDE, Type.STRING, null, new UriValidator(), Importance.LOW,
                "Call STS at this URI instead of the regional STS endpoint when assuming " + ROLE_ARN + ".",
                CREDENTIALS_GROUP, ++order, Width.LONG, "STS endpoint override");
        return def;
    }

    /** Reads the shared settings from a config whose definition went through {@link #define(ConfigDef)}. */
    public static DataZoneConnectionConfig from(AbstractConfig cfg) {
        return from(cfg, List.of());
    }

    /**
     * Like {@link #from(AbstractConfig)}, with {@link #secretRedactor()} masking {@code otherSecrets} too: secret
     * values of settings of the same connector that this class does not declare (the ledger clients' passwords).
     */
    public static DataZoneConnectionConfig from(AbstractConfig cfg, Collection<String> otherSecrets) {
        return new DataZoneConnectionConfig(cfg, otherSecrets);
    }

    /**
     * Combinations of settings that are each valid on their own but not together, as messages per key to fix (in
     * declaration order). Empty when the settings are consistent.
     */
    public Map<String, List<String>> problems() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        if (accessKeyId != null && secretAccessKey == null) {
            add(problems, SECRET_ACCESS_KEY, SECRET_ACCESS_KEY + " is required when " + ACCESS_KEY_ID + " is set.");
        }
        if (secretAccessKey != null && accessKeyId == null) {
            add(problems, ACCESS_KEY_ID, ACCESS_KEY_ID + " is required when " + SECRET_ACCESS_KEY + " is set.");
        }
        if (sessionToken != null && (accessKeyId == null || secretAccessKey == null)) {
            add(problems, SESSION_TOKEN, SESSION_TOKEN + " needs " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                    + " to be set as well.");
        }
        boolean staticKeys = accessKeyId != null || secretAccessKey != null;
        if (staticKeys && profile != null) {
            add(problems, PROFILE, PROFILE + " cannot be combined with static keys (" + ACCESS_KEY_ID + ", "
                    + SECRET_ACCESS_KEY + "); set one or the other.");
        }
        if (staticKeys && credentialsFile != null) {
            add(problems, CREDENTIALS_FILE, CREDENTIALS_FILE + " cannot be combined with static keys ("
                    + ACCESS_KEY_ID + ", " + SECRET_ACCESS_KEY + ").");
        }
        if (credentialsProviderClass != null && (staticKeys || profile != null || credentialsFile != null)) {
            add(problems, CREDENTIALS_PROVIDER_CLASS, CREDENTIALS_PROVIDER_CLASS + " cannot be combined with "
                    + "static keys or a profile; set only one way of providing credentials.");
        }
        if (roleExternalId != null && roleArn == null) {
            add(problems, ROLE_EXTERNAL_ID, ROLE_EXTERNAL_ID + " needs " + ROLE_ARN + " to be set.");
        }
        if (stsEndpointOverride != null && roleArn == null) {
            add(problems, STS_ENDPOINT_OVERRIDE, STS_ENDPOINT_OVERRIDE + " is only used to assume " + ROLE_ARN
                    + ", which is not set.");
        }
        if (apiCallAttemptTimeout.compareTo(apiCallTimeout) > 0) {
            add(problems, API_CALL_ATTEMPT_TIMEOUT_MS, API_CALL_ATTEMPT_TIMEOUT_MS + " must not exceed "
                    + API_CALL_TIMEOUT_MS + " (" + apiCallTimeout.toMillis() + ").");
        }
        return Collections.unmodifiableMap(problems);
    }

    /** Throws a {@link ConfigException} naming the first key to fix when {@link #problems()} is not empty. */
    public void ensureConsistent() {
        problems().entrySet().stream().findFirst().ifPresent(problem -> {
            throw new ConfigException(problem.getValue().get(0));
        });
    }

    /**
     * Masks the connector's secret values in texts it did not write itself: keys, token, external id, the custom
     * credentials provider's settings whose name says they are secret (password, secret, token, passphrase), and
     * the other secrets given to {@link #from(AbstractConfig, Collection)}.
     */
    public SecretRedactor secretRedactor() {
        List<String> secrets = new ArrayList<>(otherSecrets);
        for (Password password : Arrays.asList(accessKeyId, secretAccessKey, sessionToken, roleExternalId)) {
            if (password != null) {
                secrets.add(password.value());
            }
        }
        return SecretRedactor.of(secrets);
    }

    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpointOverride);
    }

    /** Whether {@code validate()} checks credentials, DataZone and the ledger live. */
    public boolean validateLive() {
        return validateLive;
    }

    public Duration apiCallTimeout() {
        return apiCallTimeout;
    }

    public Duration apiCallAttemptTimeout() {
        return apiCallAttemptTimeout;
    }

    public int sdkMaxAttempts() {
        return sdkMaxAttempts;
    }

    public Optional<Password> accessKeyId() {
        return Optional.ofNullable(accessKeyId);
    }

    public Optional<Password> secretAccessKey() {
        return Optional.ofNullable(secretAccessKey);
    }

    public Optional<Password> sessionToken() {
        return Optional.ofNullable(sessionToken);
    }

    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    public Optional<Path> credentialsFile() {
        return Optional.ofNullable(credentialsFile);
    }

    public Optional<Class<?>> credentialsProviderClass() {
        return Optional.ofNullable(credentialsProviderClass);
    }

    /** The {@value #CREDENTIALS_PROVIDER_PREFIX}* settings with the prefix removed, without the class itself. */
    public Map<String, Object> credentialsProviderConfigs() {
        return credentialsProviderConfigs;
    }

    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    public Optional<Password> roleExternalId() {
        return Optional.ofNullable(roleExternalId);
    }

    public String roleSessionName() {
        return roleSessionName;
    }

    public Optional<URI> stsEndpointOverride() {
        return Optional.ofNullable(stsEndpointOverride);
    }

    @Override
    public String toString() {
        // Password.toString() is "[hidden]"; the custom provider's settings may hold secrets, so only their names.
        return "DataZoneConnectionConfig{"
                + "region=" + region
                + ", endpointOverride=" + endpointOverride
                + ", apiCallTimeout=" + apiCallTimeout
                + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout
                + ", sdkMaxAttempts=" + sdkMaxAttempts
                + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + secretAccessKey
                + ", sessionToken=" + sessionToken
                + ", profile=" + profile
                + ", credentialsFile=" + credentialsFile
                + ", credentialsProviderClass=" + (credentialsProviderClass == null
                        ? null : credentialsProviderClass.getName())
                + ", credentialsProviderConfigs=" + credentialsProviderConfigs.keySet()
                + ", roleArn=" + roleArn
                + ", roleExternalId=" + roleExternalId
                + ", roleSessionName=" + roleSessionName
                + ", stsEndpointOverride=" + stsEndpointOverride
                + '}';
    }

    private static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    private static String blankToNull(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    private static Password blankToNull(Password value) {
        // Secrets are taken verbatim: trimming could silently change a key that really ends in a space.
        return value == null || value.value() == null || value.value().isEmpty() ? null : value;
    }

    private static URI toUri(String value) {
        String uri = blankToNull(value);
        return uri == null ? null : URI.create(uri);
    }

    /** Accepts unset, or an absolute http(s) URI with a host. */
    private static final class UriValidator implements ConfigDef.Validator {
        private static final Pattern HTTP_SCHEME = Pattern.compile("https?://", Pattern.CASE_INSENSITIVE);

        @Override
        public void ensureValid(String name, Object value) {
            String text = blankToNull((String) value);
            if (text == null) {
                return;
            }
            // checked before parsing: "127.0.0.1:8080" is the likely mistake, and would parse as scheme "127.0.0.1"
            if (!HTTP_SCHEME.matcher(text).lookingAt()) {
                throw new ConfigException(name, value, "the URI must start with http:// or https://");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a valid URI: " + e.getReason());
            }
            if (uri.getHost() == null) {
                throw new ConfigException(name, value, "the URI must name a host");
            }
        }

        @Override
        public String toString() {
            return "an absolute http:// or https:// URI";
        }
    }

    /** Accepts unset, or something shaped like an AWS region name; the list of regions grows, so no fixed list. */
    private static final class RegionValidator implements ConfigDef.Validator {
        private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

        @Override
        public void ensureValid(String name, Object value) {
            String region = blankToNull((String) value);
            if (region != null && !REGION_PATTERN.matcher(region).matches()) {
                throw new ConfigException(name, value, "not an AWS region name such as us-east-1");
            }
        }

        @Override
        public String toString() {
            return "an AWS region name, e.g. us-east-1";
        }
    }

    private static final class RoleArnValidator implements ConfigDef.Validator {
        private static final Pattern ROLE_ARN_PATTERN = Pattern.compile("arn:[a-z-]+:iam::\\d{12}:role/.+");

        @Override
        public void ensureValid(String name, Object value) {
            String arn = blankToNull((String) value);
            if (arn != null && !ROLE_ARN_PATTERN.matcher(arn).matches()) {
                throw new ConfigException(name, value,
                        "not an IAM role ARN such as arn:aws:iam::123456789012:role/name");
            }
        }

        @Override
        public String toString() {
            return "an IAM role ARN, e.g. arn:aws:iam::123456789012:role/name";
        }
    }

    /** STS's own constraint on RoleSessionName, checked here so a typo fails validation, not the first STS call. */
    private static final class RoleSessionNameValidator implements ConfigDef.Validator {
        private static final Pattern SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !SESSION_NAME_PATTERN.matcher((String) value).matches()) {
                throw new ConfigException(name, value, "must be 2 to 64 characters of letters, digits and +=,.@_-");
            }
        }

        @Override
        public String toString() {
            return "2 to 64 characters of letters, digits and +=,.@_-";
        }
    }

    private static final class NonBlankValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && ((String) value).trim().isEmpty()) {
                throw new ConfigException(name, value, "must not be blank when set");
            }
        }

        @Override
        public String toString() {
            return "a non-blank string";
        }
    }

    private static final class CredentialsProviderClassValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !AwsCredentialsProvider.class.isAssignableFrom((Class<?>) value)) {
                throw new ConfigException(name, ((Class<?>) value).getName(),
                        "does not implement " + AwsCredentialsProvider.class.getName());
            }
        }

        @Override
        public String toString() {
            return "a class implementing " + AwsCredentialsProvider.class.getName();
        }
    }
}
