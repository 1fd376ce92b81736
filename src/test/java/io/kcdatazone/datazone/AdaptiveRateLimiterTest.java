package io.kcdatazone.datazone;

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
    void tellsWhenAPermitIsFreeWithoutBookingIt() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10);
        long now = 5 * SECOND;
        assertThat(limiter.nanosUntilFree(now)).isZero();
        assertThat(limiter.nanosUntilFree(now)).as("asking books nothing").isZero();
        limiter.reserve(now);
        assertThat(limiter.nanosUntilFree(now)).isEqualTo(SECOND / 10);
        assertThat(limiter.nanosUntilFree(now + SECOND / 10)).isZero();
        assertThat(new AdaptiveRateLimiter(0).nanosUntilFree(now)).isZero();
    }

    @Test
    void halvesOnThrottlingAndRecoversStepByStep() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(20);
        limiter.onThrottled(0, SECOND);
        limiter.onThrottled(2 * SECOND, 3 * SECOND);
        assertThat(limiter.currentRate()).isEqualTo(5.0);
        limiter.onSuccess();
        assertThat(limiter.currentRate()).isEqualTo(6.0);
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentRate()).isEqualTo(20.0);
    }

    @Test
    void concurrentThrottlesCutTheRateOnce() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(20);
        long sent = 10 * SECOND;
        // Eight calls on the wire together all come back throttled: one congestion signal, not eight.
        for (int i = 0; i < 8; i++) {
            limiter.onThrottled(sent + i, sent + SECOND / 2 + i);
        }
        assertThat(limiter.currentRate()).isEqualTo(10.0);
        // A call sent after the cut that is throttled again is a new signal.
        limiter.onThrottled(sent + SECOND, sent + 2 * SECOND);
        assertThat(limiter.currentRate()).isEqualTo(5.0);
    }

    @Test
    void aNewBudgetKeepsTheThrottledProportion() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10);
        limiter.onThrottled(0, SECOND);
        limiter.setBudget(40);
        assertThat(limiter.currentRate()).isEqualTo(20.0);
        long now = 10 * SECOND;
        limiter.reserve(now);
        assertThat(limiter.reserve(now)).isEqualTo(SECOND / 20);
    }

    @Test
    void zeroBudgetMeansUnlimited() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.reserve(0)).isZero();
        }
        limiter.onThrottled(0, 1);
        assertThat(limiter.currentRate()).isInfinite();
    }
}
