package io.kcdatazone.simulator;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.DataZoneClient;

/**
 * Real AWS SDK DataZone clients pointed at a simulator. Retries follow the STANDARD strategy with
 * {@value #MAX_ATTEMPTS} attempts and no backoff delay, so attempt counts are deterministic and tests stay fast.
 */
final class SdkClients {
    /** The STANDARD retry strategy's attempt count, set explicitly so tests do not depend on the SDK's default. */
    static final int MAX_ATTEMPTS = 3;

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSIMULATOR", "simulator-secret"));

    private SdkClients() {
    }

    static DataZoneClient sync(URI endpoint, SdkHttpClient httpClient) {
        return DataZoneClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(httpClient)
                .overrideConfiguration(SdkClients::configure)
                .build();
    }

    static DataZoneAsyncClient async(URI endpoint, SdkAsyncHttpClient httpClient) {
        return DataZoneAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClient(httpClient)
                .overrideConfiguration(SdkClients::configure)
                .build();
    }

    private static void configure(ClientOverrideConfiguration.Builder config) {
        config.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                .circuitBreakerEnabled(false)
                .build());
    }
}
