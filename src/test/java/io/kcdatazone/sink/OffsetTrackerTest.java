package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.OffsetRange;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition REQUESTS_0 = new TopicPartition("requests", 0);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void releasesOnlyTheContiguousFinishedPrefix() {
        OffsetTracker.Tracked first = tracker.track(record("requests", 0, 10));
        OffsetTracker.Tracked second = tracker.track(record("requests", 0, 11));
        OffsetTracker.Tracked third = tracker.track(record("requests", 0, 12));

        second.complete();
        third.complete();
        assertThat(tracker.committableOffsets()).as("offset 10 is not durable yet").isEmpty();

        first.complete();
        assertThat(tracker.committableOffsets()).containsExactly(Map.entry(REQUESTS_0, new OffsetAndMetadata(13)));
        assertThat(tracker.pendingCount()).isZero();
    }

    @Test
    void repeatsTheLastPositionSoAFailedCommitIsRetried() {
        tracker.track(record("requests", 0, 5)).complete();
        assertThat(tracker.committableOffsets()).containsEntry(REQUESTS_0, new OffsetAndMetadata(6));
        assertThat(tracker.committableOffsets()).containsEntry(REQUESTS_0, new OffsetAndMetadata(6));
    }

    @Test
    void keysByTheOriginalPartitionWhenATransformRenamedTheTopic() {
        SinkRecord renamed = record("requests", 0, 7).newRecord("renamed", 3, null, "k", null, "v", 0L);
        tracker.track(renamed).complete();
        assertThat(tracker.committableOffsets()).containsOnlyKeys(REQUESTS_0);
    }

    @Test
    void forgetsRevokedPartitionsButCountsTheirRecordsUntilTheirOutcomeCompletes() {
        OffsetTracker.Tracked pending = tracker.track(record("requests", 0, 1));
        tracker.track(record("requests", 1, 1)).complete();
        tracker.forget(List.of(REQUESTS_0));

        assertThat(tracker.committableOffsets()).containsOnlyKeys(new TopicPartition("requests", 1));
        assertThat(tracker.pendingCount()).as("a revoked record still in flight still holds memory").isEqualTo(1);
        pending.complete();
        pending.complete();
        assertThat(tracker.pendingCount()).as("completed once, counted once").isZero();
        assertThat(tracker.committableOffsets()).as("a revoked partition is never committed again")
                .containsOnlyKeys(new TopicPartition("requests", 1));
    }

    @Test
    void anAbandonedRecordStopsCountingButItsOffsetIsNeverReleased() {
        OffsetTracker.Tracked abandoned = tracker.track(record("requests", 0, 1));
        tracker.track(record("requests", 0, 2)).complete();

        abandoned.abandon();
        abandoned.abandon();

        assertThat(tracker.pendingCount()).as("abandoned once, released once").isZero();
        assertThat(tracker.committableOffsets()).as("offset 1 got no outcome: it is redelivered").isEmpty();
    }

    @Test
    void progressListsThePendingRecordsAboveTheCommittableOffsetAsRangesAcrossOffsetsNeverReceived() {
        // 20, 22 and 24: a transactional producer's records with their commit markers in between; 25 is done.
        OffsetTracker.Tracked slow = tracker.track(record("requests", 0, 10));
        tracker.track(record("requests", 0, 11)).complete();
        tracker.track(record("requests", 0, 20));
        tracker.track(record("requests", 0, 22));
        tracker.track(record("requests", 0, 24));
        tracker.track(record("requests", 0, 25)).complete();
        tracker.track(record("requests", 0, 30)).complete();

        assertThat(tracker.progress()).hasEntrySatisfying(REQUESTS_0, progress -> {
            assertThat(progress.complete()).isEqualTo(10);
            assertThat(progress.received()).isEqualTo(31);
            assertThat(progress.pending()).containsExactly(new OffsetRange(10, 11), new OffsetRange(20, 25));
        });

        slow.complete();
        tracker.committableOffsets();
        assertThat(tracker.progress().get(REQUESTS_0).complete()).isEqualTo(20);
        tracker.forget(List.of(REQUESTS_0));
        assertThat(tracker.progress()).isEmpty();
    }

    @Test
    void progressOfAPartitionWithNothingPendingIsAllItReceived() {
        tracker.track(record("requests", 0, 7)).complete();
        tracker.committableOffsets();

        assertThat(tracker.progress()).hasEntrySatisfying(REQUESTS_0, progress -> {
            assertThat(progress.complete()).isEqualTo(8);
            assertThat(progress.received()).isEqualTo(8);
            assertThat(progress.pending()).isEmpty();
        });
    }

    private static SinkRecord record(String topic, int partition, long offset) {
        return new SinkRecord(topic, partition, null, "key", null, "value", offset);
    }
}
