package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.metrics.EventCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

class StatusCallBudgetTest {

    private static final long START_MS = 1_000_000;
    private static final DataZoneErrorClassifier CLASSIFIER = new DataZoneErrorClassifier(SecretRedactor.none());

    private final MockTime time = new MockTime(0, START_MS, TimeUnit.MILLISECONDS.toNanos(START_MS));
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final List<String> sent = new ArrayList<>();

    private StatusCallBudget budget(double callsPerSecond) {
        return new StatusCallBudget(callsPerSecond, time, error -> CLASSIFIER.classify(error).isThrottled(),
                wakeUps::incrementAndGet, new EventCounter());
    }

    private CompletableFuture<String> answered(String call) {
        sent.add(call);
        return CompletableFuture.completedFuture(call);
    }

    @Test
    void aCallGoesAtOnceWhileAPermitIsFreeAndTheNextWaitsForTheTaskToSendItWhenOneIs() {
        StatusCallBudget budget = budget(10);

        CompletableFuture<String> first = budget.call(() -> answered("first"));
        CompletableFuture<String> second = budget.call(() -> answered("second"));
        CompletableFuture<String> third = budget.call(() -> answered("third"));

        assertThat(sent).containsExactly("first");
        assertThat(first).isCompletedWithValue("first");
        assertThat(wakeUps).as("each call that queues wakes the task").hasValue(2);
        assertThat(budget.hasWaitingCalls()).isTrue();
        assertThat(budget.permitFree()).isFalse();
        assertThat(budget.untilPermitFreeMs()).isEqualTo(100);

        time.sleep(99);
        budget.sendWaitingCalls();
        assertThat(sent).as("no permit free yet").containsExactly("first");
        assertThat(budget.untilPermitFreeMs()).isEqualTo(1);

        time.sleep(1);
        budget.sendWaitingCalls();
        assertThat(sent).as("one permit, one call, first come first served").containsExactly("first", "second");
        assertThat(second).isCompletedWithValue("second");
        assertThat(third).isNotDone();

        time.sleep(100);
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("first", "second", "third");
        assertThat(budget.hasWaitingCalls()).isFalse();
        assertThat(budget.calls()).isEqualTo(3);
    }

    @Test
    void aNewPollWaitsBehindQueuedCallsEvenWhenAPermitIsFree() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> answered("page 1"));
        budget.call(() -> answered("page 2"));
        time.sleep(100);

        assertThat(budget.permitFree()).as("page 2 of a poll under way goes first").isFalse();
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("page 1", "page 2");
    }

    @Test
    void theWaitForAPermitIsRoundedUpSoTheTaskNeverWakesJustBeforeIt() {
        StatusCallBudget budget = budget(3);
        budget.call(() -> answered("first"));
        budget.call(() -> answered("second"));

        long wait = budget.untilPermitFreeMs();
        assertThat(wait).isEqualTo(334);
        time.sleep(wait);
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("first", "second");
    }

    @Test
    void aThrottledAnswerHalvesTheRateAndSuccessesWinItBackStepByStep() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> CompletableFuture.failedFuture(ThrottlingException.builder().statusCode(429)
                .message("Rate exceeded").build()));

        assertThat(budget.throttledCalls()).isEqualTo(1);
        assertThat(budget.currentRate()).isEqualTo(5.0);
        time.sleep(100);
        budget.call(() -> answered("after the cut"));
        assertThat(budget.untilPermitFreeMs()).as("one call per 200 ms now").isEqualTo(200);

        for (int i = 0; i < 20; i++) {
            time.sleep(200);
            budget.call(() -> answered("recovering"));
        }
        assertThat(budget.currentRate()).isEqualTo(10.0);
        assertThat(budget.hasWaitingCalls()).isFalse();
    }

    @Test
    void aFailureOtherThanThrottlingLeavesTheRateAsItIs() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> CompletableFuture.failedFuture(new IllegalStateException("not found")));

        assertThat(budget.currentRate()).isEqualTo(10.0);
        assertThat(budget.throttledCalls()).isZero();
    }

    @Test
    void withoutABudgetEveryCallGoesAtOnceAndIsStillCounted() {
        StatusCallBudget budget = budget(0);
        for (int i = 0; i < 100; i++) {
            budget.call(() -> answered("call"));
        }

        assertThat(sent).hasSize(100);
        assertThat(budget.calls()).isEqualTo(100);
        assertThat(wakeUps).hasValue(0);
        assertThat(budget.permitFree()).isTrue();
        assertThat(budget.untilPermitFreeMs()).isZero();
        assertThat(budget.currentRate()).isInfinite();
    }
}
