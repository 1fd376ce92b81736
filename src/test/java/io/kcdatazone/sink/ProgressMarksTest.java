package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.ProgressMark;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class ProgressMarksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:00:00Z"), ZoneOffset.UTC);
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
    }, Runnable::run, CLOCK);

    @Test
    void aMarkCoversOnlyRequestsWhoseOutcomeTheLedgerAcknowledged() {
        OffsetTracker.Tracked first = tracker.track(record(0, 10));
        OffsetTracker.Tracked second = tracker.track(record(0, 11));
        tracker.track(record(0, 12)).complete();
        first.complete();

        marks.markProgress(tracker.committableOffsets());
        acknowledgements.get(0).complete(null);
        second.complete();
        marks.markProgress(tracker.committableOffsets());

        assertThat(sent).extracting(ProgressMark::marks).containsExactly(
                List.of(new ProgressMark.Below("requests", 0, 11)),
                List.of(new ProgressMark.Below("requests", 0, 13)));
        assertThat(sent).extracting(ProgressMark::recordedAt).containsOnly(CLOCK.instant());
    }

    @Test
    void onlyPartitionsThatMovedSinceTheLastAcknowledgedMarkAreMarked() {
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5), REQUESTS_1, new OffsetAndMetadata(8)));
        acknowledgements.get(0).complete(null);

        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5), REQUESTS_1, new OffsetAndMetadata(8)));
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5), REQUESTS_1, new OffsetAndMetadata(9)));

        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).marks()).containsExactlyInAnyOrder(new ProgressMark.Below("requests", 0, 5),
                new ProgressMark.Below("requests", 1, 8));
        assertThat(sent.get(1).marks()).containsExactly(new ProgressMark.Below("requests", 1, 9));
    }

    @Test
    void oneWriteAtATimeAndAFailedWriteIsRetriedWithNewerOffsetsWithoutFailingAnything() {
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(6)));
        assertThat(sent).as("the first write is still under way").hasSize(1);

        acknowledgements.get(0).completeExceptionally(new IllegalStateException("ledger unavailable"));
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(7)));

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
        }, Runnable::run, CLOCK);

        flaky.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        flaky.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));

        assertThat(sent).extracting(ProgressMark::marks)
                .containsExactly(List.of(new ProgressMark.Below("requests", 0, 5)));
    }

    @Test
    void aTaskOwningThousandsOfPartitionsSplitsItsMarksIntoSeveralRecords() {
        Map<TopicPartition, OffsetAndMetadata> many = new HashMap<>();
        for (int partition = 0; partition < ProgressMarks.MAX_PARTITIONS_PER_RECORD + 1; partition++) {
            many.put(new TopicPartition("requests", partition), new OffsetAndMetadata(1));
        }

        marks.markProgress(many);

        assertThat(sent).extracting(mark -> mark.marks().size())
                .containsExactly(ProgressMarks.MAX_PARTITIONS_PER_RECORD, 1);
    }

    @Test
    void aRevokedPartitionIsMarkedAgainWhenItComesBack() {
        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));
        acknowledgements.get(0).complete(null);
        marks.forget(List.of(REQUESTS_0));

        marks.markProgress(Map.of(REQUESTS_0, new OffsetAndMetadata(5)));

        assertThat(sent).hasSize(2);
    }

    private static SinkRecord record(int partition, long offset) {
        return new SinkRecord("requests", partition, null, "key", null, "value", offset);
    }
}
