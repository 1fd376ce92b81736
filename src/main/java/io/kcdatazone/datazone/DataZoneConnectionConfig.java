package io.kcdatazone.datazone;

import static io.kcdatazone.datazone.ConfigValidators.trimmedOrNull;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings both connectors share to reach DataZone: region, endpoint, the SDK's own call limits and the AWS
 * credentials ({@link AwsCredentialsConfig}). {@link #define(ConfigDef)} declares them; {@link #from(AbstractConfig)}
 * reads them through the getters of the connector's config. {@link #toString()} never shows a secret.
 */
public final class DataZoneConnectionConfig {

    public static final String REGION = "datazone.region";
    public static final String ENDPOINT_OVERRIDE = "datazone.endpoint.override";
    public static final String API_CALL_TIMEOUT_MS = "datazone.api.call.timeout.ms";
    public static final String API_CALL_ATTEMPT_TIMEOUT_MS = "datazone.api.call.attempt.timeout.ms";
    public static final String SDK_MAX_ATTEMPTS = "datazone.sdk.max.attempts";
    public static final String VALIDATE_LIVE = "datazone.validate.live";

    public static final String GROUP = "DataZone connection";

    public static final long DEFAULT_API_CALL_TIMEOUT_MS = 30_000L;
    public static final long DEFAULT_API_CALL_ATTEMPT_TIMEOUT_MS = 10_000L;
    public static final int DEFAULT_SDK_MAX_ATTEMPTS = 3;
    private static final int MAX_SDK_MAX_ATTEMPTS = 10;

    /** Shaped like an AWS region name; the list of regions grows, so no fixed list. */
    private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final AbstractConfig config;
    private final AwsCredentialsConfig credentials;
    /** Secrets of settings beyond the connection's own, given by the caller (the ledger clients'). */
    private final List<String> otherSecrets;

    private DataZoneConnectionConfig(AbstractConfig config, Collection<String> otherSecrets) {
        this.config = config;
        this.credentials = AwsCredentialsConfig.from(config);
        this.otherSecrets = List.copyOf(otherSecrets);
    }

    /** Adds the shared DataZone connection and AWS credentials settings to {@code def} and returns it. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        def.define(REGION, Type.STRING, null, ConfigValidators.unsetOrMatching(REGION_PATTERN,
                        "not an AWS region name such as us-east-1", "an AWS region name, e.g. us-east-1"),
                        Importance.HIGH,
                        "The AWS region of the DataZone domain, e.g. us-east-1. When unset, the AWS SDK's default"
                                + " region chain decides (AWS_REGION, the aws.region system property, the profile,"
                                + " instance metadata); the connector fails at start when that finds none.",
                        GROUP, ++order, Width.SHORT, "AWS region")
                .define(ENDPOINT_OVERRIDE, Type.STRING, null, ConfigValidators.httpUri(), Importance.LOW,
                        "Call DataZone at this URI instead of the regional endpoint (a VPC endpoint, or a local"
                                + " stand-in for tests). Requests are still signed for datazone.region.",
                        GROUP, ++order, Width.LONG, "DataZone endpoint override")
                .define(VALIDATE_LIVE, Type.BOOLEAN, true, Importance.LOW,
                        "Whether creating or updating the connector checks, beyond the settings themselves, that the"
                                + " credentials resolve, DataZone answers (and the default domain exists), and the"
                                + " ledger's brokers are reachable. Turn it off only where the Connect REST API cannot"
                                + " reach them.",
                        GROUP, ++order, Width.SHORT, "Validate against live systems")
                .define(API_CALL_TIMEOUT_MS, Type.LONG, DEFAULT_API_CALL_TIMEOUT_MS, Range.atLeast(1),
                        Importance.LOW,
                        "Upper bound, in milliseconds, on one DataZone API call including its retries. The source"
                                + " connector's status calls, which it retries itself, plan no retry that would start"
                                + " later than this after the call began (the last attempt may run on for up to"
                                + " datazone.api.call.attempt.timeout.ms).",
                        GROUP, ++order, Width.SHORT, "API call timeout (ms)")
                .define(API_CALL_ATTEMPT_TIMEOUT_MS, Type.LONG, DEFAULT_API_CALL_ATTEMPT_TIMEOUT_MS, Range.atLeast(1),
                        Importance.LOW,
                        "Upper bound, in milliseconds, on one HTTP attempt of a DataZone API call.",
                        GROUP, ++order, Width.SHORT, "API call attempt timeout (ms)")
                .define(SDK_MAX_ATTEMPTS, Type.INT, DEFAULT_SDK_MAX_ATTEMPTS, Range.between(1, MAX_SDK_MAX_ATTEMPTS),
                        Importance.LOW,
                        "Attempts the AWS SDK makes within one API call (its standard retry strategy, first attempt"
                                + " included) on throttling, server errors and I/O errors. This is only the SDK's"
                                + " short inner retry; the connectors' own backoff settings govern retries across"
                                + " calls. The source connector makes these attempts of its status calls itself, with"
                                + " the same strategy, so that each takes a permit of status.requests.per.second;"
                                + " datazone.api.call.attempt.timeout.ms bounds each attempt and"
                                + " datazone.api.call.timeout.ms the call with its retries.",
                        GROUP, ++order, Width.SHORT, "SDK attempts per call");
        return AwsCredentialsConfig.define(def);
    }

    /** Reads the shared settings from a config whose definition went through {@link #define(ConfigDef)}. */
    public static DataZoneConnectionConfig from(AbstractConfig config) {
        return from(config, List.of());
    }

    /**
     * Like {@link #from(AbstractConfig)}, with {@link #secretRedactor()} masking {@code otherSecrets} too: secret
     * values of settings of the same connector that this class does not declare (the ledger clients' passwords).
     */
    public static DataZoneConnectionConfig from(AbstractConfig config, Collection<String> otherSecrets) {
        return new DataZoneConnectionConfig(config, otherSecrets);
    }

    /**
     * Combinations of settings that are each valid on their own but not together, as messages per key to fix (in
     * declaration order). Empty when the settings are consistent.
     */
    public Map<String, List<String>> problems() {
        Map<String, List<String>> problems = new LinkedHashMap<>(credentials.problems());
        if (apiCallAttemptTimeout().compareTo(apiCallTimeout()) > 0) {
            problems.put(API_CALL_ATTEMPT_TIMEOUT_MS, List.of(API_CALL_ATTEMPT_TIMEOUT_MS + " must not exceed "
                    + API_CALL_TIMEOUT_MS + " (" + apiCallTimeout().toMillis() + ")."));
        }
        return Collections.unmodifiableMap(problems);
    }

    /** Throws a {@link ConfigException} naming the first key to fix when {@link #problems()} is not empty. */
    public void ensureConsistent() {
        problems().values().stream().findFirst().ifPresent(messages -> {
            throw new ConfigException(messages.get(0));
        });
    }

    /**
     * Masks the connector's secret values in texts it did not write itself: the credentials' secrets
     * ({@link AwsCredentialsConfig#secretValues()}) and the other secrets given to
     * {@link #from(AbstractConfig, Collection)}.
     */
    public SecretRedactor secretRedactor() {
        List<String> secrets = new ArrayList<>(credentials.secretValues());
        secrets.addAll(otherSecrets);
        return SecretRedactor.of(secrets);
    }

    public AwsCredentialsConfig credentials() {
        return credentials;
    }

    public Optional<String> region() {
        return Optional.ofNullable(trimmedOrNull(config.getString(REGION)));
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(trimmedOrNull(config.getString(ENDPOINT_OVERRIDE))).map(URI::create);
    }

    /** Whether {@code validate()} checks credentials, DataZone and the ledger live. */
    public boolean validateLive() {
        return config.getBoolean(VALIDATE_LIVE);
    }

    public Duration apiCallTimeout() {
        return Duration.ofMillis(config.getLong(API_CALL_TIMEOUT_MS));
    }

    public Duration apiCallAttemptTimeout() {
        return Duration.ofMillis(config.getLong(API_CALL_ATTEMPT_TIMEOUT_MS));
    }

    public int sdkMaxAttempts() {
        return config.getInt(SDK_MAX_ATTEMPTS);
    }

    @Override
    public String toString() {
        return "DataZoneConnectionConfig{"
                + "region=" + region().orElse(null)
                + ", endpointOverride=" + endpointOverride().orElse(null)
                + ", apiCallTimeout=" + apiCallTimeout()
                + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout()
                + ", sdkMaxAttempts=" + sdkMaxAttempts()
                + ", " + credentials
                + '}';
    }
}
