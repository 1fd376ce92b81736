package io.kcdatazone.datazone;

import static io.kcdatazone.datazone.ConfigValidators.trimmedOrNull;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The AWS credentials settings of a connector, read through the getters of the connector's {@link AbstractConfig}, and
 * the one place that decides where the credentials come from ({@link #source()}): the first of static keys, a
 * profile, a custom provider class that is configured, or (none of them) the AWS default credentials chain. With
 * {@value #ROLE_ARN} set, those credentials are only the base for assuming that role through STS.
 *
 * <p>{@link #toString()} never shows a secret; secret values are {@link Password}s and leave this class only through
 * {@link #secretValues()} and the credentials factory.
 */
public final class AwsCredentialsConfig {

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

    public static final String GROUP = "AWS credentials";
    public static final String DEFAULT_ROLE_SESSION_NAME = "kafka-connect-datazone";

    private static final Pattern ROLE_ARN_PATTERN = Pattern.compile("arn:[a-z-]+:iam::\\d{12}:role/.+");
    /** STS's own constraint on RoleSessionName, checked here so a typo fails validation, not the first STS call. */
    private static final Pattern SESSION_NAME_PATTERN = Pattern.compile("[\\w+=,.@-]{2,64}");

    /** Where the credentials (or, with a role, the base credentials to assume it) come from. */
    public enum Source {
        STATIC_KEYS(ACCESS_KEY_ID),
        PROFILE(AwsCredentialsConfig.PROFILE),
        CUSTOM_PROVIDER(CREDENTIALS_PROVIDER_CLASS),
        /** None is configured; a problem is reported where static keys would go. */
        DEFAULT_CHAIN(ACCESS_KEY_ID);

        private final String key;

        Source(String key) {
            this.key = key;
        }

        /** The setting that chose this source, where a problem with the credentials it gives is reported. */
        public String key() {
            return key;
        }
    }

    private final AbstractConfig config;

    private AwsCredentialsConfig(AbstractConfig config) {
        this.config = config;
    }

    /** Adds the AWS credentials settings to {@code def} and returns it. */
    static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(ACCESS_KEY_ID, Type.PASSWORD, null, Importance.HIGH,
                        "AWS access key id for static credentials, together with " + SECRET_ACCESS_KEY + ". Treated"
                                + " as a secret and never shown. Leave unset to use a profile, a custom provider or"
                                + " the AWS default credentials chain.",
                        GROUP, ++order, Width.MEDIUM, "AWS access key id")
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.HIGH,
                        "AWS secret access key for static credentials, together with " + ACCESS_KEY_ID + ".",
                        GROUP, ++order, Width.MEDIUM, "AWS secret access key")
                .define(SESSION_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                        "Session token for temporary static credentials; needs " + ACCESS_KEY_ID + " and "
                                + SECRET_ACCESS_KEY + ".",
                        GROUP, ++order, Width.LONG, "AWS session token")
                .define(PROFILE, Type.STRING, null, Importance.MEDIUM,
                        "Name of the AWS profile to take credentials from. Cannot be combined with static keys.",
                        GROUP, ++order, Width.MEDIUM, "AWS profile")
                .define(CREDENTIALS_FILE, Type.STRING, null, ConfigValidators.nonBlankWhenSet(), Importance.LOW,
                        "Path of an AWS credentials file to read " + PROFILE + " from, instead of the SDK's default"
                                + " (~/.aws/credentials). Without " + PROFILE + " the file's default profile is used.",
                        GROUP, ++order, Width.LONG, "AWS credentials file")
                .define(CREDENTIALS_PROVIDER_CLASS, Type.CLASS, null,
                        ConfigValidators.implementing(AwsCredentialsProvider.class), Importance.LOW,
                        "A custom software.amazon.awssdk.auth.credentials.AwsCredentialsProvider, with a public"
                                + " no-argument constructor or a public static create() method. If it implements"
                                + " org.apache.kafka.common.Configurable it receives the settings prefixed with '"
                                + CREDENTIALS_PROVIDER_PREFIX + "', prefix removed. Cannot be combined with static"
                                + " keys or a profile.",
                        GROUP, ++order, Width.LONG, "Custom credentials provider class")
                .define(ROLE_ARN, Type.STRING, null, ConfigValidators.unsetOrMatching(ROLE_ARN_PATTERN,
                                "not an IAM role ARN such as arn:aws:iam::123456789012:role/name",
                                "an IAM role ARN, e.g. arn:aws:iam::123456789012:role/name"), Importance.MEDIUM,
                        "ARN of an IAM role to assume through STS. The credentials configured otherwise (or the"
                                + " default chain) are used to assume it; the role's credentials are refreshed before"
                                + " they expire.",
                        GROUP, ++order, Width.LONG, "IAM role ARN")
                .define(ROLE_EXTERNAL_ID, Type.PASSWORD, null, Importance.MEDIUM,
                        "External id the role's trust policy requires (sent to STS as ExternalId). Needs " + ROLE_ARN
                                + ".",
                        GROUP, ++order, Width.MEDIUM, "IAM role external id")
                .define(ROLE_SESSION_NAME, Type.STRING, DEFAULT_ROLE_SESSION_NAME,
                        ConfigValidators.matching(SESSION_NAME_PATTERN,
                                "2 to 64 characters of letters, digits and +=,.@_-"), Importance.LOW,
                        "Session name for the assumed role, visible in CloudTrail (2 to 64 characters of letters,"
                                + " digits and +=,.@_-).",
                        GROUP, ++order, Width.MEDIUM, "IAM role session name")
                .define(STS_ENDPOINT_OVERRIDE, Type.STRING, null, ConfigValidators.httpUri(), Importance.LOW,
                        "Call STS at this URI instead of the regional STS endpoint when assuming " + ROLE_ARN + ".",
                        GROUP, ++order, Width.LONG, "STS endpoint override");
    }

    /** The credentials settings of a config whose definition went through {@link #define(ConfigDef)}. */
    static AwsCredentialsConfig from(AbstractConfig config) {
        return new AwsCredentialsConfig(config);
    }

    /** Where the credentials come from: the first configured of static keys, a profile and a custom provider. */
    public Source source() {
        if (accessKeyId().isPresent()) {
            return Source.STATIC_KEYS;
        }
        if (profile().isPresent() || credentialsFile().isPresent()) {
            return Source.PROFILE;
        }
        if (credentialsProviderClass().isPresent()) {
            return Source.CUSTOM_PROVIDER;
        }
        return Source.DEFAULT_CHAIN;
    }

    /** The setting where a problem resolving the credentials is reported: the role when one is assumed. */
    public String keyToCheck() {
        return roleArn().isPresent() ? ROLE_ARN : source().key();
    }

    /**
     * Combinations of settings that are each valid on their own but not together, as messages per key to fix (in
     * declaration order). Empty when the settings are consistent.
     */
    public Map<String, List<String>> problems() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        boolean accessKey = accessKeyId().isPresent();
        boolean secretKey = secretAccessKey().isPresent();
        boolean staticKeys = accessKey || secretKey;
        if (accessKey && !secretKey) {
            problems.put(SECRET_ACCESS_KEY, List.of(SECRET_ACCESS_KEY + " is required when " + ACCESS_KEY_ID
                    + " is set."));
        }
        if (secretKey && !accessKey) {
            problems.put(ACCESS_KEY_ID, List.of(ACCESS_KEY_ID + " is required when " + SECRET_ACCESS_KEY + " is set."));
        }
        if (sessionToken().isPresent() && !(accessKey && secretKey)) {
            problems.put(SESSION_TOKEN, List.of(SESSION_TOKEN + " needs " + ACCESS_KEY_ID + " and "
                    + SECRET_ACCESS_KEY + " to be set as well."));
        }
        if (staticKeys && profile().isPresent()) {
            problems.put(PROFILE, List.of(PROFILE + " cannot be combined with static keys (" + ACCESS_KEY_ID + ", "
                    + SECRET_ACCESS_KEY + "); set one or the other."));
        }
        if (staticKeys && credentialsFile().isPresent()) {
            problems.put(CREDENTIALS_FILE, List.of(CREDENTIALS_FILE + " cannot be combined with static keys ("
                    + ACCESS_KEY_ID + ", " + SECRET_ACCESS_KEY + ")."));
        }
        if (credentialsProviderClass().isPresent()
                && (staticKeys || profile().isPresent() || credentialsFile().isPresent())) {
            problems.put(CREDENTIALS_PROVIDER_CLASS, List.of(CREDENTIALS_PROVIDER_CLASS + " cannot be combined with"
                    + " static keys or a profile; set only one way of providing credentials."));
        }
        if (roleExternalId().isPresent() && roleArn().isEmpty()) {
            problems.put(ROLE_EXTERNAL_ID, List.of(ROLE_EXTERNAL_ID + " needs " + ROLE_ARN + " to be set."));
        }
        if (stsEndpointOverride().isPresent() && roleArn().isEmpty()) {
            problems.put(STS_ENDPOINT_OVERRIDE, List.of(STS_ENDPOINT_OVERRIDE + " is only used to assume " + ROLE_ARN
                    + ", which is not set."));
        }
        return Collections.unmodifiableMap(problems);
    }

    /**
     * The secret values of these settings: keys, token, external id, and the custom credentials provider's settings
     * whose name says they are secret (password, secret, token, passphrase).
     */
    List<String> secretValues() {
        List<String> secrets = new ArrayList<>();
        for (Optional<Password> password : List.of(accessKeyId(), secretAccessKey(), sessionToken(),
                roleExternalId())) {
            password.ifPresent(p -> secrets.add(p.value()));
        }
        credentialsProviderConfigs().forEach((name, value) -> {
            if (SecretRedactor.looksSecret(name, value)) {
                secrets.add(value instanceof Password ? ((Password) value).value() : String.valueOf(value));
            }
        });
        return secrets;
    }

    public Optional<Password> accessKeyId() {
        return password(ACCESS_KEY_ID);
    }

    public Optional<Password> secretAccessKey() {
        return password(SECRET_ACCESS_KEY);
    }

    public Optional<Password> sessionToken() {
        return password(SESSION_TOKEN);
    }

    public Optional<String> profile() {
        return string(PROFILE);
    }

    public Optional<Path> credentialsFile() {
        return string(CREDENTIALS_FILE).map(Paths::get);
    }

    public Optional<Class<?>> credentialsProviderClass() {
        return Optional.ofNullable(config.getClass(CREDENTIALS_PROVIDER_CLASS));
    }

    /** The {@value #CREDENTIALS_PROVIDER_PREFIX}* settings with the prefix removed, without the class itself. */
    public Map<String, Object> credentialsProviderConfigs() {
        Map<String, Object> configs = new LinkedHashMap<>(config.originalsWithPrefix(CREDENTIALS_PROVIDER_PREFIX));
        configs.remove(CREDENTIALS_PROVIDER_CLASS.substring(CREDENTIALS_PROVIDER_PREFIX.length()));
        return Collections.unmodifiableMap(configs);
    }

    public Optional<String> roleArn() {
        return string(ROLE_ARN);
    }

    public Optional<Password> roleExternalId() {
        return password(ROLE_EXTERNAL_ID);
    }

    public String roleSessionName() {
        return config.getString(ROLE_SESSION_NAME);
    }

    public Optional<URI> stsEndpointOverride() {
        return string(STS_ENDPOINT_OVERRIDE).map(URI::create);
    }

    @Override
    public String toString() {
        // Password.toString() is "[hidden]"; the custom provider's settings may hold secrets, so only their names.
        return "accessKeyId=" + accessKeyId().orElse(null)
                + ", secretAccessKey=" + secretAccessKey().orElse(null)
                + ", sessionToken=" + sessionToken().orElse(null)
                + ", profile=" + profile().orElse(null)
                + ", credentialsFile=" + credentialsFile().orElse(null)
                + ", credentialsProviderClass=" + credentialsProviderClass().map(Class::getName).orElse(null)
                + ", credentialsProviderConfigs=" + credentialsProviderConfigs().keySet()
                + ", roleArn=" + roleArn().orElse(null)
                + ", roleExternalId=" + roleExternalId().orElse(null)
                + ", roleSessionName=" + roleSessionName()
                + ", stsEndpointOverride=" + stsEndpointOverride().orElse(null);
    }

    private Optional<String> string(String key) {
        return Optional.ofNullable(trimmedOrNull(config.getString(key)));
    }

    /** Secrets are taken verbatim: trimming could silently change a key that really ends in a space. */
    private Optional<Password> password(String key) {
        Password value = config.getPassword(key);
        return value == null || value.value() == null || value.value().isEmpty() ? Optional.empty()
                : Optional.of(value);
    }
}
