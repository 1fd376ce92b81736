package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.OffsetRange;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LedgerPartitionStateTest {

    private static final String TOPIC = "ledger";
    private static final String REQUESTS = "requests";
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private static TrackedRun run(String runId, String status) {
        return new TrackedRun(runId, "dzd_demo", "sales_glue", "token-" + runId, "requests", 2, 41L, status,
                1_772_445_600_000L);
    }

    @Test
    void anOffsetRestoresPositionTrackedRunsAndRecentIds() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 3);
        state.advancePast(41);
        state.track(run("run-a", "REQUESTED"));
        state.track(run("run-b", "RUNNING"));
        state.accept(failed(7), "result-7");
        state.markProgress(mark(0, 5));
        state.finish("run-c");

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 3, state.toOffset());

        assertThat(restored.position()).isEqualTo(42);
        assertThat(restored.runs()).containsExactly(run("run-a", "REQUESTED"), run("run-b", "RUNNING"));
        assertThat(restored.run("run-b")).hasValueSatisfying(r -> {
            assertThat(r.lastStatus()).isEqualTo("RUNNING");
            assertThat(r.request().topic()).isEqualTo("requests");
            assertThat(r.request().offset()).isEqualTo(41L);
        });
        assertThat(restored.accept(failed(7), "result-7").publish()).as("published above the mark").isFalse();
        assertThat(restored.accept(failed(4), "result-4").publish()).as("below the mark").isFalse();
        assertThat(restored.accept(failed(8), "result-8").publish()).isTrue();
        assertThat(restored.finished("run-c")).isTrue();
        assertThat(restored.finished("run-a")).isFalse();
        assertThat(restored.sourcePartition()).isEqualTo(Map.of("ledgerTopic", TOPIC, "ledgerPartition", 3));
    }

    @Test
    void anOffsetReadBackFromJsonWithLongNumbersIsAccepted() {
        // Connect's offset store hands numbers back as Long, whatever was written.
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.advancePast(6);
        Map<String, Object> offset = new HashMap<>(state.toOffset());
        offset.put("version", 1L);

        assertThat(LedgerPartitionState.fromOffset(TOPIC, 0, offset).position()).isEqualTo(7);
    }

    @Test
    void aTrackedRunKeepsWhenItsTrackingBeganAndAnOffsetWrittenBeforeThatFieldStillLoads() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.track(run("run-a", "RUNNING"));
        assertThat(LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset()).run("run-a"))
                .map(TrackedRun::trackedSinceMs).hasValue(1_772_445_600_000L);

        Map<String, Object> older = new HashMap<>(state.toOffset());
        older.remove("since");
        older.put("runs", "[{\"r\":\"run-a\",\"d\":\"dzd_demo\",\"s\":\"sales_glue\",\"k\":\"token-a\","
                + "\"t\":\"requests\",\"p\":2,\"o\":41,\"l\":\"RUNNING\"}]");
        TrackedRun restored = LedgerPartitionState.fromOffset(TOPIC, 0, older).run("run-a").orElseThrow();

        assertThat(restored.trackedSinceMs()).isNull();
        assertThat(restored.lastStatus()).isEqualTo("RUNNING");
        assertThat(restored.trackedSince(5L).trackedSinceMs()).isEqualTo(5L);
    }

    /**
     * During a rolling upgrade Connect can move a source task back to a worker with the previous plugin version, whose
     * reader refuses unknown fields inside {@code runs}: the runs keep exactly the fields that version reads, and
     * what was added since travels in offset fields of its own, which every version ignores.
     */
    @Test
    void theRunsOfAnOffsetKeepOnlyTheFieldsThePreviousVersionReads() throws Exception {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.track(run("run-a", "RUNNING"));
        String runs = (String) state.toOffset().get("runs");

        List<Map<String, Object>> decoded = new com.fasterxml.jackson.databind.ObjectMapper().readValue(runs,
                new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, Object>>>() { });
        assertThat(decoded).singleElement().satisfies(fields ->
                assertThat(fields.keySet()).containsOnly("r", "d", "s", "k", "t", "p", "o", "l"));
        assertThat(LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset()).run("run-a"))
                .map(TrackedRun::trackedSinceMs).hasValue(1_772_445_600_000L);
    }

    @Test
    void noStoredOffsetStartsAtTheBeginningWithNothingTracked() {
        LedgerPartitionState state = LedgerPartitionState.fromOffset(TOPIC, 0, null);

        assertThat(state.position()).isZero();
        assertThat(state.runs()).isEmpty();
    }

    @Test
    void theFinishedRunMemoryKeepsOnlyTheNewestIds() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        int total = LedgerPartitionState.RECENT_CAPACITY + 10;
        for (int i = 0; i < total; i++) {
            state.finish("run-" + i);
        }

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());

        assertThat(restored.finished("run-9")).isFalse();
        assertThat(restored.finished("run-10")).isTrue();
        assertThat(restored.finished("run-" + (total - 1))).isTrue();
        assertThat((String) state.toOffset().get("recent")).hasSizeLessThan(LedgerPartitionState.RECENT_CAPACITY * 16);
    }

    @Test
    void theLargestDefaultOffsetFitsInOneRecordOfTheOffsetsTopic() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        String longestTopic = "t".repeat(249);
        String longestToken = "k".repeat(128);
        for (int i = 0; i < DataSourceRunSourceConfig.DEFAULT_MAX_TRACKED_RUNS; i++) {
            String id = String.format("%036d", i);
            state.track(new TrackedRun(id, "dzd_" + id.substring(4), id, longestToken, longestTopic,
                    Integer.MAX_VALUE, Long.MAX_VALUE, "PARTIALLY_SUCCEEDED", Long.MAX_VALUE));
        }
        for (int i = 0; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            state.finish(UUID.randomUUID().toString());
        }
        // A sink that writes no progress marks: the most published results the state remembers, each with a run.
        for (int i = 0; i < LedgerPartitionState.MAX_RESULTS_ABOVE_MARKS; i++) {
            state.accept(started(longestTopic, Integer.MAX_VALUE, Long.MAX_VALUE - i,
                    UUID.randomUUID().toString(), "SUCCESS"), "result-" + i);
        }

        int size = state.toOffset().values().stream().mapToInt(value -> String.valueOf(value).length()).sum();

        assertThat(size).isLessThan(1_000_000);
    }

    @Test
    void finishingARunAgainMakesItTheNewest() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.finish("first");
        for (int i = 1; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            state.finish("run-" + i);
        }
        state.finish("first");
        state.finish("newest");

        assertThat(state.finished("first")).isTrue();
        assertThat(state.finished("run-1")).isFalse();
    }

    @Test
    void finishingARunStopsTrackingIt() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.track(run("run-a", "RUNNING"));

        state.finish("run-a");

        assertThat(state.runs()).isEmpty();
        assertThat(state.finished("run-a")).isTrue();
    }

    @Test
    void thePositionNeverMovesBack() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.advancePast(10);
        state.advancePast(3);

        assertThat(state.position()).isEqualTo(11);
    }

    @Test
    void invalidOffsetsAreRefusedNamingTheField() {
        Map<String, Object> valid = new LedgerPartitionState(TOPIC, 0).toOffset();

        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "version", 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset field 'version' must be 1, got 7");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "position", -1)))
                .hasMessage("offset field 'position' must be a non-negative ledger offset, got -1");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "position", "12")))
                .hasMessage("offset field 'position' must be a non-negative ledger offset, got 12");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "runs", 5)))
                .hasMessage("offset field 'runs' must be a JSON string");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "runs", "[{\"d\":\"x\"}]")))
                .hasMessageStartingWith("offset field 'runs' is not valid: ");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "recent", "{")))
                .hasMessageStartingWith("offset field 'recent' is not valid: ");
        assertThatThrownBy(() -> LedgerPartitionState.fromOffset(TOPIC, 0, with(valid, "progress", "[{\"p\":1}]")))
                .hasMessageStartingWith("offset field 'progress' is not valid: ");
    }

    private static Map<String, Object> with(Map<String, Object> offset, String field, Object value) {
        Map<String, Object> changed = new HashMap<>(offset);
        changed.put(field, value);
        return changed;
    }
    @Test
    void aSecondOutcomeOfARequestWhoseResultIsOutIsNotPublished() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);

        assertThat(state.accept(started(REQUESTS, 1, 40, "run-a", "REQUESTED"), "result-40").publish()).isTrue();
        LedgerPartitionState.EntryVerdict again = state.accept(started(REQUESTS, 1, 40, "run-a", "REQUESTED"),
                "result-40");

        assertThat(again.publish()).isFalse();
        assertThat(again.newlyTracked()).isEmpty();
        assertThat(state.runs()).extracting(TrackedRun::runId).containsExactly("run-a");
        assertThat(state.accept(started(REQUESTS, 2, 40, "run-b", "REQUESTED"), "result-2-40").publish())
                .as("the same offset of another request partition").isTrue();
    }

    @Test
    void requestsBelowAProgressMarkAreKnownWithoutRememberingEachOne() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        for (int offset = 0; offset < 10; offset++) {
            state.accept(failed(offset), "result-" + offset);
        }
        int remembered = offsetSize(state);

        state.markProgress(mark(0, 10));

        assertThat(offsetSize(state)).isLessThan(remembered)
                .isEqualTo(offsetSizeAfter(new LedgerPartitionState(TOPIC, 0), mark(0, 10)));
        for (int offset = 0; offset < 10; offset++) {
            assertThat(state.accept(failed(offset), "result-" + offset).publish()).as("offset " + offset).isFalse();
        }
        assertThat(state.accept(failed(10), "result-10").publish()).isTrue();
    }

    @Test
    void aProgressMarkNeverMovesBackAndCoversOnlyItsOwnRequestPartition() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.markProgress(mark(0, 100));
        // A late mark of a task that lost the partition in a rebalance.
        state.markProgress(mark(0, 50));

        assertThat(state.accept(failed(70), "result-70").publish()).isFalse();
        assertThat(acceptFailure(state, new RequestCoordinates(REQUESTS, 1, 70)).publish()).isTrue();
        assertThat(acceptFailure(state, new RequestCoordinates("other", 0, 70)).publish()).isTrue();
    }

    @Test
    void aSecondOutcomeThatRevealsARunTheFirstDidNotTracksItWithoutASecondResult() {
        // Across a rebalance the revoked task gave up on a conflict while the new owner started the run.
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        assertThat(state.accept(failed(40), "failed-40").publish()).isTrue();

        LedgerPartitionState.EntryVerdict started = state.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"),
                "started-40");

        assertThat(started.publish()).isFalse();
        assertThat(started.newlyTracked()).hasValueSatisfying(run -> {
            assertThat(run.runId()).isEqualTo("run-a");
            assertThat(run.clientToken()).isEqualTo("token-40");
            assertThat(run.request()).isEqualTo(new RequestCoordinates(REQUESTS, 0, 40));
        });
        assertThat(state.runs()).extracting(TrackedRun::runId).containsExactly("run-a");

        // The same below a progress mark, where the state no longer remembers the first result.
        state.markProgress(mark(0, 100));
        assertThat(state.accept(started(REQUESTS, 0, 41, "run-b", "REQUESTED"), "started-41").newlyTracked())
                .hasValueSatisfying(run -> assertThat(run.runId()).isEqualTo("run-b"));
        assertThat(state.accept(started(REQUESTS, 0, 42, "run-c", "SUCCESS"), "started-42").newlyTracked())
                .as("a run already ended").isEmpty();
        assertThat(state.finished("run-c")).isTrue();
    }

    @Test
    void aSecondOutcomeRevealingTheSameRunNeverTracksItAgainEvenLongAfterItFinished() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"), "started-40");
        state.finish("run-a");
        for (int i = 0; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            state.finish("other-" + i);
        }
        assertThat(state.finished("run-a")).isFalse();

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());
        LedgerPartitionState.EntryVerdict replay = restored.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"),
                "started-40");

        assertThat(replay.publish()).isFalse();
        assertThat(replay.newlyTracked()).isEmpty();
        assertThat(restored.runs()).isEmpty();
    }

    @Test
    void anHourOfRedeliveredOutcomesPublishesNothingAgainAndTheOffsetStaysSmall() {
        // 10 requests/s over 6 request partitions for an hour, a mark from the sink every 60 s (its offset commits).
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        int requests = 36_000;
        int largestOffset = 0;
        for (int i = 0; i < requests; i++) {
            RequestCoordinates request = new RequestCoordinates(REQUESTS, i % 6, i / 6);
            assertThat(acceptFailure(state, request).publish()).isTrue();
            if (i % 600 == 599) {
                for (int partition = 0; partition < 6; partition++) {
                    state.markProgress(mark(partition, i / 6 + 1));
                }
            }
            largestOffset = Math.max(largestOffset, offsetSize(state));
        }

        for (int i = 0; i < requests; i++) {
            assertThat(acceptFailure(state, new RequestCoordinates(REQUESTS, i % 6, i / 6)).publish())
                    .as("request " + i).isFalse();
        }
        // The results of one commit interval (600), a dozen bytes each, at most; not the hour's 36,000.
        assertThat(largestOffset).as("offset bytes").isLessThan(10_000);
    }

    @Test
    void withoutProgressMarksTheOldestPublishedResultsAreForgottenBeyondTheLimit() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        for (int offset = 0; offset < LedgerPartitionState.MAX_RESULTS_ABOVE_MARKS; offset++) {
            assertThat(state.accept(failed(offset), "result-" + offset).forgotOlderResult()).isFalse();
        }
        assertThat(acceptFailure(state, new RequestCoordinates("other", 0, 0)).forgotOlderResult()).isTrue();

        assertThat(acceptFailure(state, new RequestCoordinates("other", 0, 0)).publish()).isFalse();
        assertThat(state.accept(failed(1), "result-1").publish()).isFalse();
        assertThat(state.accept(failed(0), "result-0").publish()).as("forgotten, from the largest partition").isTrue();
    }

    @Test
    void anOffsetWrittenBeforeProgressMarksKeepsHonouringTheResultIdsItRemembers() {
        Map<String, Object> offset = new HashMap<>();
        offset.put("version", 1L);
        offset.put("position", 12L);
        offset.put("runs", "[]");
        offset.put("recent", "[\"result-40\",\"run:run-a\"]");

        LedgerPartitionState state = LedgerPartitionState.fromOffset(TOPIC, 0, offset);

        assertThat(state.position()).isEqualTo(12);
        assertThat(state.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"), "result-40").publish()).isFalse();
        assertThat(state.runs()).as("the run it revealed had finished").isEmpty();
        assertThat(state.accept(failed(41), "result-41").publish()).isTrue();
        assertThat(state.toOffset().get("recent")).isEqualTo("[\"result-40\",\"run:run-a\"]");
    }

    @Test
    void marksCoverTheRequestsAboveASlowOneExceptThoseStillPendingAndWhatTheyCoverOnlyGrows() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        for (long offset : new long[] {11, 12, 14}) {
            assertThat(state.accept(failed(offset), "result-" + offset).publish()).isTrue();
        }
        // 10 and 13 still wait for their outcome; 15 and 16 were never delivered (transaction markers).
        state.markProgress(mark(0, 10, 17, new OffsetRange(10, 11), new OffsetRange(13, 14)));
        assertThat(offsetSize(state)).as("nothing published is left to remember").isEqualTo(offsetSizeAfter(
                new LedgerPartitionState(TOPIC, 0), mark(0, 10, 17, new OffsetRange(10, 11), new OffsetRange(13, 14))));
        // A late mark of the partition's previous owner, which had 12 pending: 12 stays covered.
        state.markProgress(mark(0, 12, 13, new OffsetRange(12, 13)));

        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());
        for (LedgerPartitionState candidate : List.of(state, restored)) {
            assertThat(candidate.accept(failed(12), "result-12").publish()).isFalse();
            assertThat(candidate.accept(failed(16), "result-16").publish()).isFalse();
        }
        assertThat(restored.accept(failed(17), "result-17").publish()).as("beyond the marks").isTrue();
        assertThat(restored.accept(failed(13), "result-13").publish()).as("pending in every mark").isTrue();
        assertThat(restored.accept(failed(13), "result-13").publish()).isFalse();
        // 10 becomes covered by a mark that no longer lists it: its outcome was in the ledger before that mark.
        restored.markProgress(mark(0, 13, 18, new OffsetRange(13, 14)));
        assertThat(restored.accept(failed(10), "result-10").publish()).isFalse();
        assertThat(restored.accept(failed(13), "result-13").publish()).as("published, still pending").isFalse();
    }

    @Test
    void anOutcomeThatReachesTheLedgerBeforeTheMarkListingItPendingIsStillPublishedOnce() {
        // The sink computed the mark while 7 was in flight; 7's outcome was acknowledged before the mark was written.
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        assertThat(state.accept(failed(7), "result-7").publish()).isTrue();
        state.markProgress(mark(0, 7, 10, new OffsetRange(7, 8)));

        assertThat(state.accept(failed(7), "result-7").publish()).as("published, though the mark lists it pending")
                .isFalse();
        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());
        assertThat(restored.accept(failed(7), "result-7").publish()).isFalse();
        restored.markProgress(mark(0, 10, 10));
        assertThat(restored.accept(failed(7), "result-7").publish()).as("covered by the later mark").isFalse();
        assertThat((String) restored.toOffset().get("progress")).doesNotContain("7");
    }

    @Test
    void aSecondOutcomeRevealingTheRunOfAPublishedResultIsNotTrackedAgainAndTheOffsetKeepsNoRunIds() {
        LedgerPartitionState state = new LedgerPartitionState(TOPIC, 0);
        state.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"), "started-40");
        state.accept(failed(41), "failed-41");

        assertThat((String) state.toOffset().get("progress")).doesNotContain("run-a");
        LedgerPartitionState restored = LedgerPartitionState.fromOffset(TOPIC, 0, state.toOffset());
        restored.finish("run-a");
        for (int i = 0; i < LedgerPartitionState.RECENT_CAPACITY; i++) {
            restored.finish("other-" + i);
        }
        assertThat(restored.accept(started(REQUESTS, 0, 40, "run-a", "REQUESTED"), "started-40").newlyTracked())
                .isEmpty();
        assertThat(restored.accept(started(REQUESTS, 0, 41, "run-b", "REQUESTED"), "started-41").newlyTracked())
                .as("the first outcome revealed no run").isPresent();
    }

    private static ProgressMark.Below mark(int requestPartition, long below) {
        return new ProgressMark.Below(REQUESTS, requestPartition, below);
    }

    private static ProgressMark.Below mark(int requestPartition, long below, long until, OffsetRange... pending) {
        return new ProgressMark.Below(REQUESTS, requestPartition, below, until, List.of(pending));
    }

    private static int offsetSizeAfter(LedgerPartitionState state, ProgressMark.Below mark) {
        state.markProgress(mark);
        return offsetSize(state);
    }

    private static LedgerEntry failed(long offset) {
        return LedgerEntry.failed(new RequestCoordinates(REQUESTS, 0, offset), "token-" + offset, "dzd_demo",
                "sales_glue", new RunError("CONFLICT_EXCEPTION", "a run is in progress"), null, NOW);
    }

    private static LedgerEntry started(String topic, int partition, long offset, String runId, String status) {
        RunSnapshot run = new RunSnapshot(runId, "dzd_demo", "sales_glue", "project", status, "PRIORITIZED", NOW,
                null, null, NOW, null, null, null);
        return LedgerEntry.started(new RequestCoordinates(topic, partition, offset), "token-" + offset, run, null,
                NOW);
    }

    private static LedgerPartitionState.EntryVerdict acceptFailure(LedgerPartitionState state,
                                                                  RequestCoordinates request) {
        LedgerEntry entry = LedgerEntry.failed(request, "token", "dzd_demo", "sales_glue",
                new RunError("THROTTLING_EXCEPTION", "slow down"), null, NOW);
        return state.accept(entry, "result-" + request);
    }

    private static int offsetSize(LedgerPartitionState state) {
        return state.toOffset().values().stream().mapToInt(value -> String.valueOf(value).length()).sum();
    }
}
