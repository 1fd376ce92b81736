package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
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
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryBackoff(0, 10, b -> 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryBackoff(10, 5, b -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
