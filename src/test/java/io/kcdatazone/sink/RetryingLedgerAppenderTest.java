package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.LedgerAppender;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.testkit.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/** Ledger writes through an outage of the ledger cluster, against a scripted {@link LedgerAppender}. */
@Timeout(60)
class RetryingLedgerAppenderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A secret of the ledger clients' settings, such as a SASL password. */
    private static final String SECRET = "ledger-sasl-s3cr3t";
    /** Retries after 1, 2, 4, then 5 ms. */
    private static final BackoffStrategy BACKOFF =
            BackoffStrategy.exponentialDelayWithoutJitter(Duration.ofMillis(1), Duration.ofMillis(5));

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MockTime time = new MockTime(0, 1_000_000, 0);
    /** What the fake ledger answers each write with: null for success. */
    private final AtomicReference<RuntimeException> ledgerFails = new AtomicReference<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final LedgerAppender ledger = entry -> {
        writes.incrementAndGet();
        RuntimeException error = ledgerFails.get();
        return error == null
                ? CompletableFuture.completedFuture(new RecordMetadata(new TopicPartition("ledger", 0), 0, 0, 0, 0, 0))
                : CompletableFuture.failedFuture(error);
    };
    private final RetryingLedgerAppender appender = new RetryingLedgerAppender(ledger, "ledger", scheduler,
            BACKOFF, time, SecretRedactor.of(List.of(SECRET)));

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void retriableFailuresAreRetriedUntilTheLedgerIsBackAndTheOutageIsLoggedOnce() {
        try (CapturedLog log = CapturedLog.start(Map.of(RetryingLedgerAppender.class.getName(), Level.INFO))) {
            ledgerFails.set(new TimeoutException("Expiring 12 record(s) for ledger-0: 120000 ms has passed"));
            List<CompletableFuture<RecordMetadata>> written = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                written.add(appender.append(entry(i)));
            }
            await().atMost(WAIT).until(() -> writes.get() >= 50 * 3);
            ledgerFails.set(new NotEnoughReplicasException("Messages are rejected since there are fewer in-sync"
                    + " replicas than required"));
            int failedSoFar = writes.get();
            await().atMost(WAIT).until(() -> writes.get() >= failedSoFar + 50);
            assertThat(written).noneMatch(CompletableFuture::isDone);

            time.sleep(Duration.ofMinutes(5).toMillis());
            ledgerFails.set(null);

            assertThat(CompletableFuture.allOf(written.toArray(new CompletableFuture[0]))).succeedsWithin(WAIT);
            assertThat(appenderLines(log)).filteredOn(line -> line.contains("WARN")).singleElement().asString()
                    .contains("ledger topic 'ledger'").contains("TimeoutException").contains("max.buffered.records");
            await().atMost(WAIT).until(() -> appenderLines(log).stream().anyMatch(line -> line.contains("INFO")));
            assertThat(appenderLines(log)).filteredOn(line -> line.contains("INFO")).singleElement().asString()
                    .contains("after 300 s").contains("50 outcomes");
        }
    }

    @Test
    void errorsThatRetryingCannotCureFailTheWriteAtOnce() {
        for (RuntimeException error : List.of(new TopicAuthorizationException("Not authorized to access topics"),
                new RecordTooLargeException("The message is 2000000 bytes"),
                new ProducerFencedException("There is a newer producer with the same transactionalId"))) {
            ledgerFails.set(error);
            int before = writes.get();

            CompletableFuture<RecordMetadata> written = appender.append(entry(1));

            assertThat(written).failsWithin(WAIT).withThrowableOfType(Exception.class).havingRootCause()
                    .isSameAs(error);
            assertThat(writes.get()).isEqualTo(before + 1);
        }
    }

    @Test
    void appendNeverWaitsForAProducerThatBlocks() throws InterruptedException {
        // A producer with the ledger down at start, or buffer.memory full, blocks send() up to max.block.ms.
        CountDownLatch ledgerBack = new CountDownLatch(1);
        AtomicReference<String> sendingThread = new AtomicReference<>();
        AtomicReference<String> callerThread = new AtomicReference<>();
        LedgerAppender blockingLedger = entry -> {
            sendingThread.set(Thread.currentThread().getName());
            awaitQuietly(ledgerBack);
            return CompletableFuture.completedFuture(new RecordMetadata(new TopicPartition("ledger", 0), 0, 0, 0, 0,
                    0));
        };
        RetryingLedgerAppender blockingAppender = new RetryingLedgerAppender(blockingLedger, "ledger", scheduler,
                BACKOFF, time, SecretRedactor.none());
        ExecutorService dispatcherThread = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<CompletableFuture<RecordMetadata>> appended =
                    CompletableFuture.supplyAsync(() -> {
                        callerThread.set(Thread.currentThread().getName());
                        return blockingAppender.append(entry(1));
                    }, dispatcherThread);

            assertThat(appended).as("append() returns while the producer blocks").succeedsWithin(WAIT);
            assertThat(CompletableFuture.runAsync(() -> { }, dispatcherThread))
                    .as("the calling thread goes on with its other work").succeedsWithin(WAIT);
            await().atMost(WAIT).until(() -> sendingThread.get() != null);
            assertThat(sendingThread.get()).as("the send runs on the ledger thread").isNotEqualTo(callerThread.get());
            assertThat(appended.join()).isNotDone();
            ledgerBack.countDown();
            assertThat(appended.join()).succeedsWithin(WAIT);
        } finally {
            ledgerBack.countDown();
            dispatcherThread.shutdownNow();
        }
    }

    @Test
    void theOutageWarningMasksTheLedgerClientsSecrets() {
        try (CapturedLog log = CapturedLog.start(Map.of(RetryingLedgerAppender.class.getName(), Level.WARN))) {
            ledgerFails.set(new TimeoutException("Authentication with password " + SECRET + " timed out"));

            appender.append(entry(1));

            await().atMost(WAIT).until(() -> appenderLines(log).stream().anyMatch(line -> line.contains("WARN")));
            assertThat(log.lines()).noneMatch(line -> line.contains(SECRET))
                    .anyMatch(line -> line.contains("Authentication with password [hidden] timed out"));
        }
    }

    /**
     * The appender's own lines: the log captures the whole JVM, where clients that an earlier test class left behind
     * may still be logging (CI once saw a ChaosTest producer's connection warnings here).
     */
    private static List<String> appenderLines(CapturedLog log) {
        String logger = " " + RetryingLedgerAppender.class.getName() + ": ";
        return log.lines().stream().filter(line -> line.contains(logger)).collect(Collectors.toList());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static LedgerEntry entry(int offset) {
        return LedgerEntry.failed(new RequestCoordinates("requests", 0, offset), "token-" + offset, "dzd_test", "ds",
                new RunError("VALIDATION_EXCEPTION", "test"), null, Instant.parse("2026-11-25T12:00:00Z"));
    }
}
