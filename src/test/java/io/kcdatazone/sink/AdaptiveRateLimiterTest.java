package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void spacesPermitsEvenlyAtTheBudget() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10);
        long now = 1_000 * SECOND;
        assertThat(limiter.reserve(now)).isZero();
        assertThat(limiter.reserve(now)).isEqualTo(SECOND / 10);
        assertThat(limiter.reserve(now)).isEqualTo(2 * SECOND / 10);
    }

    @Test
    void doesNotBankIdleTimeIntoABurst() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10);
        limiter.reserve(0);
        long later = 60 * SECOND;
        assertThat(limiter.reserve(later)).isZero();
        assertThat(limiter.reserve(later)).isEqualTo(SECOND / 10);
    }

    @Test
    void halvesOnThrottlingAndRecoversStepByStep() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(20);
        limiter.onThrottled();
        limiter.onThrottled();
        assertThat(limiter.currentRate()).isEqualTo(5.0);
        limiter.onSuccess();
        assertThat(limiter.currentRate()).isEqualTo(6.0);
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentRate()).isEqualTo(20.0);
    }

    @Test
    void zeroBudgetMeansUnlimited() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.reserve(0)).isZero();
        }
        limiter.onThrottled();
        assertThat(limiter.currentRate()).isInfinite();
    }
}
