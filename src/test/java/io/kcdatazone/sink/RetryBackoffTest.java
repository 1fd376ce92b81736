package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.config.DataSourceRunSinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * The sink's retry delays ({@link DataSourceRunSinkConfig#retryBackoff()}): exponential backoff with full jitter, the
 * AWS SDK's, configured by {@code retry.backoff.ms} and {@code retry.backoff.max.ms}. The SDK numbers attempts from 1,
 * so the first retry is the delay before attempt 2.
 */
class RetryBackoffTest {

    /** Enough draws that a spread this test asks for fails by chance with a probability below 1e-90. */
    private static final int DRAWS = 2_000;

    @Test
    void delaysAreSpreadBelowACeilingThatDoublesUpToTheMaximum() {
        BackoffStrategy backoff = backoff(100, 10_000);

        assertSpreadBelow(backoff, 2, 100);
        assertSpreadBelow(backoff, 3, 200);
        assertSpreadBelow(backoff, 8, 6_400);
        assertSpreadBelow(backoff, 9, 10_000);
        assertSpreadBelow(backoff, 1_000, 10_000);
    }

    @Test
    void aMaximumNearLongMaxValueNeitherOverflowsNorFails() {
        // retry.backoff.max.ms=Long.MAX_VALUE once made the bound overflow to a negative value the random refused.
        BackoffStrategy backoff = backoff(1, Long.MAX_VALUE);

        assertThat(backoff.computeDelay(1_000)).isBetween(Duration.ZERO, Duration.ofMillis(Long.MAX_VALUE));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> backoff(0, 10)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.backoff.ms");
        assertThatThrownBy(() -> backoff(10, 5)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("retry.backoff.max.ms");
    }

    private static BackoffStrategy backoff(long initialMs, long maxMs) {
        return new DataSourceRunSinkConfig(Map.of("ledger.bootstrap.servers", "127.0.0.1:9",
                "retry.backoff.ms", Long.toString(initialMs), "retry.backoff.max.ms", Long.toString(maxMs)))
                .retryBackoff();
    }

    /** Every delay before {@code attempt} is at most {@code ceilingMs}, and they reach both ends of that range. */
    private static void assertSpreadBelow(BackoffStrategy backoff, int attempt, long ceilingMs) {
        List<Long> delays = IntStream.range(0, DRAWS).mapToObj(i -> backoff.computeDelay(attempt).toMillis())
                .collect(Collectors.toList());

        assertThat(delays).as("attempt %d", attempt).allSatisfy(delay -> assertThat(delay).isBetween(0L, ceilingMs));
        assertThat(delays).as("attempt %d", attempt).anySatisfy(delay -> assertThat(delay).isLessThan(ceilingMs / 10));
        assertThat(delays).as("attempt %d", attempt)
                .anySatisfy(delay -> assertThat(delay).isGreaterThanOrEqualTo(ceilingMs * 9 / 10));
    }
}
