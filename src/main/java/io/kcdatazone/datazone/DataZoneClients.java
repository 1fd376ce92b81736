package io.kcdatazone.datazone;

import io.kcdatazone.Version;
import io.kcdatazone.logging.ContextThreads;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.DataZoneClient;

/**
 * The DataZone clients of one connector or task, built from a {@link DataZoneConnectionConfig}.
 *
 * <p>{@link #open} resolves the region and builds the credentials provider, so a bad setup fails at start, but calls
 * no AWS service: the credentials are resolved on the first call (STS or instance metadata unavailable while a task
 * starts must not fail it), and {@link #verifyCredentials()} resolves them on demand, as {@code validate()} does. The
 * asynchronous client (Netty) and the synchronous one (Apache HTTP) are built on first use and share the
 * credentials. Both use the SDK's standard retry strategy with {@value DataZoneConnectionConfig#SDK_MAX_ATTEMPTS}
 * attempts (the connectors own the longer backoff), unless opened {@link #openWithoutSdkRetries without}, the
 * configured call timeouts, and a user agent suffix naming the plugin version and the connector. {@link #close()}
 * closes the clients and the credentials provider.
 *
 * <p>The SDK's threads (Netty I/O, response callbacks, timers) are ours, made by {@link ContextThreads} on the thread
 * that opened the clients, so the lines the SDK logs on them carry the task's Connect logging context.
 */
