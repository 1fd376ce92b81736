package io.kcdatazone.datazone;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the {@link AwsCredentialsProvider} a {@link DataZoneConnectionConfig} describes. Building calls no service:
 * credentials are resolved on the first AWS call (and refreshed by the SDK), so an STS or instance metadata outage
 * while a task starts does not fail the task; the connectors retry calls that fail on credentials. What building can
 * check (consistent settings, a readable credentials file, a custom provider class that can be made) fails at once
 * with a {@link ConfigException}. {@link #verify} resolves once, for the connector's {@code validate()}, and names the
 * credentials mode and the keys to check. Messages never carry a secret: the SDK's own reasons are passed through the
 * config's {@link SecretRedactor}, and no SDK exception is attached as a cause.
 *
 * <p>The returned provider belongs to the caller; close it when it is an {@link SdkAutoCloseable} (an assumed role's
 * provider also closes its STS client and base credentials).
 */
public final class AwsCredentialsProviderFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AwsCredentialsProviderFactory.class);

    private AwsCredentialsProviderFactory() {
    }

    /**
     * The provider for {@code config}, not yet resolved.
     *
     * @param region the region STS is called in when a role is assumed
     * @throws ConfigException when the settings are inconsistent or the provider cannot be built
     */
    public static AwsCredentialsProvider create(DataZoneConnectionConfig config, Region region) {
        config.ensureConsistent();
        AwsCredentialsConfig credentials = config.credentials();
        AwsCredentialsProvider baseProvider = built(() -> buildBase(credentials, config.secretRedactor()), config);
        LOG.info("Using AWS credentials from {}", describe(credentials));
        if (credentials.roleArn().isEmpty()) {
            return baseProvider;
        }
        try {
            return built(() -> assumeRole(config, region, baseProvider), config);
        } catch (RuntimeException e) {
            closeQuietly(baseProvider);
            throw e;
        }
    }

    /**
     * Closes a provider that holds resources (an {@link SdkAutoCloseable}, or a custom provider that is
     * {@link AutoCloseable}); a failure is logged, not thrown, as the paths that close one must carry on.
     */
    static void closeQuietly(AwsCredentialsProvider provider) {
        if (provider instanceof AutoCloseable) {
            Utils.closeQuietly((AutoCloseable) provider, "AWS credentials provider");
        }
    }

    /** Builds a provider; a failure other than our own ConfigException becomes one with a message safe to show. */
    private static AwsCredentialsProvider built(Supplier<AwsCredentialsProvider> builder,
                                                DataZoneConnectionConfig config) {
        try {
            return builder.get();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException("Could not set up AWS credentials from " + describe(config.credentials()) + ": "
                    + config.secretRedactor().redact(reason(e)));
        }
    }

    /**
     * Resolves credentials once through {@code provider}, built by {@link #create} from {@code config}.
     *
     * @throws ConfigException naming the credentials mode and the keys to check, when none can be resolved
     */
    public static void verify(AwsCredentialsProvider provider, DataZoneConnectionConfig config) {
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            throw new ConfigException("Could not resolve AWS credentials from " + describe(config.credentials()) + ": "
                    + config.secretRedactor().redact(reason(e)));
        }
    }

    /** Where the credentials come from, with the keys to check. */
    private static String describe(AwsCredentialsConfig credentials) {
        String base = describeBase(credentials);
        return credentials.roleArn().map(role -> "assume-role of " + role + " (check " + AwsCredentialsConfig.ROLE_ARN
                + ", " + AwsCredentialsConfig.ROLE_EXTERNAL_ID + ", " + AwsCredentialsConfig.ROLE_SESSION_NAME + ", "
                + AwsCredentialsConfig.STS_ENDPOINT_OVERRIDE + ") with base credentials from " + base)
                .orElse(base);
    }

    private static String describeBase(AwsCredentialsConfig credentials) {
        switch (credentials.source()) {
            case STATIC_KEYS:
                return "static keys (check " + AwsCredentialsConfig.ACCESS_KEY_ID + ", "
                        + AwsCredentialsConfig.SECRET_ACCESS_KEY + ", " + AwsCredentialsConfig.SESSION_TOKEN + ")";
            case PROFILE:
                return "profile '" + credentials.profile().orElse("default") + "'"
                        + credentials.credentialsFile().map(file -> " in " + file).orElse("")
                        + " (check " + AwsCredentialsConfig.PROFILE + ", " + AwsCredentialsConfig.CREDENTIALS_FILE
                        + ")";
            case CUSTOM_PROVIDER:
                return "custom provider " + credentials.credentialsProviderClass().get().getName() + " (check "
                        + AwsCredentialsConfig.CREDENTIALS_PROVIDER_CLASS + ", "
                        + AwsCredentialsConfig.CREDENTIALS_PROVIDER_PREFIX + "*)";
            default:
                return "the AWS default credentials chain (no credentials are configured: set "
                        + AwsCredentialsConfig.ACCESS_KEY_ID + " and " + AwsCredentialsConfig.SECRET_ACCESS_KEY + ", "
                        + AwsCredentialsConfig.PROFILE + ", or " + AwsCredentialsConfig.CREDENTIALS_PROVIDER_CLASS
                        + ", or give the worker credentials through its environment)";
        }
    }

    /** The credentials (with a role, the base credentials to assume it) from where {@code source()} says. */
    private static AwsCredentialsProvider buildBase(AwsCredentialsConfig credentials, SecretRedactor redactor) {
        switch (credentials.source()) {
            case STATIC_KEYS:
                String accessKeyId = credentials.accessKeyId().get().value();
                String secretAccessKey = credentials.secretAccessKey().get().value();
                return StaticCredentialsProvider.create(credentials.sessionToken()
                        .<AwsCredentials>map(token -> AwsSessionCredentials.create(
                                accessKeyId, secretAccessKey, token.value()))
                        .orElseGet(() -> AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
            case PROFILE:
                ProfileCredentialsProvider.Builder profile = ProfileCredentialsProvider.builder();
                credentials.profile().ifPresent(profile::profileName);
                credentials.credentialsFile().ifPresent(file -> profile.profileFile(credentialsFile(file)));
                return profile.build();
            case CUSTOM_PROVIDER:
                AwsCredentialsProvider provider = instantiate(credentials.credentialsProviderClass().get(), redactor);
                if (provider instanceof Configurable) {
                    ((Configurable) provider).configure(credentials.credentialsProviderConfigs());
                }
                return provider;
            default:
                // a provider of our own, not the shared instance create() returns, so closing it harms no one
                return DefaultCredentialsProvider.builder().build();
        }
    }

    private static AssumedRoleCredentialsProvider assumeRole(
            DataZoneConnectionConfig config, Region region, AwsCredentialsProvider baseProvider) {
        StsClientBuilder sts = StsClient.builder()
                .region(region)
                .credentialsProvider(baseProvider)
                .httpClientBuilder(ApacheHttpClient.builder())
                // STS calls get the same inner SDK retries as DataZone calls: one setting for that layer
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.STANDARD)
                                .toBuilder().maxAttempts(config.sdkMaxAttempts()).build())
                        .apiCallTimeout(config.apiCallTimeout())
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout()));
        config.credentials().stsEndpointOverride().ifPresent(sts::endpointOverride);
        StsClient stsClient = sts.build();
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(config.credentials().roleArn().get())
                .roleSessionName(config.credentials().roleSessionName());
        config.credentials().roleExternalId().ifPresent(externalId -> request.externalId(externalId.value()));
        StsAssumeRoleCredentialsProvider roleProvider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(stsClient)
                .refreshRequest(request.build())
                // refresh in the background before expiry, so no DataZone call waits on STS; the first fetch
                // happens on the first call, not here
                .asyncCredentialUpdateEnabled(true)
                .build();
        return new AssumedRoleCredentialsProvider(roleProvider, stsClient, baseProvider);
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    private static ProfileFile credentialsFile(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(AwsCredentialsConfig.CREDENTIALS_FILE + ": cannot read the file " + file);
        }
        return ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
    }

    /** A public no-argument constructor first (a fresh instance we own), else a public static create(). */
    private static AwsCredentialsProvider instantiate(Class<?> type, SecretRedactor redactor) {
        String key = AwsCredentialsConfig.CREDENTIALS_PROVIDER_CLASS;
        try {
            Object instance;
            try {
                instance = type.getConstructor().newInstance();
            } catch (NoSuchMethodException noConstructor) {
                Method create = staticCreateMethod(type);
                if (create == null) {
                    throw new ConfigException(key + ": " + type.getName()
                            + " has neither a public no-argument constructor nor a public static create() method");
                }
                instance = create.invoke(null);
            }
            return (AwsCredentialsProvider) instance;
        } catch (InvocationTargetException e) {
            throw new ConfigException(key + ": creating " + type.getName() + " failed: "
                    + redactor.redact(reason(e.getCause())));
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(key + ": cannot create " + type.getName() + ": " + e);
        }
    }

    private static Method staticCreateMethod(Class<?> type) {
        try {
            Method create = type.getMethod("create");
            boolean usable = Modifier.isStatic(create.getModifiers())
                    && AwsCredentialsProvider.class.isAssignableFrom(create.getReturnType());
            return usable ? create : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * The STS provider of an assumed role, together with the STS client and base credentials it uses: the SDK's
     * provider closes neither, and both are ours.
     */
    private static final class AssumedRoleCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
        private final StsAssumeRoleCredentialsProvider delegate;
        private final StsClient stsClient;
        private final AwsCredentialsProvider baseProvider;

        AssumedRoleCredentialsProvider(
                StsAssumeRoleCredentialsProvider delegate, StsClient stsClient, AwsCredentialsProvider baseProvider) {
            this.delegate = delegate;
            this.stsClient = stsClient;
            this.baseProvider = baseProvider;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return delegate.resolveCredentials();
        }

        @Override
        public void close() {
            Utils.closeQuietly(delegate, "STS assume-role credentials provider");
            Utils.closeQuietly(stsClient, "STS client");
            closeQuietly(baseProvider);
        }

        @Override
        public String toString() {
            return "AssumedRoleCredentialsProvider(" + delegate + ")";
        }
    }
}
