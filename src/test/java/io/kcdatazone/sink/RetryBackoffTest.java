package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void ceilingDoublesUpToTheMaximumWithoutOverflow() {
        RetryBackoff backoff = new RetryBackoff(100, 10_000, bound -> bound - 1);
        assertThat(backoff.ceilingMs(0)).isEqualTo(100);
        assertThat(backoff.ceilingMs(1)).isEqualTo(200);
        assertThat(backoff.ceilingMs(6)).isEqualTo(6_400);
        assertThat(backoff.ceilingMs(7)).isEqualTo(10_000);
        assertThat(backoff.ceilingMs(1_000)).isEqualTo(10_000);
    }

    @Test
    void delayIsDrawnUniformlyBelowTheCeilingIncludingIt() {
        List<Long> bounds = new ArrayList<>();
        RetryBackoff backoff = new RetryBackoff(100, 10_000, bound -> {
            bounds.add(bound);
            return 0;
        });
        assertThat(backoff.delayMs(2)).isZero();
        assertThat(bounds).containsExactly(401L);
    }

    @Test
    void aMaximumNearLongMaxValueSaturatesInsteadOfOverflowing() {
        // retry.backoff.max.ms=Long.MAX_VALUE once made the bound overflow to a negative value that nextLong refuses.
        RetryBackoff backoff = new RetryBackoff(1, Long.MAX_VALUE,
                bound -> ThreadLocalRandom.current().nextLong(bound));
        assertThat(backoff.ceilingMs(1_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(backoff.delayMs(1_000)).isBetween(0L, Long.MAX_VALUE);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryBackoff(0, 10, b -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(10, 5, b -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
