package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdatazone.config.DataSourceRunSinkConfig.ConflictPolicy;
import io.kcdatazone.datazone.AdaptiveRateLimiter;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.datazone.model.AccessDeniedException;
import software.amazon.awssdk.services.datazone.model.ConflictException;
import software.amazon.awssdk.services.datazone.model.DataSourceRunStatus;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

/** The dispatcher's scheduling, retry and conflict rules, against a scripted {@link StartRunCall}. */
@Timeout(60)
class RunStartDispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final DataSourceRef DS_A = new DataSourceRef("dzd_test", "ds-a");
    private static final DataSourceRef DS_B = new DataSourceRef("dzd_test", "ds-b");
    private static final DataSourceRef DS_C = new DataSourceRef("dzd_test", "ds-c");
    /** Retries after 1, 2, 4, 8, then 10 ms. */
    private static final BackoffStrategy FAST_BACKOFF =
            BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(1), Duration.ofMillis(10));
    private static final BackoffStrategy TWENTY_MS = BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(20));

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SinkTaskCounters counters = new SinkTaskCounters();
    private final AtomicInteger offsets = new AtomicInteger();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void neverHasMoreCallsInFlightThanAllowed() {
        List<CompletableFuture<StartDataSourceRunResponse>> calls = new CopyOnWriteArrayList<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            CompletableFuture<StartDataSourceRunResponse> call = new CompletableFuture<>();
            calls.add(call);
            return call;
        }, 3, 60_000, ConflictPolicy.RETRY);

        List<CompletableFuture<LedgerEntry>> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            outcomes.add(dispatcher.submit(next(), "token-" + i, DS_A));
        }
        await().atMost(WAIT).until(() -> calls.size() == 3);
        assertThat(dispatcher.inFlight()).isEqualTo(3);

        // Each answer frees a slot for the next request, until all ten have been sent.
        for (int answered = 0; answered < 10; answered++) {
            int index = answered;
            await().atMost(WAIT).until(() -> calls.size() > index);
            calls.get(index).complete(started("run-" + index));
            assertThat(calls.size()).isLessThanOrEqualTo(Math.min(10, index + 4));
        }
        assertThat(CompletableFuture.allOf(outcomes.toArray(new CompletableFuture[0])))
                .succeedsWithin(WAIT);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.join().outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED));
    }

    @Test
    void retriesThrottlingWithTheSameTokenUntilItGoesThrough() {
        List<String> tokens = new CopyOnWriteArrayList<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            tokens.add(token);
            return tokens.size() <= 5 ? CompletableFuture.failedFuture(throttled())
                    : CompletableFuture.completedFuture(started("run-1"));
        }, 4, 60_000, ConflictPolicy.RETRY);

        LedgerEntry entry = dispatcher.submit(next(), "the-token", DS_A).join();

        assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        assertThat(entry.run().id()).isEqualTo("run-1");
        assertThat(tokens).hasSize(6).containsOnly("the-token");
        assertThat(counters.throttledCalls()).isEqualTo(5);
        assertThat(counters.retries()).isEqualTo(5);
    }

    @Test
    void permanentErrorsFailAtOnceWithDataZonesErrorType() {
        AtomicInteger calls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(error(AccessDeniedException.builder(), 403, "AccessDeniedException",
                    "User is not authorized"));
        }, 4, 60_000, ConflictPolicy.RETRY);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_START_FAILED);
        assertThat(entry.error().errorType()).isEqualTo("ACCESS_DENIED_EXCEPTION");
        assertThat(entry.error().errorDetail()).contains("User is not authorized");
        assertThat(entry.dataZoneRequestId()).isEqualTo("req-403");
        assertThat(calls).hasValue(1);
        assertThat(counters.startFailures()).containsEntry("ACCESS_DENIED_EXCEPTION", 1L);
    }

    @Test
    void conflictsFailAtOnceWhenConfiguredTo() {
        RunStartDispatcher dispatcher = dispatcher((request, token) -> CompletableFuture.failedFuture(conflict()),
                4, 60_000, ConflictPolicy.FAIL);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        assertThat(entry.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
        assertThat(counters.retries()).isZero();
    }

    @Test
    void givesUpAfterTheRetryTimeoutNamingTheLastError() {
        RunStartDispatcher dispatcher = dispatcher((request, token) -> CompletableFuture.failedFuture(conflict()),
                4, 200, ConflictPolicy.RETRY);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        assertThat(entry.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
        assertThat(entry.error().errorDetail()).contains("gave up after").contains("retry.timeout.ms");
        assertThat(counters.retries()).isPositive();
    }

    @Test
    void aBusyDataSourceDoesNotHoldBackOthers() {
        Map<String, AtomicInteger> callsPerSource = new ConcurrentHashMap<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            callsPerSource.computeIfAbsent(request.dataSourceId(), k -> new AtomicInteger()).incrementAndGet();
            return request.equals(DS_A) ? CompletableFuture.failedFuture(conflict())
                    : CompletableFuture.completedFuture(started("run-b-" + token));
        }, 1, 60_000, ConflictPolicy.RETRY);

        CompletableFuture<LedgerEntry> busy = dispatcher.submit(next(), "a", DS_A);
        List<CompletableFuture<LedgerEntry>> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(dispatcher.submit(next(), "b" + i, DS_B));
        }

        assertThat(CompletableFuture.allOf(others.toArray(new CompletableFuture[0]))).succeedsWithin(WAIT);
        assertThat(busy).isNotDone();
        // its retries run on their own schedule, which need not have come round yet
        await().atMost(WAIT).until(() -> callsPerSource.get("ds-a").get() > 1);
    }

    @Test
    void pacedRequestsAllGoThroughAtTheLimitersRate() {
        List<Long> sentAtNanos = new CopyOnWriteArrayList<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            sentAtNanos.add(System.nanoTime());
            return CompletableFuture.completedFuture(started("run-" + token));
        }, 4, 60_000, ConflictPolicy.RETRY, new AdaptiveRateLimiter(20));

        List<CompletableFuture<LedgerEntry>> outcomes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            outcomes.add(dispatcher.submit(next(), "paced-" + i, DS_A));
        }

        // A drain that booked a fresh permit each time it woke up would postpone every call forever.
        assertThat(CompletableFuture.allOf(outcomes.toArray(new CompletableFuture[0]))).succeedsWithin(WAIT);
        assertThat(sentAtNanos.get(sentAtNanos.size() - 1) - sentAtNanos.get(0))
                .isGreaterThanOrEqualTo(Duration.ofMillis(5 * 50 - 10).toNanos());
    }

    @Test
    void aTransientFailureWhileClosingLeavesTheRequestWithoutOutcome() {
        CompletableFuture<StartDataSourceRunResponse> call = new CompletableFuture<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> call, 4, 60_000, ConflictPolicy.RETRY);
        CompletableFuture<LedgerEntry> outcome = dispatcher.submit(next(), "closing", DS_A);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 1);

        dispatcher.close();
        call.completeExceptionally(throttled());

        await().atMost(WAIT).until(outcome::isDone);
        assertThat(outcome).isCancelled();
    }

    @Test
    void aBackloggedRequestsRetryDeadlineStartsAtItsFirstAttempt() {
        MockTime time = new MockTime(0, TimeUnit.SECONDS.toMillis(1_000), TimeUnit.SECONDS.toNanos(1_000));
        CompletableFuture<StartDataSourceRunResponse> slowCall = new CompletableFuture<>();
        AtomicInteger backlogCalls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            if (token.equals("slow")) {
                return slowCall;
            }
            return backlogCalls.incrementAndGet() == 1 ? CompletableFuture.failedFuture(conflict())
                    : CompletableFuture.completedFuture(started("run-" + token));
        }, 1, 60_000, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0), FAST_BACKOFF, time);

        dispatcher.submit(next(), "slow", DS_A);
        CompletableFuture<LedgerEntry> backlogged = dispatcher.submit(next(), "backlogged", DS_B);
        await().atMost(WAIT).until(() -> dispatcher.inFlight() == 1);
        // The backlogged request waits ten minutes for the only call slot, far longer than retry.timeout.ms.
        time.sleep(TimeUnit.MINUTES.toMillis(10));
        slowCall.complete(started("run-slow"));

        assertThat(backlogged).succeedsWithin(WAIT)
                .satisfies(entry -> assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED));
        assertThat(backlogCalls).hasValue(2);
    }

    @Test
    void theLastRetryHappensAtTheDeadlineRatherThanGivingUpEarly() {
        AtomicInteger calls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(conflict());
        }, 4, 200, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0),
                BackoffStrategy.fixedDelayWithoutJitter(Duration.ofSeconds(10)), Time.SYSTEM);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        // The 10 s backoff is clamped to the 200 ms left, so the request is tried once more at its deadline.
        assertThat(entry.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
        assertThat(entry.error().errorDetail()).contains("gave up after 2 attempts");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aHugeRetryTimeoutMeansRetryForEver() {
        MockTime time = new MockTime(0, TimeUnit.DAYS.toMillis(3), TimeUnit.DAYS.toNanos(3));
        AtomicInteger calls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            time.sleep(TimeUnit.DAYS.toMillis(365));
            return calls.incrementAndGet() <= 3 ? CompletableFuture.failedFuture(throttled())
                    : CompletableFuture.completedFuture(started("run-1"));
        }, 4, Long.MAX_VALUE, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0), FAST_BACKOFF, time);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        assertThat(calls).hasValue(4);
    }

    @Test
    void unknownClientSideErrorsAreRetriedWithinTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> calls.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(SdkClientException.create(
                        "Unable to load credentials from any of the providers in the chain"))
                : CompletableFuture.completedFuture(started("run-1")), 4, 60_000, ConflictPolicy.RETRY);

        LedgerEntry entry = dispatcher.submit(next(), "t", DS_A).join();

        assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
        assertThat(calls).hasValue(3);
    }

    @Test
    void oneRequestProbesABusyDataSourceWhileItsSiblingsWaitOutsideTheQueue() {
        int busyRequests = 100;
        AtomicBoolean busy = new AtomicBoolean(true);
        Map<String, AtomicInteger> callsPerSource = new ConcurrentHashMap<>();
        AtomicInteger callsOfTheFirst = new AtomicInteger();
        AtomicInteger callsBeforeTheIdleOne = new AtomicInteger(-1);
        AtomicInteger callsToTheBusyOneWhileBusy = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            if (request.equals(DS_B)) {
                callsBeforeTheIdleOne.compareAndSet(-1, callsPerSource.get("ds-a").get());
                return CompletableFuture.completedFuture(started("run-" + token));
            }
            callsPerSource.computeIfAbsent(request.dataSourceId(), k -> new AtomicInteger()).incrementAndGet();
            if (!busy.get()) {
                return CompletableFuture.completedFuture(started("run-" + token));
            }
            callsToTheBusyOneWhileBusy.incrementAndGet();
            if (token.equals("a-0") && callsOfTheFirst.incrementAndGet() == 10) {
                // The run in progress ends while its tenth retry is on the way; DataZone still answers it as busy.
                busy.set(false);
            }
            return CompletableFuture.failedFuture(conflict());
        }, 4, 60_000, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0),
                TWENTY_MS, Time.SYSTEM);

        List<CompletableFuture<LedgerEntry>> outcomes = new ArrayList<>();
        for (int i = 0; i < busyRequests; i++) {
            outcomes.add(dispatcher.submit(next(), "a-" + i, DS_A));
        }
        CompletableFuture<LedgerEntry> idle = dispatcher.submit(next(), "b", DS_B);

        assertThat(CompletableFuture.allOf(outcomes.toArray(new CompletableFuture[0]))).succeedsWithin(WAIT);
        assertThat(idle).isCompleted();
        for (int i = 0; i < busyRequests; i++) {
            LedgerEntry entry = outcomes.get(i).join();
            assertThat(entry.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_STARTED);
            assertThat(entry.clientToken()).isEqualTo("a-" + i);
        }
        System.out.printf("calls to the busy data source while it was busy: %d (%d of them by the first request);"
                        + " calls to it before the idle one's first call: %d%n", callsToTheBusyOneWhileBusy.get(),
                callsOfTheFirst.get(), callsBeforeTheIdleOne.get());
        // Only the calls already on the wire when the first conflict came back are added to the probe's ten.
        assertThat(callsBeforeTheIdleOne.get()).isLessThanOrEqualTo(4);
        assertThat(callsToTheBusyOneWhileBusy.get()).isLessThanOrEqualTo(10 + 3);
    }

    @Test
    void siblingsWaitingBehindAProbeEndAtTheirOwnDeadline() {
        AtomicInteger calls = new AtomicInteger();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(conflict());
        }, 1, 300, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0), TWENTY_MS,
                Time.SYSTEM);

        List<CompletableFuture<LedgerEntry>> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            outcomes.add(dispatcher.submit(next(), "a-" + i, DS_A));
        }

        assertThat(CompletableFuture.allOf(outcomes.toArray(new CompletableFuture[0]))).succeedsWithin(WAIT);
        for (int i = 0; i < 10; i++) {
            LedgerEntry entry = outcomes.get(i).join();
            assertThat(entry.clientToken()).isEqualTo("a-" + i);
            assertThat(entry.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
            assertThat(entry.error().errorDetail()).contains("retry.timeout.ms");
        }
        // One request asks about every 20 ms for 300 ms; the nine others do not ask each in turn.
        assertThat(calls.get()).isLessThan(2 * 300 / 20);
    }

    @Test
    void cancellingRevokedPartitionsDropsTheirQueuedRetryingAndInFlightAttempts() {
        CompletableFuture<StartDataSourceRunResponse> inFlightCall = new CompletableFuture<>();
        List<String> tokens = new CopyOnWriteArrayList<>();
        RunStartDispatcher dispatcher = dispatcher((request, token) -> {
            tokens.add(token);
            switch (token) {
                case "retrying":
                    return CompletableFuture.failedFuture(conflict());
                case "in-flight":
                    return inFlightCall;
                default:
                    return CompletableFuture.completedFuture(started("run-" + token));
            }
        }, 1, 60_000, ConflictPolicy.RETRY, new AdaptiveRateLimiter(0), TWENTY_MS,
                Time.SYSTEM);

        CompletableFuture<LedgerEntry> retrying =
                dispatcher.submit(new RequestCoordinates("requests", 0, 1), "retrying", DS_A);
        await().atMost(WAIT).until(() -> counters.retries() > 0);
        CompletableFuture<LedgerEntry> inFlight =
                dispatcher.submit(new RequestCoordinates("requests", 0, 2), "in-flight", DS_B);
        await().atMost(WAIT).until(() -> tokens.contains("in-flight"));
        CompletableFuture<LedgerEntry> queued =
                dispatcher.submit(new RequestCoordinates("requests", 0, 3), "queued", DS_C);
        CompletableFuture<LedgerEntry> kept =
                dispatcher.submit(new RequestCoordinates("requests", 1, 1), "kept", DS_C);

        dispatcher.cancel(List.of(new TopicPartition("requests", 0)));
        int callsOfTheRetryingOne = (int) tokens.stream().filter("retrying"::equals).count();
        assertThat(dispatcher.abandonedOnWire()).as("its call still holds memory until answered").isEqualTo(1);
        // DataZone answers the revoked request after the new owner took it over: that outcome must go nowhere.
        inFlightCall.complete(started("run-late"));

        assertThat(kept).succeedsWithin(WAIT);
        assertThat(inFlight).isCancelled();
        assertThat(queued).isCancelled();
        assertThat(retrying).isCancelled();
        assertThat(tokens).doesNotContain("queued");
        assertThat(tokens.stream().filter("retrying"::equals).count()).isEqualTo(callsOfTheRetryingOne);
        assertThat(dispatcher.inFlight()).isZero();
        assertThat(dispatcher.abandonedOnWire()).isZero();
    }

    private RunStartDispatcher dispatcher(StartRunCall call, int maxInFlight, long retryTimeoutMs,
                                          ConflictPolicy onConflict) {
        return dispatcher(call, maxInFlight, retryTimeoutMs, onConflict, new AdaptiveRateLimiter(0));
    }

    private RunStartDispatcher dispatcher(StartRunCall call, int maxInFlight, long retryTimeoutMs,
                                          ConflictPolicy onConflict, AdaptiveRateLimiter limiter) {
        return dispatcher(call, maxInFlight, retryTimeoutMs, onConflict, limiter, FAST_BACKOFF, Time.SYSTEM);
    }

    private RunStartDispatcher dispatcher(StartRunCall call, int maxInFlight, long retryTimeoutMs,
                                          ConflictPolicy onConflict, AdaptiveRateLimiter limiter,
                                          BackoffStrategy backoff, Time time) {
        return new RunStartDispatcher(call, new DataZoneErrorClassifier(SecretRedactor.none()), scheduler,
                maxInFlight, limiter, backoff, retryTimeoutMs, onConflict, time, counters);
    }

    private RequestCoordinates next() {
        return new RequestCoordinates("requests", 0, offsets.getAndIncrement());
    }

    private static StartDataSourceRunResponse started(String runId) {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        return (StartDataSourceRunResponse) StartDataSourceRunResponse.builder()
                .id(runId).domainId("dzd_test").dataSourceId("ds").projectId("prj")
                .status(DataSourceRunStatus.REQUESTED).type("PRIORITIZED").createdAt(now).updatedAt(now)
                .build();
    }

    private static ThrottlingException throttled() {
        return (ThrottlingException) error(ThrottlingException.builder(), 429, "ThrottlingException", "Rate exceeded");
    }

    private static ConflictException conflict() {
        return (ConflictException) error(ConflictException.builder(), 409, "ConflictException",
                "A data source run is already in progress");
    }

    private static AwsServiceException error(AwsServiceException.Builder builder, int status, String code,
                                             String message) {
        return builder.statusCode(status).requestId("req-" + status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .message(message).build();
    }
}
