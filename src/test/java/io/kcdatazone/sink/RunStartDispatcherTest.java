package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdatazone.config.SecretRedactor;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.sink.RunStartDispatcher.ConflictPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
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

    private RunStartDispatcher dispatcher(StartRunCall call, int maxInFlight, long retryTimeoutMs,
                                          ConflictPolicy onConflict) {
        return dispatcher(call, maxInFlight, retryTimeoutMs, onConflict, new AdaptiveRateLimiter(0));
    }

    private RunStartDispatcher dispatcher(StartRunCall call, int maxInFlight, long retryTimeoutMs,
                                          ConflictPolicy onConflict, AdaptiveRateLimiter limiter) {
        return new RunStartDispatcher(call, new DataZoneErrorClassifier(SecretRedactor.none()), scheduler,
                maxInFlight, limiter, new RetryBackoff(1, 20, bound -> bound / 2),
                retryTimeoutMs, onConflict, System::nanoTime,
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), counters);
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
