package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PollScheduleTest {

    @Test
    void theFirstPollIsDueAtTheGivenTime() {
        PollSchedule schedule = new PollSchedule(1_000, 8_000, 500);

        assertThat(schedule.due(499)).isFalse();
        assertThat(schedule.due(500)).isTrue();
        assertThat(schedule.nextPollAtMs()).isEqualTo(500);
    }

    @Test
    void quietPollsDoubleTheIntervalUpToTheMaximum() {
        PollSchedule schedule = new PollSchedule(1_000, 5_000, 0);
        long now = 0;
        StringBuilder intervals = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            pollAnsweredAtOnce(schedule, now, false);
            intervals.append(schedule.nextPollAtMs() - now).append(' ');
            now = schedule.nextPollAtMs();
        }

        assertThat(intervals.toString().trim()).isEqualTo("2000 4000 5000 5000 5000");
    }

    @Test
    void aChangeResetsTheIntervalToTheBase() {
        PollSchedule schedule = new PollSchedule(1_000, 60_000, 0);
        pollAnsweredAtOnce(schedule, 0, false);
        pollAnsweredAtOnce(schedule, 2_000, false);

        pollAnsweredAtOnce(schedule, 6_000, true);

        assertThat(schedule.nextPollAtMs()).isEqualTo(7_000);
        assertThat(schedule.due(6_999)).isFalse();
        assertThat(schedule.due(7_000)).isTrue();
    }

    @Test
    void theIntervalCountsFromWhenThePollWasSentSoTheCallsLatencyIsNotAdded() {
        PollSchedule schedule = new PollSchedule(1_000, 8_000, 0);
        schedule.sent(0);
        schedule.polled(300, true);

        assertThat(schedule.nextPollAtMs()).isEqualTo(1_000);
    }

    @Test
    void anAnswerSlowerThanTheIntervalMakesTheNextPollDueAtOnce() {
        PollSchedule schedule = new PollSchedule(1_000, 8_000, 0);
        schedule.sent(0);
        schedule.polled(2_500, true);

        assertThat(schedule.nextPollAtMs()).isEqualTo(2_500);
    }

    @Test
    void aFailedPollWaitsAWholeLongerIntervalFromTheFailure() {
        PollSchedule schedule = new PollSchedule(1_000, 8_000, 0);
        schedule.sent(0);
        schedule.failed(700);

        assertThat(schedule.nextPollAtMs()).isEqualTo(2_700);
    }

    @Test
    void aFixedRateWhenTheMaximumEqualsTheBase() {
        PollSchedule schedule = new PollSchedule(1_000, 1_000, 0);
        pollAnsweredAtOnce(schedule, 0, false);
        pollAnsweredAtOnce(schedule, 1_000, false);

        assertThat(schedule.nextPollAtMs()).isEqualTo(2_000);
    }

    @Test
    void aPollInFlightIsNotDueAgainUntilItsAnswerComes() {
        PollSchedule schedule = new PollSchedule(1_000, 8_000, 0);
        schedule.sent(0);

        assertThat(schedule.due(5_000)).isFalse();
        schedule.polled(5_000, false);
        assertThat(schedule.due(5_000)).isTrue();
    }

    @Test
    void aTaskWaitingOnPollsInFlightWaitsUntilTheNextOneIsDueInsteadOfSpinning() {
        PollSchedule inFlight = new PollSchedule(1_000, 8_000, 0);
        inFlight.sent(0);
        PollSchedule dueLater = new PollSchedule(1_000, 8_000, 300);

        // The answer to the poll in flight wakes the task; until then only the next due poll ends the wait.
        assertThat(PollSchedule.untilNextDue(List.of(inFlight), 100, 500)).isEqualTo(500);
        assertThat(PollSchedule.untilNextDue(List.of(inFlight, dueLater), 100, 500)).isEqualTo(200);
    }

    private static void pollAnsweredAtOnce(PollSchedule schedule, long nowMs, boolean changed) {
        schedule.sent(nowMs);
        schedule.polled(nowMs, changed);
    }
}
