package io.kcdatazone.datazone;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.Configurable;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** Custom credentials providers, the kind users plug in through {@code aws.credentials.provider.class}. */
final class TestCredentialsProviders {

    private TestCredentialsProviders() {
    }

    /** Configured through {@code aws.credentials.provider.*}; built with its public no-argument constructor. */
    public static final class Configured implements AwsCredentialsProvider, Configurable, SdkAutoCloseable {
        /** Whether the last instance created was closed: the factory owns it, so the test cannot reach it. */
        static final AtomicBoolean LAST_CLOSED = new AtomicBoolean();
        private AwsCredentials credentials;

        public Configured() {
            LAST_CLOSED.set(false);
        }

        @Override
        public void configure(Map<String, ?> configs) {
            credentials = AwsBasicCredentials.create(
                    (String) configs.get("access.key.id"), (String) configs.get("secret.access.key"));
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return credentials;
        }

        @Override
        public void close() {
            LAST_CLOSED.set(true);
        }
    }

    /** Only reachable through a public static create(), like many of the SDK's own providers. */
    public static final class CreatedOnly implements AwsCredentialsProvider {
        static final String ACCESS_KEY_ID = "AKIACREATEDONLY";

        private CreatedOnly() {
        }

        public static CreatedOnly create() {
            return new CreatedOnly();
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(ACCESS_KEY_ID, "created-only-secret");
        }
    }

    /** Has no way to be built from a class name. */
    public static final class Unbuildable implements AwsCredentialsProvider {
        public Unbuildable(String ignored) {
        }

        @Override
        public AwsCredentials resolveCredentials() {
            throw new UnsupportedOperationException();
        }
    }

    /** Fails to resolve, as a provider whose backing store is down does. */
    /** Refuses its settings with a message that, carelessly, quotes its password. */
    public static final class RefusingItsSettings implements AwsCredentialsProvider, Configurable {
        @Override
        public void configure(Map<String, ?> configs) {
            throw new IllegalArgumentException("vault refused the password " + configs.get("vault.password"));
        }

        @Override
        public AwsCredentials resolveCredentials() {
            throw new IllegalStateException("not configured");
        }
    }

    public static final class Failing implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            throw new IllegalStateException("vault is sealed");
        }
    }
}
