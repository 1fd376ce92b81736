package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.SecretRedactor;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

class StatusCallBudgetTest {

    private static final long START_MS = 1_000_000;
    private static final DataZoneErrorClassifier CLASSIFIER = new DataZoneErrorClassifier(SecretRedactor.none());

    private final MockTime time = new MockTime(0, START_MS, TimeUnit.MILLISECONDS.toNanos(START_MS));
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final List<String> sent = new ArrayList<>();
    private final SourceTaskCounters counters = new SourceTaskCounters();

    private StatusCallBudget budget(double callsPerSecond) {
        return budget(callsPerSecond, AwsRetryStrategy.doNotRetry());
    }

    private StatusCallBudget budget(double callsPerSecond, RetryStrategy retries) {
        return budget(callsPerSecond, retries, Duration.ofSeconds(30));
    }

    private StatusCallBudget budget(double callsPerSecond, RetryStrategy retries, Duration callTimeout) {
        return new StatusCallBudget(callsPerSecond, retries, callTimeout,
                time, error -> CLASSIFIER.classify(error).isThrottled(),
                wakeUps::incrementAndGet, counters);
    }

    /** The SDK's standard strategy with three attempts, as {@code DataZoneClients.retryStrategy()} builds it. */
    private static RetryStrategy standard() {
        return AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder().maxAttempts(3).build();
    }

    /** The task's loop: waits until the next queued call may go, then sends what may, until {@code call} is done. */
    private void runUntilDone(StatusCallBudget budget, CompletableFuture<?> call) {
        for (int step = 0; step < 10 && !call.isDone(); step++) {
            time.sleep(Math.max(1, Math.max(budget.untilNextWaitingCallMs(), budget.untilPermitFreeMs())));
            budget.sendWaitingCalls();
        }
    }

    private CompletableFuture<String> answered(String call) {
        sent.add(call);
        return CompletableFuture.completedFuture(call);
    }

    private static ThrottlingException throttled() {
        return ThrottlingException.builder().statusCode(429).message("Rate exceeded").build();
    }

    @Test
    void aCallGoesAtOnceWhileAPermitIsFreeAndTheNextWaitsForTheTaskToSendItWhenOneIs() {
        StatusCallBudget budget = budget(10);

        CompletableFuture<String> first = budget.call(() -> answered("first"));
        CompletableFuture<String> second = budget.call(() -> answered("second"));
        CompletableFuture<String> third = budget.call(() -> answered("third"));

        assertThat(sent).containsExactly("first");
        assertThat(first).isCompletedWithValue("first");
        assertThat(wakeUps).as("the first call that queues wakes the task, which then sees both").hasValue(1);
        assertThat(budget.untilNextWaitingCallMs()).as("queued calls are due").isZero();
        assertThat(budget.canSend()).isFalse();
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
        assertThat(budget.untilNextWaitingCallMs()).as("none queues").isEqualTo(Long.MAX_VALUE);
        assertThat(counters.statusCalls()).isEqualTo(3);
    }

