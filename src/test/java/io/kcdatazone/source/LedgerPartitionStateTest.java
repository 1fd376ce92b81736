package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.event.EventType;
import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.OffsetRange;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One ledger partition's state: which results and run events it publishes, with which source offsets, and what a
 * restart finds again in them. Connect's part is played by {@link ConnectOffsetCommits} in exactly-once mode.
 */
class LedgerPartitionStateTest {

    private static final String TOPIC = "ledger";
    private static final String REQUESTS = "requests";
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final long NOW_MS = NOW.toEpochMilli();

    private final List<Emission> sent = new ArrayList<>();
    private final ConnectOffsetCommits connect = new ConnectOffsetCommits(ConnectOffsetCommits.Mode.EXACTLY_ONCE,
            emission -> emission.state().acknowledged(emission));
    private LedgerPartitionState state = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);
    private long nextEntry;

    @Test
    void aResultCarriesTheLedgerPartitionsOffsetAndAStatusEventTheSlotOfItsRun() {
        Emission result = take(started(0, "run-a")).result();
        Emission running = state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false);

        assertThat(result.sourcePartition()).isEqualTo(Map.of("ledgerTopic", TOPIC, "ledgerPartition", 0));
        assertThat(result.sourceOffset()).containsEntry("version", 2).containsEntry("position", 1L)
                .containsEntry("low", 0L).doesNotContainKeys("runs", "recent");
        assertThat(running.sourcePartition()).isEqualTo(Map.of("ledgerTopic", TOPIC, "ledgerPartition", 0,
                "slot", 0));
        assertThat(running.sourceOffset()).containsEntry("runId", "run-a").containsEntry("status", "RUNNING")
                .containsEntry("entry", 0L).containsEntry("clientToken", "token-0")
                .containsEntry("requestOffset", 0L).containsEntry("since", NOW_MS).doesNotContainKey("ended");
    }

    @Test
    void aRunStartedWhoseRunAlreadyEndedIsTerminalAsIsARunStartFailedAndARunsLastEvent() {
        Emission succeeded = take(started(0, "run-a", "SUCCESS")).result();
        Emission failed = take(started(1, "run-b", "FAILED")).result();
        Emission requested = take(started(2, "run-c")).result();
        Emission startFailed = take(failed(3)).result();

        assertThat(succeeded.terminal()).as("the source never follows an ended run: nothing comes after").isTrue();
        assertThat(failed.terminal()).isTrue();
        assertThat(requested.terminal()).isFalse();
        assertThat(startFailed.terminal()).isTrue();
        assertThat(state.statusChanged(followed("run-c"), terminal("run-c", "SUCCESS"), true).terminal()).isTrue();
    }

    @Test
    void aFollowedRunWithoutContextTakesTheContextOfAnEntryRevealingItAgain() {
        take(started(0, "run-a"));
        Map<String, String> context = Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        take(started(0, "run-a").withContext(context), 1, "result-0-again");
        Emission running = state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false);

        assertThat(running.before().context()).isEqualTo(context);
        assertThat(running.sourceOffset()).containsKey("context");
        take(started(0, "run-a").withContext(Map.of("other", "x")), 2, "result-0-third");
        assertThat(followed("run-a").run().context()).as("a context once carried stays").isEqualTo(context);
    }

    @Test
    void theLowPassesAnEntryOnlyOnceItsResultAndTheLastEventOfItsRunAreAcknowledged() {
        Emission result = take(started(0, "run-a")).result();
        Emission failure = take(failed(1)).result();
        assertThat(state.low()).isZero();

        state.acknowledged(failure);
        state.acknowledged(result);
        assertThat(state.low()).as("run-a is still followed").isZero();
        Emission running = state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false);
        state.acknowledged(running);
        assertThat(state.low()).isZero();
        Emission success = state.statusChanged(followed("run-a"), terminal("run-a", "SUCCESS"), true);
        assertThat(state.low()).as("emitted is not acknowledged").isZero();
        assertThat(success.sourceOffset()).containsEntry("ended", true).containsEntry("low", 0L);

        state.acknowledged(success);
        assertThat(state.low()).isEqualTo(2);
    }

    @Test
    void aSlotIsReusedOnlyOnceTheLowPassesEveryEntryOfItsRunAndTheNextRunsEventsCarryThatLow() {
        state = LedgerPartitionState.restore(TOPIC, 0, 1, connect, NOW_MS);
        acknowledge(take(started(0, "run-a")));
        acknowledge(take(started(1, "run-b")).result());
        // run-b is followed too: the limit counts runs followed, and room comes back as runs end.
        assertThat(state.hasSlotRoom()).isFalse();
        acknowledge(state.statusChanged(followed("run-b"), terminal("run-b", "FAILED"), true));
        assertThat(state.hasSlotRoom()).as("run-a still holds the low below run-b's entry").isFalse();

        acknowledge(state.statusChanged(followed("run-a"), terminal("run-a", "SUCCESS"), true));
        assertThat(state.low()).isEqualTo(2);
        assertThat(state.hasSlotRoom()).isTrue();
        Emission running = take(started(2, "run-c")).result();
        Emission status = state.statusChanged(followed("run-c"), snapshot("run-c", "RUNNING"), false);

        assertThat(running.sourceOffset().get("low")).isEqualTo(2L);
        assertThat(status.sourcePartition().get("slot")).as("the lowest slot, free again").isEqualTo(0);
        assertThat(status.sourceOffset().get("low")).as("above both ended runs' entries").isEqualTo(2L);
    }

    @Test
    void anEventsOffsetWeighsAboutTheSameWithSixHundredOrTwelveThousandRunsFollowed() {
        // Both just before the sink's next progress mark, with as many results since the last one to remember.
        RunTrackingFixture few = RunTrackingFixture.start(20_000);
        few.startRuns(600, 600);
        few.publishStatus(1, "RUNNING");
        RunTrackingFixture many = RunTrackingFixture.start(20_000);
        many.startRuns(12_000, 1_000);
        many.publishStatus(1, "RUNNING");

        assertThat(many.followed()).isEqualTo(12_000);
        // Only the numbers (positions, slot counts) are written with more digits.
        assertThat(many.lastResultOffsetBytes()).isBetween(few.lastResultOffsetBytes(),
                few.lastResultOffsetBytes() * 101 / 100);
        assertThat(many.lastStatusOffsetBytes()).isBetween(few.lastStatusOffsetBytes(),
                few.lastStatusOffsetBytes() + 10).isLessThan(400);
    }

    @Test
    void tenThousandRunsComingAndGoingUseAsManySlotsAsWereFollowedAtOnce() {
        RunTrackingFixture source = RunTrackingFixture.start(10_000);
        for (int started = 0; started < 10_000; started += 20) {
            source.startRuns(20, 20);
            source.publishStatus(20, "RUNNING");
            source.publishStatus(20, "SUCCESS");
        }

        assertThat(source.slotsUsed()).isEqualTo(20);
    }

    @Test
    void aRestartResumesRunsFromTheirSlotsWithTheLastStatusAndRunsWithoutOneFromTheirEntry() {
        send(take(started(0, "run-a")).result(), take(started(1, "run-b")).result(), take(failed(2)).result());
        send(state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false));
        send(take(started(3, "run-c")).result());
        send(state.statusChanged(followed("run-c"), terminal("run-c", "PARTIALLY_SUCCEEDED"), true));
        connect.commit(null, false);

        LedgerPartitionState restored = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS + 60_000);

        assertThat(restored.seekPosition()).as("the low: run-a's entry").hasValue(0);
        assertThat(restored.runs()).extracting(run -> run.runId() + " " + run.run().lastStatus())
                .containsExactly("run-a RUNNING");
        // The ledger again from the low: its entries publish nothing again; run-b, which never had a status event,
        // resumes from its entry, tracked since the sink recorded it.
        for (long offset = 0; offset < 4; offset++) {
            LedgerEntry entry = offset == 2 ? failed(2) : started(offset, "run-" + (char) ('a' + offset - (offset > 2
                    ? 1 : 0)));
            LedgerPartitionState.EntryOutcome outcome = restored.take(offset, entry, "result-" + offset,
                    NOW_MS + 60_000);
            assertThat(outcome.result()).as("entry " + offset).isNull();
            if (offset == 1) {
                assertThat(outcome.resumed()).isTrue();
                assertThat(outcome.followed().run().trackedSinceMs()).isEqualTo(NOW_MS);
            }
        }
        assertThat(restored.runs()).extracting(run -> run.runId() + " " + run.run().lastStatus())
                .containsExactlyInAnyOrder("run-a RUNNING", "run-b REQUESTED");
        assertThat(restored.take(4, failed(4), "result-4", NOW_MS).result()).as("a new entry").isNotNull();
    }

    @Test
    void aFormatOneOffsetKeepsItsRunsInTheLedgerPartitionsOffsetUntilEachEndsEvenThroughACrash() {
        Map<String, Object> formatOne = new HashMap<>();
        formatOne.put("version", 1L);
        formatOne.put("position", 12L);
        formatOne.put("runs", "[{\"r\":\"run-a\",\"d\":\"dzd_demo\",\"s\":\"sales_glue\",\"k\":\"token-a\","
                + "\"t\":\"requests\",\"p\":2,\"o\":41,\"l\":\"RUNNING\"},{\"r\":\"run-b\",\"d\":\"dzd_demo\","
                + "\"s\":\"sales_glue\",\"k\":\"token-b\",\"t\":\"requests\",\"p\":2,\"o\":42,\"l\":\"REQUESTED\"}]");
        formatOne.put("since", "{\"run-a\":1772445000000}");
        formatOne.put("recent", "[\"result-7\",\"run:run-z\"]");
        formatOne.put("progress", "[{\"t\":\"requests\",\"p\":0,\"b\":41}]");
        connect.stored().put(PartitionOffset.key(TOPIC, 0), formatOne);

        state = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);
        assertThat(state.seekPosition()).hasValue(12);
        assertThat(state.runs()).extracting(run -> run.runId() + " " + run.run().lastStatus() + " since "
                + run.run().trackedSinceMs()).containsExactlyInAnyOrder("run-a RUNNING since 1772445000000",
                "run-b REQUESTED since " + NOW_MS);
        Emission bRunning = state.statusChanged(followed("run-b"), snapshot("run-b", "RUNNING"), false);
        assertThat(bRunning.sourcePartition()).as("no slot: the ledger partition's offset holds it")
                .doesNotContainKey("slot");
        assertThat((String) bRunning.sourceOffset().get("runs")).contains("\"l\":\"RUNNING\"", "run-a");
        assertThat(bRunning.sourceOffset()).containsEntry("version", 2).containsEntry("position", 12L);
        send(bRunning);
        connect.commit(null, false);

        // A crash, and a restart from the format 2 offset that carries both runs.
        state = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);
        assertThat(state.runs()).extracting(run -> run.runId() + " " + run.run().lastStatus())
                .containsExactlyInAnyOrder("run-a RUNNING", "run-b RUNNING");
        assertThat(take(failed(40), 12, "result-40").result()).as("below the mark it kept").isNull();
        Emission aEnds = state.statusChanged(followed("run-a"), terminal("run-a", "SUCCESS"), true);
        Emission bEnds = state.ended(EventType.RUN_VANISHED, followed("run-b"), "gone");
        assertThat((String) aEnds.sourceOffset().get("runs")).doesNotContain("run-a").contains("run-b");
        assertThat(bEnds.sourceOffset()).as("the format 1 runs have drained").doesNotContainKeys("runs", "since");
        send(aEnds, bEnds);
        connect.commit(null, false);

        assertThat(LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS).runs()).isEmpty();
    }

    @Test
    void aFormatOneOffsetsRecentResultIdsAndEndedRunsStillCountWhileTheTaskRuns() {
        Map<String, Object> formatOne = new HashMap<>();
        formatOne.put("version", 1);
        formatOne.put("position", 12);
        formatOne.put("runs", "[]");
        formatOne.put("recent", "[\"result-40\",\"run:run-a\"]");
        connect.stored().put(PartitionOffset.key(TOPIC, 0), formatOne);
        state = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);

        LedgerPartitionState.EntryOutcome again = take(started(40, "run-a"), 12, "result-40");

        assertThat(again.result()).isNull();
        assertThat(again.followed()).as("the run it revealed had ended").isNull();
        assertThat(take(failed(41), 13, "result-41").result()).isNotNull();
    }

    @Test
    void slotsOfAnOlderGenerationAreNotReusedUntilTheNewGenerationsOffsetIsStored() {
        send(take(started(0, "run-a")).result());
        send(state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false));
        connect.commit(null, false);
        // An operator replays the partition from its start with a format 1 offset; run-a's slot stays behind.
        connect.stored().put(PartitionOffset.key(TOPIC, 0), Map.of("version", 1, "position", 0));
        state = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS + 1);

        take(started(5, "run-x"), 0, "result-5");
        Emission xRunning = state.statusChanged(followed("run-x"), snapshot("run-x", "RUNNING"), false);
        assertThat(xRunning.sourcePartition().get("slot")).as("slot 0 may still be needed by the stored offset")
                .isEqualTo(1);
        assertThat(xRunning.sourceOffset().get("generation")).isEqualTo(NOW_MS + 1);
        assertThat(state.runs()).extracting(FollowedRun::runId).containsExactly("run-x");
    }

    @Test
    void aSecondOutcomeOfARequestWhoseResultIsOutIsNotPublishedAndFollowsNothingNew() {
        assertThat(take(started(40, "run-a")).result()).isNotNull();
        LedgerPartitionState.EntryOutcome again = take(started(40, "run-a"));

        assertThat(again.result()).isNull();
        assertThat(again.secondOutcome()).isTrue();
        assertThat(again.followed()).isNull();
        assertThat(state.runs()).extracting(FollowedRun::runId).containsExactly("run-a");
    }

    @Test
    void aSecondOutcomeThatRevealsARunTheFirstDidNotFollowsItWithoutASecondResult() {
        // Across a rebalance the revoked task gave up on a conflict while the new owner started the run.
        assertThat(take(failed(40)).result()).isNotNull();
        LedgerPartitionState.EntryOutcome started = take(started(40, "run-a"));

        assertThat(started.result()).isNull();
        assertThat(started.followed()).isNotNull();
        assertThat(started.followed().run().clientToken()).isEqualTo("token-40");
        assertThat(started.followed().run().request()).isEqualTo(new RequestCoordinates(REQUESTS, 0, 40));
        // The same below a progress mark, where the state no longer remembers the first result.
        state.takeMark(nextEntry++, ProgressMark.of(List.of(new ProgressMark.Below(REQUESTS, 0, 100)), NOW));
        assertThat(take(started(41, "run-b")).followed()).isNotNull();
        assertThat(take(started(42, "run-c", "SUCCESS")).followed()).as("a run already ended").isNull();
    }

    @Test
    void aSecondOutcomeRevealingARunThatEndedFollowsItNeitherNowNorAfterARestartThatReplaysIt() {
        send(take(started(40, "run-a")).result());
        state.takeMark(nextEntry++, ProgressMark.of(List.of(new ProgressMark.Below(REQUESTS, 0, 41)), NOW));
        send(take(started(50, "run-hold")).result());
        send(state.statusChanged(followed("run-a"), terminal("run-a", "SUCCESS"), true));
        connect.commit(null, false);
        // Written before run-a ended, read after: it shows run-a still RUNNING.
        assertThat(take(started(40, "run-a", "RUNNING")).followed()).isNull();
        send(state.statusChanged(followed("run-hold"), snapshot("run-hold", "RUNNING"), false));
        connect.commit(null, false);

        LedgerPartitionState restored = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);
        assertThat(restored.seekPosition()).hasValue(2);
        restored.take(2, started(50, "run-hold"), "result-50", NOW_MS);
        restored.take(3, started(40, "run-a", "RUNNING"), "result-40", NOW_MS);

        assertThat(restored.runs()).extracting(FollowedRun::runId).containsExactly("run-hold");
    }

    @Test
    void requestsBelowAProgressMarkAreKnownWithoutRememberingEachOne() {
        PublishedResults results = new PublishedResults();
        for (int offset = 0; offset < 10; offset++) {
            results.accept(failed(offset), "result-" + offset);
        }
        int remembered = results.toJson().length();

        results.mark(new ProgressMark.Below(REQUESTS, 0, 10));

        assertThat(results.toJson().length()).isLessThan(remembered);
        for (int offset = 0; offset < 10; offset++) {
            assertThat(results.accept(failed(offset), "result-" + offset).publish()).as("offset " + offset).isFalse();
        }
        assertThat(results.accept(failed(10), "result-10").publish()).isTrue();
    }

    @Test
    void aProgressMarkNeverMovesBackAndCoversOnlyItsOwnRequestPartition() {
        PublishedResults results = new PublishedResults();
        results.mark(new ProgressMark.Below(REQUESTS, 0, 100));
        // A late mark of a task that lost the partition in a rebalance.
        results.mark(new ProgressMark.Below(REQUESTS, 0, 50));

        assertThat(results.accept(failed(70), "result-70").publish()).isFalse();
        assertThat(results.accept(failure(new RequestCoordinates(REQUESTS, 1, 70)), "r").publish()).isTrue();
        assertThat(results.accept(failure(new RequestCoordinates("other", 0, 70)), "r").publish()).isTrue();
    }

    @Test
    void anHourOfRedeliveredOutcomesPublishesNothingAgainAndTheProgressStaysSmall() {
        // 10 requests/s over 6 request partitions for an hour, a mark from the sink every 60 s (its offset commits).
        PublishedResults results = new PublishedResults();
        int requests = 36_000;
        int largest = 0;
        for (int i = 0; i < requests; i++) {
            assertThat(results.accept(failure(new RequestCoordinates(REQUESTS, i % 6, i / 6)), "r").publish())
                    .isTrue();
            if (i % 600 == 599) {
                for (int partition = 0; partition < 6; partition++) {
                    results.mark(new ProgressMark.Below(REQUESTS, partition, i / 6 + 1));
                }
            }
            largest = Math.max(largest, results.toJson().length());
        }

        for (int i = 0; i < requests; i++) {
            assertThat(results.accept(failure(new RequestCoordinates(REQUESTS, i % 6, i / 6)), "r").publish())
                    .as("request " + i).isFalse();
        }
        // The results of one commit interval (600), a dozen bytes each, at most; not the hour's 36,000.
        assertThat(largest).as("progress bytes").isLessThan(10_000);
    }

    @Test
    void withoutProgressMarksTheOldestPublishedResultsAreForgottenBeyondTheLimit() {
        PublishedResults results = new PublishedResults();
        for (int offset = 0; offset < PublishedResults.MAX_RESULTS_ABOVE_MARKS; offset++) {
            assertThat(results.accept(failed(offset), "result-" + offset).forgotOlderResult()).isFalse();
        }
        assertThat(results.accept(failure(new RequestCoordinates("other", 0, 0)), "r").forgotOlderResult())
                .isTrue();

        assertThat(results.accept(failure(new RequestCoordinates("other", 0, 0)), "r").publish()).isFalse();
        assertThat(results.accept(failed(1), "result-1").publish()).isFalse();
        assertThat(results.accept(failed(0), "result-0").publish()).as("forgotten, from the largest partition")
                .isTrue();
    }

    @Test
    void marksCoverTheRequestsAboveASlowOneExceptThoseStillPendingAndWhatTheyCoverOnlyGrows() {
        PublishedResults results = new PublishedResults();
        for (long offset : new long[] {11, 12, 14}) {
            assertThat(results.accept(failed(offset), "result-" + offset).publish()).isTrue();
        }
        // 10 and 13 still wait for their outcome; 15 and 16 were never delivered (transaction markers).
        results.mark(mark(10, 17, new OffsetRange(10, 11), new OffsetRange(13, 14)));
        // A late mark of the partition's previous owner, which had 12 pending: 12 stays covered.
        results.mark(mark(12, 13, new OffsetRange(12, 13)));

        PublishedResults restored = roundTrip(results);
        for (PublishedResults candidate : List.of(results, restored)) {
            assertThat(candidate.accept(failed(12), "result-12").publish()).isFalse();
            assertThat(candidate.accept(failed(16), "result-16").publish()).isFalse();
        }
        assertThat(restored.accept(failed(17), "result-17").publish()).as("beyond the marks").isTrue();
        assertThat(restored.accept(failed(13), "result-13").publish()).as("pending in every mark").isTrue();
        assertThat(restored.accept(failed(13), "result-13").publish()).isFalse();
        // 10 becomes covered by a mark that no longer lists it: its outcome was in the ledger before that mark.
        restored.mark(mark(13, 18, new OffsetRange(13, 14)));
        assertThat(restored.accept(failed(10), "result-10").publish()).isFalse();
        assertThat(restored.accept(failed(13), "result-13").publish()).as("published, still pending").isFalse();
    }

    @Test
    void anOutcomeThatReachesTheLedgerBeforeTheMarkListingItPendingIsStillPublishedOnce() {
        // The sink computed the mark while 7 was in flight; 7's outcome was acknowledged before the mark was written.
        PublishedResults results = new PublishedResults();
        assertThat(results.accept(failed(7), "result-7").publish()).isTrue();
        results.mark(mark(7, 10, new OffsetRange(7, 8)));

        assertThat(results.accept(failed(7), "result-7").publish()).as("published, though the mark lists it pending")
                .isFalse();
        PublishedResults restored = roundTrip(results);
        assertThat(restored.accept(failed(7), "result-7").publish()).isFalse();
        restored.mark(mark(10, 10));
        assertThat(restored.accept(failed(7), "result-7").publish()).as("covered by the later mark").isFalse();
        assertThat(restored.toJson()).doesNotContain("7");
    }

    @Test
    void storedOffsetsReadBackAsConnectsJsonConverterHandsThemOverAreAccepted() throws Exception {
        send(take(started(0, "run-a")).result());
        send(state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false));
        connect.commit(null, false);
        ObjectMapper json = new ObjectMapper();
        TypeReference<Map<String, Object>> map = new TypeReference<Map<String, Object>>() { };
        for (Map.Entry<Map<String, Object>, Map<String, Object>> stored : connect.stored().entrySet()) {
            stored.setValue(json.readValue(json.writeValueAsString(stored.getValue()), map));
        }

        LedgerPartitionState restored = LedgerPartitionState.restore(TOPIC, 0, 100, connect, NOW_MS);

        assertThat(restored.runs()).extracting(run -> run.run().lastStatus() + " since " + run.run().trackedSinceMs())
                .containsExactly("RUNNING since " + NOW_MS);
    }

    @Test
    void aGapBelowWhatWasReadStartsANewGenerationWhoseOffsetCarriesTheRunsFollowed() {
        send(take(started(0, "run-a")).result());
        send(state.statusChanged(followed("run-a"), snapshot("run-a", "RUNNING"), false));
        take(failed(1));

        state.readFrom(0, NOW_MS + 5);
        Emission recreated = take(failed(9), 0, "result-9").result();

        assertThat(recreated.sourceOffset()).containsEntry("generation", NOW_MS + 5).containsEntry("position", 1L)
                .containsEntry("low", 0L);
        assertThat((String) recreated.sourceOffset().get("runs")).contains("run-a", "RUNNING");
        Emission ends = state.statusChanged(followed("run-a"), terminal("run-a", "SUCCESS"), true);
        assertThat(ends.sourcePartition()).doesNotContainKey("slot");
    }

    @Test
    void aGapAboveWhatWasReadMovesThePositionPastIt() {
        take(failed(0));

        state.readFrom(7, NOW_MS);

        assertThat(state.seekPosition()).hasValue(7);
        assertThat(take(failed(7), 7, "result-7").result().sourceOffset()).containsEntry("position", 8L)
                .containsEntry("generation", NOW_MS);
    }

    private LedgerPartitionState.EntryOutcome take(LedgerEntry entry) {
        return take(entry, nextEntry, "result-" + entry.requestOffset() + "-" + entry.outcome());
    }

    private LedgerPartitionState.EntryOutcome take(LedgerEntry entry, long ledgerOffset, String resultId) {
        nextEntry = ledgerOffset + 1;
        return state.take(ledgerOffset, entry, resultId, NOW_MS);
    }

    private FollowedRun followed(String runId) {
        return state.runs().stream().filter(run -> run.runId().equals(runId)).findFirst().orElseThrow();
    }

    private void acknowledge(LedgerPartitionState.EntryOutcome outcome) {
        acknowledge(outcome.result());
    }

    private void acknowledge(Emission emission) {
        state.acknowledged(emission);
    }

    /** Hands the events to Connect's open transaction. */
    private void send(Emission... emissions) {
        connect.send(List.of(emissions));
    }

    private static PublishedResults roundTrip(PublishedResults results) {
        Map<String, Object> offset = PartitionOffset.format(1, 0, 0, 0, results.toJson(), List.of());
        return new PublishedResults(PartitionOffset.parse(offset).progress(), List.of());
    }

    private static ProgressMark.Below mark(long below, long until, OffsetRange... pending) {
        return new ProgressMark.Below(REQUESTS, 0, below, until, List.of(pending));
    }

    private static LedgerEntry failed(long offset) {
        return failure(new RequestCoordinates(REQUESTS, 0, offset));
    }

    private static LedgerEntry failure(RequestCoordinates request) {
        return LedgerEntry.failed(request, "token-" + request.offset(), "dzd_demo", "sales_glue",
                new RunError("CONFLICT_EXCEPTION", "a run is in progress"), null, NOW);
    }

    private static LedgerEntry started(long offset, String runId) {
        return started(offset, runId, "REQUESTED");
    }

    private static LedgerEntry started(long offset, String runId, String status) {
        RunSnapshot run = new RunSnapshot(runId, "dzd_demo", "sales_glue", "project", status, "PRIORITIZED", NOW,
                null, RunLifecycle.isKnown(status) && !"REQUESTED".equals(status) && !"RUNNING".equals(status) ? NOW
                : null, NOW, null, null, null);
        return LedgerEntry.started(new RequestCoordinates(REQUESTS, 0, offset), "token-" + offset, run, null, NOW);
    }

    private static RunSnapshot snapshot(String runId, String status) {
        return new RunSnapshot(runId, "dzd_demo", "sales_glue", "project", status, "PRIORITIZED", NOW, NOW, null,
                NOW, null, null, null);
    }

    private static RunSnapshot terminal(String runId, String status) {
        return new RunSnapshot(runId, "dzd_demo", "sales_glue", "project", status, "PRIORITIZED", NOW, NOW, NOW,
                NOW, null, null, null);
    }
}
