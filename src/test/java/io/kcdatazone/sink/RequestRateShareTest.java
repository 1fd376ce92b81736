package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestRateShareTest {

    private final List<Double> shares = new ArrayList<>();
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void theTasksThatHoldPartitionsShareTheWholeBudget() {
        // tasks.max=8 over 3 partitions: an equal split by tasks.max gave the three working tasks 3/8 of the budget.
        double budget = 10;
        double used = 0;
        for (int task = 0; task < 3; task++) {
            used += RequestRateShare.share(budget, 1, 3);
        }
        assertThat(used).isCloseTo(budget, within(1e-9));
        assertThat(RequestRateShare.share(budget, 2, 4)).isEqualTo(5.0);
        assertThat(RequestRateShare.share(budget, 5, 4)).as("a stale total never gives more than the budget")
                .isEqualTo(budget);
    }

    @Test
    void eachAssignmentAsksForTheTotalAndAppliesTheNewShare() {
        RequestRateShare share = new RequestRateShare(12, () -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(6);
        }, shares::add);

        share.onAssignment(6);
        share.onAssignment(2);
        share.onAssignment(0);

        assertThat(shares).containsExactly(12.0, 4.0);
        assertThat(asked).hasValue(2);
    }

    @Test
    void anAnswerToAnEarlierAssignmentNeverOverridesALaterOne() {
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        RequestRateShare share = new RequestRateShare(12, () -> {
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }, shares::add);

        share.onAssignment(6);
        share.onAssignment(2);
        answers.get(1).complete(6);
        answers.get(0).complete(6);

        assertThat(shares).as("the answer for 6 partitions arrived last, but the task holds 2").containsExactly(4.0);
    }

    @Test
    void withoutATotalTheShareStaysAsItWas() {
        RequestRateShare share = new RequestRateShare(12,
                () -> CompletableFuture.failedFuture(new IllegalStateException("no such topic")), shares::add);

        share.onAssignment(3);

        assertThat(shares).isEmpty();
    }

    @Test
    void anUnlimitedBudgetIsNotShared() {
        RequestRateShare share = new RequestRateShare(0, () -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(6);
        }, shares::add);

        share.onAssignment(3);

        assertThat(shares).isEmpty();
        assertThat(asked).hasValue(0);
    }
}