    @Test
    void theCallDueLongestAgoGoesFirstAndANewOneQueuesBehindItEvenWhenAPermitIsFree() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> answered("first"));
        budget.call(() -> answered("due now"));
        budget.call(START_MS - 50, () -> answered("due 50 ms ago"));
        time.sleep(100);

        budget.call(() -> answered("due later"));
        assertThat(sent).as("older calls wait for the task").containsExactly("first");
        budget.sendWaitingCalls(START_MS);
        assertThat(sent).as("only calls due by then").containsExactly("first", "due 50 ms ago");
        time.sleep(100);
        budget.sendWaitingCalls();
        time.sleep(100);
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("first", "due 50 ms ago", "due now", "due later");
    }

    @Test
    void aCallAskedOnAnotherThreadDoesNotTakeThePermitOfAPollDueBeforeIt() {
        StatusCallBudget budget = budget(10);
        budget.pollsDueSince(START_MS - 1);

        budget.call(() -> answered("next page"));
        assertThat(sent).as("a poll held back since before it goes first").isEmpty();

        // The pacer starts that poll; its first call goes at once, before the page asked for later.
        budget.call(START_MS - 1, () -> answered("that poll"));
        time.sleep(100);
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("that poll", "next page");
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
        budget.call(() -> CompletableFuture.failedFuture(throttled()));

        assertThat(counters.throttledStatusCalls()).isEqualTo(1);
        assertThat(budget.currentRate()).isEqualTo(5.0);
        time.sleep(100);
        budget.call(() -> answered("after the cut"));
        assertThat(budget.untilPermitFreeMs()).as("one call per 200 ms now").isEqualTo(200);

        for (int i = 0; i < 20; i++) {
            time.sleep(200);
            budget.call(() -> answered("recovering"));
        }
        assertThat(budget.currentRate()).isEqualTo(10.0);
        assertThat(budget.untilNextWaitingCallMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFailureOtherThanThrottlingLeavesTheRateAsItIs() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> CompletableFuture.failedFuture(new IllegalStateException("not found")));

        assertThat(budget.currentRate()).isEqualTo(10.0);
        assertThat(counters.throttledStatusCalls()).isZero();
    }

    @Test
    void aThrottledAttemptIsRetriedAfterTheStrategysBackoffWithAPermitOfItsOwn() {
        StatusCallBudget budget = budget(10, standard());
        List<Long> sentAtMs = new ArrayList<>();
        List<Long> retryDueMs = new ArrayList<>();

        CompletableFuture<String> call = budget.call(() -> {
            sentAtMs.add(time.milliseconds());
            return sentAtMs.size() < 3 ? CompletableFuture.failedFuture(throttled()) : answered("third attempt");
        });
        assertThat(sentAtMs).as("the retry waits for its backoff and its permit").hasSize(1);
        for (int step = 0; step < 10 && !call.isDone(); step++) {
            retryDueMs.add(time.milliseconds() + budget.untilNextWaitingCallMs());
            time.sleep(Math.max(1, Math.max(budget.untilNextWaitingCallMs(), budget.untilPermitFreeMs())));
            budget.sendWaitingCalls();
        }

        assertThat(call).isCompletedWithValue("third attempt");
        assertThat(sentAtMs).hasSize(3);
        for (int retry = 1; retry < 3; retry++) {
            assertThat(sentAtMs.get(retry)).as("retry %d after its backoff", retry)
                    .isGreaterThanOrEqualTo(retryDueMs.get(retry - 1))
                    .as("retry %d a permit after the attempt before", retry)
                    .isGreaterThanOrEqualTo(sentAtMs.get(retry - 1) + 100);
        }
        assertThat(counters.statusCalls()).as("every attempt is a call of the budget").isEqualTo(3);
        assertThat(counters.throttledStatusCalls()).isEqualTo(2);
    }

    @Test
    void aCallIsTriedAtMostTheStrategysAttemptsAndAFailureItDoesNotRetryFailsAtOnce() {
        StatusCallBudget budget = budget(0, standard());
        CompletableFuture<String> throttledThrice = budget.call(() -> CompletableFuture.failedFuture(throttled()));
        runUntilDone(budget, throttledThrice);
        CompletableFuture<String> denied = budget.call(() -> CompletableFuture.failedFuture(
                AccessDeniedException.builder().statusCode(403).message("denied").build()));

        assertThat(throttledThrice).isCompletedExceptionally();
        assertThat(denied).isCompletedExceptionally();
        assertThat(counters.statusCalls()).isEqualTo(3 + 1);
        assertThat(budget.untilNextWaitingCallMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void callsThatDataZoneDoesNotAnswerHoldTheirPlaceSoNoMoreThanTheCapAreInFlight() {
        StatusCallBudget budget = budget(10);
        List<CompletableFuture<String>> onTheWire = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            budget.call(() -> {
                sent.add("hanging");
                CompletableFuture<String> answer = new CompletableFuture<>();
                onTheWire.add(answer);
                return answer;
            });
        }

        for (int step = 0; step < 200; step++) {
            time.sleep(100);
            budget.sendWaitingCalls();
        }

        assertThat(StatusCallBudget.maxInFlight(10)).isEqualTo(20);
        assertThat(sent).as("calls on the wire at once, none answered").hasSize(20);
        assertThat(budget.inFlight()).isEqualTo(20);
        assertThat(budget.untilPermitFreeMs()).as("only an answer frees a place").isEqualTo(Long.MAX_VALUE);
        budget.planWait(Long.MAX_VALUE, 500);
        int wakeUpsBefore = wakeUps.get();
        onTheWire.get(0).complete("late");
        assertThat(wakeUps).as("the answer wakes the task").hasValue(wakeUpsBefore + 1);
        budget.sendWaitingCalls();
        assertThat(sent).as("an answer frees a place").hasSize(21);
    }

    @Test
    void theCapFollowsTheShareOfTheBudgetWithinBounds() {
        assertThat(StatusCallBudget.maxInFlight(0.1)).isEqualTo(StatusCallBudget.MIN_IN_FLIGHT);
        assertThat(StatusCallBudget.maxInFlight(10.0 / 3)).isEqualTo(7);
        assertThat(StatusCallBudget.maxInFlight(1_000)).isEqualTo(50);
        assertThat(StatusCallBudget.maxInFlight(0)).as("no budget: the SDK's connection pool").isEqualTo(50);
        assertThat(StatusCallBudget.connections(10)).as("the client's pool: the cap and 2 to spare").isEqualTo(22);
    }

    @Test
    void withoutABudgetEveryCallGoesAtOnceAndIsStillCounted() {
        StatusCallBudget budget = budget(0);
        for (int i = 0; i < 100; i++) {
            budget.call(() -> answered("call"));
        }

        assertThat(sent).hasSize(100);
        assertThat(counters.statusCalls()).isEqualTo(100);
        assertThat(wakeUps).hasValue(0);
        assertThat(budget.canSend()).isTrue();
        assertThat(budget.untilPermitFreeMs()).isZero();
        assertThat(budget.currentRate()).isInfinite();
    }

    @Test
    void afterCloseNoCallIsSentQueuedOnesFailAndACallOnTheWireIsNotRetried() {
        StatusCallBudget budget = budget(1, standard());
        CompletableFuture<String> onTheWire = new CompletableFuture<>();
        CompletableFuture<String> inFlight = budget.call(() -> {
            sent.add("in flight");
            return onTheWire;
        });
        CompletableFuture<String> queued = budget.call(() -> answered("queued"));

        budget.close();
        // The client closing under it: a failure the strategy would retry at once.
        onTheWire.completeExceptionally(SdkClientException.create("Connection closed", new IOException("closed")));
        CompletableFuture<String> askedAfter = budget.call(() -> answered("asked after"));
        time.sleep(10_000);
        budget.sendWaitingCalls();

        assertThat(sent).as("nothing sent after close").containsExactly("in flight");
        assertThat(inFlight).isCompletedExceptionally();
        assertThat(queued).isCompletedExceptionally();
        assertThat(askedAfter).isCompletedExceptionally();
        assertThat(DataZoneErrorClassifier.unwrap(queued.handle((answer, error) -> error).join()))
                .isInstanceOf(CancellationException.class);
        assertThat(budget.untilNextWaitingCallMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void noRetryIsPlannedToStartLaterThanTheCallTimeoutAfterTheCallWasAsked() {
        StatusCallBudget budget = budget(0, AwsRetryStrategy.forRetryMode(RetryMode.STANDARD).toBuilder()
                .maxAttempts(10).build(), Duration.ofMillis(1_000));
        List<Long> sentAtMs = new ArrayList<>();

        // Each attempt runs into its own timeout (400 ms here), which the strategy retries.
        CompletableFuture<String> call = budget.call(() -> {
            sentAtMs.add(time.milliseconds());
            time.sleep(400);
            return CompletableFuture.failedFuture(ApiCallAttemptTimeoutException.create(400));
        });
        for (int step = 0; step < 20 && !call.isDone(); step++) {
            time.sleep(Math.max(1, budget.untilNextWaitingCallMs()));
            budget.sendWaitingCalls();
        }

        assertThat(call).isCompletedExceptionally();
        assertThat(sentAtMs).as("attempts within the call timeout, not the strategy's 10").hasSizeBetween(2, 3)
                .allSatisfy(sentAt -> assertThat(sentAt).isLessThanOrEqualTo(START_MS + 1_000));
    }

    @Test
    void aWallClockSetBackDoesNotHoldQueuedCallsBack() {
        long[] wallShiftMs = {0};
        MockTime shifted = new MockTime(0, START_MS, TimeUnit.MILLISECONDS.toNanos(START_MS)) {
            @Override
            public long milliseconds() {
                return super.milliseconds() + wallShiftMs[0];
            }
        };
        StatusCallBudget budget = new StatusCallBudget(10, AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(30),
                shifted, error -> false, wakeUps::incrementAndGet, counters);
        budget.call(() -> answered("first"));
        budget.call(() -> answered("queued"));

        wallShiftMs[0] = -TimeUnit.HOURS.toMillis(1);
        assertThat(budget.untilNextWaitingCallMs()).as("still due now").isZero();
        shifted.sleep(100);
        budget.sendWaitingCalls();
        assertThat(sent).containsExactly("first", "queued");
    }

    @Test
    void aCallThatThrowsBeforeItIsSentIsNotCountedAndFreesItsPlace() {
        StatusCallBudget budget = budget(0);
        CompletableFuture<String> call = budget.call(() -> {
            throw new IllegalArgumentException("request not built");
        });

        assertThat(call).isCompletedExceptionally();
        assertThat(counters.statusCalls()).as("never sent").isZero();
        assertThat(budget.inFlight()).isZero();
    }

    @Test
    void onlyACallDueBeforeTheTaskPlannedToWakeWakesIt() {
        StatusCallBudget budget = budget(10);
        budget.call(() -> answered("first"));
        assertThat(budget.planWait(500, 500)).as("the next poll's due time").isEqualTo(500);

        budget.call(time.hiResClockMs() + 2_000, () -> answered("retry due in 2 s"));
        assertThat(wakeUps).as("due after the planned wake-up").hasValue(0);
        budget.call(() -> answered("next page"));
        assertThat(wakeUps).as("due now").hasValue(1);
        budget.call(() -> answered("another page"));
        assertThat(wakeUps).as("the task is awake already").hasValue(1);

        assertThat(budget.planWait(500, 500)).as("a permit for the page").isEqualTo(100);
        budget.call(() -> answered("a third page"));
        assertThat(wakeUps).as("behind the page the task waits for").hasValue(1);
    }

    @Test
    void anAnswerFreeingAPlaceWakesTheTaskOnlyForACallDueBeforeThePlannedWake() {
        StatusCallBudget budget = budget(1);
        List<CompletableFuture<String>> onTheWire = new ArrayList<>();
        for (int i = 0; i < StatusCallBudget.maxInFlight(1); i++) {
            time.sleep(1_000);
            budget.call(() -> {
                CompletableFuture<String> answer = new CompletableFuture<>();
                onTheWire.add(answer);
                return answer;
            });
        }
        budget.call(time.hiResClockMs() + 2_000, () -> answered("retry due in 2 s"));
        assertThat(budget.planWait(500, 500)).as("every place taken").isEqualTo(500);
        int wakeUpsBefore = wakeUps.get();

        onTheWire.get(0).complete("answer");
        assertThat(wakeUps).as("the freed place's next call is due after the planned wake-up").hasValue(wakeUpsBefore);
    }
}