public final class DataZoneClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataZoneClients.class);

    static final String USER_AGENT_PRODUCT = "kafka-connect-datazone";
    private static final Duration EVENT_LOOP_QUIET_PERIOD = Duration.ofMillis(100);
    private static final Duration EVENT_LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Netty's own default: the most connections, and so concurrent calls, the asynchronous client opens. */
    public static final int DEFAULT_MAX_CONCURRENCY = 50;
    /** Threads that complete the asynchronous client's futures (the SDK's own default pool has 50). */
    private static final int CALLBACK_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());
    private static final int CALLBACK_QUEUE = 10_000;

    private final DataZoneConnectionConfig config;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final String userAgentSuffix;
    private final DataZoneErrorClassifier errorClassifier;
    private final int asyncMaxConcurrency;
    /** Attempts the SDK makes per call: the configured ones, or 1 where the caller retries itself. */
    private final int sdkAttempts;
    private final String threadPrefix;
    private final ScheduledExecutorService timers;
    private ThreadPoolExecutor callbacks;
    private SdkEventLoopGroup eventLoopGroup;
    private DataZoneAsyncClient asyncClient;
    private DataZoneClient syncClient;
    private boolean closed;

    private DataZoneClients(DataZoneConnectionConfig config, Region region, AwsCredentialsProvider credentials,
                            String connectorName, int asyncMaxConcurrency, int sdkAttempts) {
        this.config = config;
        this.region = region;
        this.credentials = credentials;
        this.userAgentSuffix = userAgentSuffix(connectorName);
        this.errorClassifier = new DataZoneErrorClassifier(config.secretRedactor());
        this.asyncMaxConcurrency = asyncMaxConcurrency;
        this.sdkAttempts = sdkAttempts;
        this.threadPrefix = "datazone-sdk-" + connectorName;
        // Retry delays and call timeouts; the SDK would otherwise start five threads of its own per client.
        this.timers = Executors.newScheduledThreadPool(1, ContextThreads.named(threadPrefix + "-timer"));
    }

    /**
     * Resolves the region and builds the credentials provider for {@code config}, without calling AWS.
     *
     * @param connectorName the connector's name, carried in the user agent so DataZone's CloudTrail entries show
     *                      which connector made a call
     * @throws ConfigException when the settings are inconsistent, no region can be resolved, or the credentials
     *                         provider cannot be built
     */
    public static DataZoneClients open(DataZoneConnectionConfig config, String connectorName) {
        return open(config, connectorName, DEFAULT_MAX_CONCURRENCY);
    }

    /**
     * Like {@link #open(DataZoneConnectionConfig, String)}, with an asynchronous client that may have up to
     * {@code asyncMaxConcurrency} calls on the wire at once. Calls beyond the client's connection pool wait for a
     * connection inside the SDK, where their time counts against the call timeouts: a caller that allows more calls in
     * flight than {@value #DEFAULT_MAX_CONCURRENCY} must size the pool to match.
     */
    public static DataZoneClients open(DataZoneConnectionConfig config, String connectorName,
                                       int asyncMaxConcurrency) {
        return open(config, connectorName, asyncMaxConcurrency, config.sdkMaxAttempts());
    }

    /**
     * Like {@link #open(DataZoneConnectionConfig, String, int)}, with clients that make one attempt per call, for a
     * caller that paces every attempt it sends (the source's status-call budget): it retries itself, on the
     * decisions of {@link #retryStrategy()}. Retries inside the SDK would send attempts its pacing never saw.
     */
    public static DataZoneClients openWithoutSdkRetries(DataZoneConnectionConfig config, String connectorName,
                                                        int asyncMaxConcurrency) {
        return open(config, connectorName, asyncMaxConcurrency, 1);
    }

    private static DataZoneClients open(DataZoneConnectionConfig config, String connectorName,
                                        int asyncMaxConcurrency, int sdkAttempts) {
        if (asyncMaxConcurrency < 1) {
            throw new IllegalArgumentException("asyncMaxConcurrency must be at least 1, got " + asyncMaxConcurrency);
        }
        config.ensureConsistent();
        Region region = resolveRegion(config);
        AwsCredentialsProvider credentials = AwsCredentialsProviderFactory.create(config, region);
        LOG.info("DataZone clients for connector {} use region {}{}", connectorName, region,
                config.endpointOverride().map(uri -> " and endpoint " + uri).orElse(""));
        return new DataZoneClients(config, region, credentials, connectorName, asyncMaxConcurrency, sdkAttempts);
    }

    /** The asynchronous client, built on first use. */
    public synchronized DataZoneAsyncClient async() {
        ensureOpen();
        if (asyncClient == null) {
            // Our own event loop group, because the SDK's own one takes a fixed 2 s quiet period to close, which
            // would slow down every task stop (and so every rebalance).
            eventLoopGroup = SdkEventLoopGroup.builder()
                    .threadFactory(ContextThreads.named(threadPrefix + "-io"))
                    .build();
            callbacks = new ThreadPoolExecutor(CALLBACK_THREADS, CALLBACK_THREADS, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(CALLBACK_QUEUE), ContextThreads.named(threadPrefix + "-callback"),
                    // as the SDK's own pool does: rather than fail a call, complete it on the I/O thread
                    new ThreadPoolExecutor.CallerRunsPolicy());
            callbacks.allowCoreThreadTimeOut(true);
            asyncClient = configure(DataZoneAsyncClient.builder())
                    .asyncConfiguration(ClientAsyncConfiguration.builder()
                            .advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, callbacks)
                            .build())
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                            .eventLoopGroup(eventLoopGroup)
                            .maxConcurrency(asyncMaxConcurrency))
                    .build();
        }
        return asyncClient;
    }

    /** The synchronous client, built on first use (for one-off calls such as checks in {@code validate()}). */
    public synchronized DataZoneClient sync() {
        ensureOpen();
        if (syncClient == null) {
            syncClient = configure(DataZoneClient.builder())
                    .httpClientBuilder(ApacheHttpClient.builder())
                    .build();
        }
        return syncClient;
    }

    /**
     * Resolves the credentials now, calling STS or instance metadata where the configuration needs them.
     *
     * @throws ConfigException naming the credentials mode and the keys to check, when none can be resolved
     */
    public void verifyCredentials() {
        AwsCredentialsProviderFactory.verify(credentials, config);
    }

    /**
     * A new instance of the retry strategy the SDK uses inside calls of clients opened with retries: its standard
     * strategy (which failures to retry, backoff with jitter, retry quota) with
     * {@value DataZoneConnectionConfig#SDK_MAX_ATTEMPTS} attempts. For callers of {@link #openWithoutSdkRetries}.
     */
    public RetryStrategy retryStrategy() {
        return retryStrategy(config.sdkMaxAttempts());
    }

    private static RetryStrategy retryStrategy(int attempts) {
        return AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder().maxAttempts(attempts).build();
    }

    /** Classifies the failures of these clients' calls, masking this connection's secrets. */
    public DataZoneErrorClassifier errorClassifier() {
        return errorClassifier;
    }

    /** The region calls are signed for. */
    public Region region() {
        return region;
    }

    /** Closes the clients built so far and the credentials provider; later calls to this are no-ops. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Utils.closeQuietly(asyncClient, "DataZone asynchronous client");
        if (eventLoopGroup != null) {
            // a short quiet period lets the closing connection pools finish their last callbacks
            eventLoopGroup.eventLoopGroup()
                    .shutdownGracefully(EVENT_LOOP_QUIET_PERIOD.toMillis(), EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(EVENT_LOOP_SHUTDOWN_TIMEOUT.toMillis());
        }
        Utils.closeQuietly(syncClient, "DataZone synchronous client");
        // The SDK never shuts down executors it was given.
        if (callbacks != null) {
            callbacks.shutdown();
        }
        timers.shutdownNow();
        // The SDK clients never close a credentials provider they were given.
        AwsCredentialsProviderFactory.closeQuietly(credentials);
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrideConfiguration());
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }

    private ClientOverrideConfiguration overrideConfiguration() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy(sdkAttempts))
                .apiCallTimeout(config.apiCallTimeout())
                .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                .scheduledExecutorService(timers)
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgentSuffix)
                .build();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("DataZone clients are closed");
        }
    }

    /** {@code kafka-connect-datazone/<version> (connector <name>)}, with the name reduced to safe header text. */
    static String userAgentSuffix(String connectorName) {
        String name = connectorName == null ? "unnamed" : connectorName.replaceAll("[^A-Za-z0-9._~+=:@/-]", "_");
        return USER_AGENT_PRODUCT + "/" + Version.current() + " (connector " + name + ")";
    }

    private static Region resolveRegion(DataZoneConnectionConfig config) {
        if (config.region().isPresent()) {
            return Region.of(config.region().get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(DataZoneConnectionConfig.REGION + " is not set and the AWS default region "
                    + "chain found no region (AWS_REGION, the aws.region system property, the profile, instance "
                    + "metadata); set " + DataZoneConnectionConfig.REGION + ".");
        }
    }
}
