package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.SecretRedactor;
import io.kcdatazone.ledger.LedgerCodec;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.OffsetRange;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.source.PublishedResults;
import io.kcdatazone.testkit.CapturedLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

class ProgressMarksTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private final MockTime time = new MockTime(0, NOW.toEpochMilli(), 0);
    private static final TopicPartition REQUESTS_0 = new TopicPartition("requests", 0);
    private static final TopicPartition REQUESTS_1 = new TopicPartition("requests", 1);

    /** Marks sent to the ledger, each with the future its acknowledgement completes. */
    private final List<ProgressMark> sent = new ArrayList<>();
    private final List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
    private final OffsetTracker tracker = new OffsetTracker();
    private final ProgressMarks marks = new ProgressMarks(mark -> {
        sent.add(mark);
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        acknowledgements.add(acknowledged);
        return acknowledged;
    }, Runnable::run, time, SecretRedactor.none());

    @Test
    void aMarkCoversOnlyRequestsWhoseOutcomeTheLedgerAcknowledged() {
        OffsetTracker.Tracked first = tracker.track(record(0, 10));
        OffsetTracker.Tracked second = tracker.track(record(0, 11));
        tracker.track(record(0, 12)).complete();
        first.complete();

        marks.markProgress(tracker.progress());
        acknowledgements.get(0).complete(null);
        second.complete();
        marks.markProgress(tracker.progress());

        assertThat(sent).extracting(ProgressMark::marks).containsExactly(
                List.of(new ProgressMark.Below("requests", 0, 11, 13L, List.of(new OffsetRange(11, 12)))),
                List.of(new ProgressMark.Below("requests", 0, 13)));
        assertThat(sent).extracting(ProgressMark::recordedAt).containsOnly(NOW);
    }

    @Test
    void onlyPartitionsWhoseProgressChangedSinceTheLastAcknowledgedMarkAreMarked() {
        marks.markProgress(Map.of(REQUESTS_0, done(5), REQUESTS_1, done(8)));
        acknowledgements.get(0).complete(null);

        marks.markProgress(Map.of(REQUESTS_0, done(5), REQUESTS_1, done(8)));
        marks.markProgress(Map.of(REQUESTS_0, done(5), REQUESTS_1, done(9)));

        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).marks()).containsExactlyInAnyOrder(new ProgressMark.Below("requests", 0, 5),
                new ProgressMark.Below("requests", 1, 8));
        assertThat(sent.get(1).marks()).containsExactly(new ProgressMark.Below("requests", 1, 9));
    }

    @Test
    void oneWriteAtATimeAndAFailedWriteIsRetriedWithNewerOffsetsWithoutFailingAnything() {
        marks.markProgress(Map.of(REQUESTS_0, done(5)));
        marks.markProgress(Map.of(REQUESTS_0, done(6)));
        assertThat(sent).as("the first write is still under way").hasSize(1);

        acknowledgements.get(0).completeExceptionally(new IllegalStateException("ledger unavailable"));
        marks.markProgress(Map.of(REQUESTS_0, done(7)));

        assertThat(sent).extracting(ProgressMark::marks).containsExactly(
                List.of(new ProgressMark.Below("requests", 0, 5)),
                List.of(new ProgressMark.Below("requests", 0, 7)));
    }

    @Test
    void aWriteThatCannotEvenStartIsRetriedNextTime() {
        int[] calls = {0};
        ProgressMarks flaky = new ProgressMarks(mark -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("no metadata for the ledger topic");
            }
            sent.add(mark);
            return CompletableFuture.completedFuture(null);
        }, Runnable::run, time, SecretRedactor.none());

        flaky.markProgress(Map.of(REQUESTS_0, done(5)));
        flaky.markProgress(Map.of(REQUESTS_0, done(5)));

        assertThat(sent).extracting(ProgressMark::marks)
                .containsExactly(List.of(new ProgressMark.Below("requests", 0, 5)));
    }

    @Test
    void aTaskOwningThousandsOfPartitionsSplitsItsMarksIntoRecordsBelowOneMegabyte() {
        Map<TopicPartition, OffsetTracker.Progress> many = new HashMap<>();
        String longestTopic = "t".repeat(249);
        List<OffsetRange> pending = new ArrayList<>();
        for (int range = 0; range < ProgressMarks.MAX_PENDING_RANGES; range++) {
            pending.add(new OffsetRange(Long.MAX_VALUE / 2 + 2 * range, Long.MAX_VALUE / 2 + 2 * range + 1));
        }
        for (int partition = 0; partition < 2 * ProgressMarks.MAX_PARTITIONS_PER_RECORD + 1; partition++) {
            many.put(new TopicPartition(longestTopic, Integer.MAX_VALUE - partition),
                    new OffsetTracker.Progress(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 100, pending));
        }

        marks.markProgress(many);

        assertThat(sent).extracting(mark -> mark.marks().size()).containsExactly(
                ProgressMarks.MAX_PARTITIONS_PER_RECORD, ProgressMarks.MAX_PARTITIONS_PER_RECORD, 1);
        assertThat(LedgerCodec.encode(sent.get(0)).length).isLessThan(1_000_000);
    }

    @Test
    void aRevokedPartitionIsMarkedAgainWhenItComesBackEvenIfAWriteCompletesAfterTheRevocation() {
        marks.markProgress(Map.of(REQUESTS_0, done(5)));
        marks.forget(List.of(REQUESTS_0));
        acknowledgements.get(0).complete(null);

        marks.markProgress(Map.of(REQUESTS_0, done(5)));

        assertThat(sent).hasSize(2);
    }

    @Test
    void aMarkWithMorePendingRangesThanItsLimitMergesTheClosestAndStillReachesEverythingReceived() {
        // Slow requests interleaved with finished ones, as conflict siblings waiting behind a probe are: the gaps
        // between pending offsets are 1 wide, except one of 5 finished requests after offset 20.
        List<OffsetTracker.Tracked> slow = new ArrayList<>();
        long received = 2L * ProgressMarks.MAX_PENDING_RANGES + 10;
        for (int offset = 0; offset < received; offset++) {
            OffsetTracker.Tracked tracked = tracker.track(record(0, offset));
            boolean pending = offset <= 20 ? offset % 2 == 0 : offset >= 26 && offset % 2 == 0;
            if (pending) {
                slow.add(tracked);
            } else {
                tracked.complete();
            }
        }

        marks.markProgress(tracker.progress());

        ProgressMark.Below mark = sent.get(0).marks().get(0);
        assertThat(mark.below()).isZero();
        assertThat(mark.until()).as("the mark still reaches every request received").isEqualTo(received);
        assertThat(mark.pending()).hasSizeLessThanOrEqualTo(ProgressMarks.MAX_PENDING_RANGES);
        for (int offset = 0; offset < received; offset++) {
            boolean pending = offset <= 20 ? offset % 2 == 0 : offset >= 26 && offset % 2 == 0;
            long at = offset;
            if (pending) {
                assertThat(mark.pending()).as("pending offset %d stays uncovered", at)
                        .anySatisfy(range -> assertThat(range.contains(at)).isTrue());
            }
        }
        assertThat(mark.pending()).as("the widest stretch of finished requests stays covered")
                .noneSatisfy(range -> assertThat(range.contains(23)).isTrue());
    }

    @Test
    void aFailedWriteLogsItsReasonWithTheLedgerSecretsMasked() {
        ProgressMarks redacting = new ProgressMarks(mark -> CompletableFuture.failedFuture(
                new IllegalStateException("SASL authentication failed for password s3cr3t-ledger")),
                Runnable::run, time, SecretRedactor.of(List.of("s3cr3t-ledger")));

        try (CapturedLog log = CapturedLog.start(Map.of(ProgressMarks.class.getName(), Level.WARN))) {
            redacting.markProgress(Map.of(REQUESTS_0, done(5)));

            assertThat(log.lines()).filteredOn(line -> line.contains("progress mark")).singleElement().asString()
                    .contains("authentication failed", SecretRedactor.MASK).doesNotContain("s3cr3t-ledger");
        }
    }

    @Test
    void oneSlowRequestDoesNotHoldBackTheSourcesMemoryOfPublishedResults() {
        // A request retrying a conflict for half an hour while 5,000 later ones of its partition finish.
        PublishedResults source = new PublishedResults();
        ProgressMarks toSource = new ProgressMarks(mark -> {
            mark.marks().forEach(source::mark);
            return CompletableFuture.completedFuture(null);
        }, Runnable::run, time, SecretRedactor.none());
        int requests = 5_001;
        OffsetTracker.Tracked slow = tracker.track(record(0, 0));
        int largest = 0;
        for (int offset = 1; offset < requests; offset++) {
            tracker.track(record(0, offset)).complete();
            assertThat(source.accept(outcome(offset), "result-" + offset).publish()).isTrue();
            if (offset % 100 == 0) {
                toSource.markProgress(tracker.progress());
            }
            largest = Math.max(largest, offsetSize(source));
        }
        int againWhilePending = countPublished(source, 1, requests);
        slow.complete();
        assertThat(source.accept(outcome(0), "result-0").publish()).isTrue();
        toSource.markProgress(tracker.progress());

        assertThat(againWhilePending).as("second results of a redelivery while the slow request waits").isZero();
        assertThat(countPublished(source, 0, requests)).as("second results of a full redelivery").isZero();
        // About 100 results (one commit interval) at most, not the 5,000 the slow request held back before.
        assertThat(largest).as("largest progress field of the source offset, in bytes, while the slow request waited")
                .isLessThan(3_000);
    }

    private static int countPublished(PublishedResults source, int from, int to) {
        int published = 0;
        for (int offset = from; offset < to; offset++) {
            published += source.accept(outcome(offset), "result-" + offset).publish() ? 1 : 0;
        }
        return published;
    }

    private static LedgerEntry outcome(long offset) {
        return LedgerEntry.failed(new RequestCoordinates("requests", 0, offset), "token-" + offset, "dzd_demo",
                "sales_glue", new RunError("CONFLICT_EXCEPTION", "a run is in progress"), null, NOW);
    }

    private static int offsetSize(PublishedResults source) {
        return source.toJson().length();
    }

    private static OffsetTracker.Progress done(long below) {
        return new OffsetTracker.Progress(below, below, List.of());
    }

    private static SinkRecord record(int partition, long offset) {
        return new SinkRecord("requests", partition, null, "key", null, "value", offset);
    }
}
