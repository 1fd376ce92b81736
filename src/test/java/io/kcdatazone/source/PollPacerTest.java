package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.SecretRedactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.datazone.model.ThrottlingException;

/**
 * Status polling on Kafka's {@link MockTime}: the pacer, the budget and a DataZone whose answers take a fixed time,
 * stepped as the task's poll loop steps them (answers collected, due polls started, then a wait on the ledger for as
 * long as the pacer says, cut short by the next answer). Nothing runs on another thread, so every figure is exact.
 */
class PollPacerTest {

    private static final long START_MS = 1_000_000;
    private static final long MAX_LEDGER_WAIT_MS = 500;
    private static final DataZoneErrorClassifier CLASSIFIER = new DataZoneErrorClassifier(SecretRedactor.none());

    private final MockTime time = new MockTime(0, START_MS, TimeUnit.MILLISECONDS.toNanos(START_MS));
    private final SourceTaskCounters counters = new SourceTaskCounters();

    @Test
    void theDataSourceDueLongestAgoIsPolledFirstAndTheWaitIsRecorded() {
        StatusCallBudget budget = budget(1);
        List<Double> budgetWaits = new ArrayList<>();
        PollPacer pacer = new PollPacer(budget, bound -> 0, budgetWaits::add, counters);
        Map<DataSourceRef, PollSchedule> schedules = new LinkedHashMap<>();
        schedules.put(dataSource(0), new PollSchedule(60_000, 60_000, START_MS - 1_000));
        schedules.put(dataSource(1), new PollSchedule(60_000, 60_000, START_MS - 3_000));
        schedules.put(dataSource(2), new PollSchedule(60_000, 60_000, START_MS + 5_000));
        schedules.put(dataSource(3), new PollSchedule(60_000, 60_000, START_MS - 2_000));
        List<DataSourceRef> launched = new ArrayList<>();

        for (int second = 0; second < 4; second++) {
            pacer.launchDue(schedules, Set.of(), runsOf(schedules.keySet()), (dataSource, runs, dueMs) -> {
                launched.add(dataSource);
                budget.call(dueMs, () -> CompletableFuture.completedFuture(null));
            }, time.hiResClockMs());
            if (second == 0) {
                assertThat(pacer.pollsWaiting()).isEqualTo(2);
            }
            time.sleep(1_000);
        }

        assertThat(launched).containsExactly(dataSource(1), dataSource(3), dataSource(0));
        assertThat(pacer.pollsWaiting()).isZero();
        assertThat(counters.pollsDelayed.count()).isEqualTo(2);
        assertThat(budgetWaits).as("ms past their due time").containsExactly(3_000.0, 3_000.0);
    }

    @Test
    void aDataSourceWhoseRunsAllEndedLosesItsScheduleAtOnceAndOneWithAPollInFlightWaitsForItsAnswer() {
        StatusCallBudget budget = budget(0);
        PollPacer pacer = new PollPacer(budget, bound -> 0, millis -> { }, counters);
        Map<DataSourceRef, PollSchedule> schedules = new LinkedHashMap<>();
        schedules.put(dataSource(0), new PollSchedule(60_000, 60_000, START_MS + 50_000));
        PollSchedule inFlight = new PollSchedule(60_000, 60_000, START_MS);
        schedules.put(dataSource(1), inFlight);
        List<DataSourceRef> launched = new ArrayList<>();

        pacer.launchDue(schedules, Set.of(dataSource(1)), runsOf(Set.of(dataSource(1))),
                (dataSource, runs, dueMs) -> launched.add(dataSource), START_MS);

        // A run tracked later on data source 0 starts a schedule of its own, an interval from then, not this one's.
        assertThat(schedules).containsOnlyKeys(dataSource(1));
        assertThat(launched).isEmpty();
        assertThat(inFlight.due(START_MS + 60_000)).as("due again only once the answer comes").isFalse();
    }

    @Test
    void aTaskWithPollsDueButNoPermitFreeWaitsForThePermitInsteadOfSpinning() {
        StatusCallBudget budget = budget(1);
        PollPacer pacer = new PollPacer(budget, bound -> 0, millis -> { }, counters);
        PollSchedule due = new PollSchedule(60_000, 60_000, START_MS);
        PollSchedule dueLater = new PollSchedule(60_000, 60_000, START_MS + 300);
        List<PollSchedule> schedules = List.of(due, dueLater);

        assertThat(pacer.untilNextLaunchMs(schedules, START_MS, MAX_LEDGER_WAIT_MS)).isZero();
        budget.call(() -> CompletableFuture.completedFuture(null));
        assertThat(pacer.untilNextLaunchMs(schedules, START_MS, MAX_LEDGER_WAIT_MS))
                .as("due, but the next permit is a second away: at most the ledger wait").isEqualTo(500);
        time.sleep(700);
        assertThat(pacer.untilNextLaunchMs(schedules, time.hiResClockMs(), MAX_LEDGER_WAIT_MS)).isEqualTo(300);

        due.sent(time.hiResClockMs());
        assertThat(pacer.untilNextLaunchMs(List.of(due), time.hiResClockMs(), MAX_LEDGER_WAIT_MS))
                .as("nothing due: the longest wait").isEqualTo(MAX_LEDGER_WAIT_MS);
        budget.call(() -> CompletableFuture.completedFuture(null));
        assertThat(pacer.untilNextLaunchMs(List.of(due), time.hiResClockMs(), MAX_LEDGER_WAIT_MS))
                .as("the next page of a poll under way waits for the permit").isEqualTo(300);
    }

    @Test
    void withTheBudgetToSpareAChangeIsSeenWithinOneIntervalPlusOneCall() {
        long interval = 1_000;
        long latency = 50;
        Simulation dataZone = new Simulation(50, interval, interval, latency, dataSource -> 1);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20; i++) {
            // Tracked as their RUN_STARTED entries arrive, one every 50 ms.
            dataZone.track(dataSource(i), START_MS + 50L * i + interval);
            for (int change = 0; change < 10; change++) {
                dataZone.changeAt(dataSource(i), START_MS + 2_000 + random.nextLong(58_000));
            }
        }

        dataZone.runFor(65_000);

        assertThat(dataZone.unseenChanges()).isZero();
        assertThat(dataZone.lagsMs).hasSize(200);
        assertThat(Collections.max(dataZone.lagsMs)).isBetween(interval - 100, interval + latency);
        assertThat(counters.statusCalls()).isEqualTo(dataZone.sentNanos.size());
    }

    @Test
    void noDataSourceStarvesWhenMoreArePolledThanTheBudgetAllows() {
        // Ten data sources to poll every second, two calls a second: each waits its turn, five seconds.
        Simulation dataZone = new Simulation(2, 1_000, 1_000, 100, dataSource -> 1);
        for (int i = 0; i < 10; i++) {
            dataZone.track(dataSource(i), START_MS + 1_000);
        }

        dataZone.runFor(60_000);

        assertThat(dataZone.pollsSentMs).hasSize(10).allSatisfy((dataSource, sent) -> {
            assertThat(sent).as("%s", dataSource).hasSizeGreaterThanOrEqualTo(11);
            for (int i = 1; i < sent.size(); i++) {
                assertThat(sent.get(i) - sent.get(i - 1)).as("%s", dataSource).isLessThanOrEqualTo(5_000);
            }
        });
        // From the first due poll on, a call every 500 ms.
        assertThat(dataZone.sentNanos.size()).as("the budget is used, not just kept").isEqualTo(2 * 59);
        assertThat(counters.pollsDelayed.count()).isGreaterThan(100);
    }

    @Test
    void everyPageIsCountedAndNoSecondHoldsMoreCallsThanTheBudget() {
        // Thirty data sources whose polls take one to four pages, each answered after 400 ms: far more than 10 calls/s.
        Simulation dataZone = new Simulation(10, 1_000, 4_000, 400,
                dataSource -> Integer.parseInt(dataSource.dataSourceId().substring(3)) % 4 + 1);
        for (int i = 0; i < 30; i++) {
            dataZone.track(dataSource(i), START_MS + 1_000);
        }

        dataZone.runFor(120_000);

        assertThat(dataZone.mostCallsInOneSecond()).isLessThanOrEqualTo(10);
        assertThat(dataZone.sentNanos.size()).as("the budget is used, not just kept").isEqualTo(10 * 119);
        assertThat(counters.statusCalls()).isEqualTo(dataZone.sentNanos.size());
        assertThat(dataZone.pagesSent).isEqualTo(dataZone.sentNanos.size());
    }

    @Test
    void throttlingSlowsTheTaskBelowTheQuotaAndItRecoversOnceDataZoneStopsThrottling() {
        // DataZone allows 4 calls a second, the budget 10: a task that did not adapt would be refused 60% of its calls.
        Simulation dataZone = new Simulation(10, 1_000, 1_000, 100, dataSource -> 1);
        dataZone.quotaPerSecond = 4;
        for (int i = 0; i < 40; i++) {
            dataZone.track(dataSource(i), START_MS + 1_000);
        }

        dataZone.runFor(30_000);
        int callsBefore = dataZone.sentNanos.size();
        long throttledBefore = counters.throttledStatusCalls();
        dataZone.runFor(30_000);
        int calls = dataZone.sentNanos.size() - callsBefore;
        long throttled = counters.throttledStatusCalls() - throttledBefore;

        assertThat((double) throttled / calls).as("throttled share of the calls").isLessThan(0.25);
        assertThat(calls).as("calls in 30 s").isBetween(4 * 30 / 2, 4 * 30 * 5 / 4);
        assertThat(dataZone.budget.currentRate()).isLessThan(10);

        dataZone.quotaPerSecond = 0;
        dataZone.runFor(10_000);
        callsBefore = dataZone.sentNanos.size();
        dataZone.runFor(5_000);

        assertThat(dataZone.budget.currentRate()).isEqualTo(10.0);
        assertThat(dataZone.sentNanos.size() - callsBefore).as("calls in 5 s at the full budget").isBetween(48, 50);
        assertThat(dataZone.mostCallsInOneSecond()).isLessThanOrEqualTo(10);
    }

    @Test
    void aRestartSpreadsTheFirstPollsOverOneInterval() {
        StatusCallBudget budget = budget(0);
        PollPacer pacer = new PollPacer(budget, new SplittableRandom(11)::nextLong, millis -> { }, counters);
        List<Integer> perSecond = new ArrayList<>(Collections.nCopies(10, 0));

        for (int i = 0; i < 200; i++) {
            long firstPoll = pacer.firstPollAfterRestartMs(START_MS, 10_000);
            assertThat(firstPoll).isBetween(START_MS, START_MS + 9_999);
            int second = (int) ((firstPoll - START_MS) / 1_000);
            perSecond.set(second, perSecond.get(second) + 1);
        }

        // 20 a second on average; all 200 at once without the spread.
        assertThat(perSecond).allSatisfy(polls -> assertThat(polls).isBetween(8, 35));
    }

    @Test
    void theGetDataSourceRunFallbacksOfAPollWaitBehindPollsDueBeforeThem() {
        StatusCallBudget budget = budget(1);
        PollPacer pacer = new PollPacer(budget, bound -> 0, millis -> { }, counters);
        Map<DataSourceRef, PollSchedule> schedules = new LinkedHashMap<>();
        schedules.put(dataSource(0), new PollSchedule(600_000, 600_000, START_MS));
        schedules.put(dataSource(1), new PollSchedule(600_000, 600_000, START_MS + 50));
        schedules.put(dataSource(2), new PollSchedule(600_000, 600_000, START_MS + 60));
        List<String> sent = new ArrayList<>();
        CompletableFuture<Void> listRefused = new CompletableFuture<>();
        Set<DataSourceRef> inFlight = new HashSet<>();

        for (int step = 0; step < 100; step++) {
            pacer.launchDue(schedules, inFlight, runsOf(schedules.keySet()), (dataSource, runs, dueMs) -> {
                inFlight.add(dataSource);
                if (dataSource.equals(dataSource(0))) {
                    // Its list is refused (403): it reads its five runs one by one once the answer comes.
                    budget.call(dueMs, () -> {
                        sent.add("list " + dataSource.dataSourceId());
                        return listRefused;
                    }).exceptionally(refused -> null).thenRun(() -> {
                        for (int run = 1; run <= 5; run++) {
                            String get = "get " + run;
                            budget.call(() -> {
                                sent.add(get);
                                return CompletableFuture.completedFuture(null);
                            });
                        }
                    });
                } else {
                    budget.call(dueMs, () -> {
                        sent.add("list " + dataSource.dataSourceId());
                        return CompletableFuture.completedFuture(null);
                    });
                }
            }, time.hiResClockMs());
            time.sleep(100);
            if (step == 0) {
                listRefused.completeExceptionally(new IllegalStateException("403"));
            }
        }

        assertThat(sent).containsExactly("list ds_00", "list ds_01", "list ds_02", "get 1", "get 2", "get 3",
                "get 4", "get 5");
    }

    /** A budget that tells no one when a call queues: these tests step the task's loop themselves. */
    private StatusCallBudget budget(double callsPerSecond) {
        return new StatusCallBudget(callsPerSecond, AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(30),
                time, error -> false, () -> { },
                counters);
    }

    private static DataSourceRef dataSource(int index) {
        return new DataSourceRef("dzd_sim", String.format("ds_%02d", index));
    }

    private static Map<DataSourceRef, Set<String>> runsOf(Set<DataSourceRef> dataSources) {
        return dataSources.stream().collect(Collectors.toMap(ds -> ds, ds -> Set.of("run-" + ds.dataSourceId())));
    }

    /**
     * One task's polling of a DataZone whose runs change status at given times. A call is answered {@code latencyMs}
     * after it is sent with the number of changes its data source had when it was sent, or refused as throttled while
     * the calls exceed {@link #quotaPerSecond}.
     */
    private final class Simulation {

        final StatusCallBudget budget;
        final PollPacer pacer;
        final long latencyMs;
        final long intervalMs;
        final long maxIntervalMs;
        final ToIntFunction<DataSourceRef> pages;
        /** DataZone's quota for these calls (a token bucket holding one call); 0 for none. */
        double quotaPerSecond;
        private double quotaTokens = 1;
        private long quotaCheckedNanos = time.nanoseconds();

        final Map<DataSourceRef, PollSchedule> schedules = new LinkedHashMap<>();
        final Map<DataSourceRef, CompletableFuture<Integer>> inFlight = new HashMap<>();
        final PriorityQueue<Answer> answers = new PriorityQueue<>(
                Comparator.comparingLong(Answer::atMs).thenComparingLong(Answer::order));
        final Map<DataSourceRef, List<Long>> changesMs = new HashMap<>();
        final Map<DataSourceRef, Integer> seenChanges = new HashMap<>();
        final Map<DataSourceRef, List<Long>> pollsSentMs = new HashMap<>();
        final List<Long> sentNanos = new ArrayList<>();
        final List<Long> lagsMs = new ArrayList<>();
        long pagesSent;

        Simulation(double callsPerSecond, long intervalMs, long maxIntervalMs, long latencyMs,
                   ToIntFunction<DataSourceRef> pages) {
            this.budget = new StatusCallBudget(callsPerSecond, AwsRetryStrategy.doNotRetry(), Duration.ofSeconds(30),
                    time, error -> CLASSIFIER.classify(error).isThrottled(), () -> { }, counters);
            this.pacer = new PollPacer(budget, bound -> 0, millis -> { }, counters);
            this.latencyMs = latencyMs;
            this.intervalMs = intervalMs;
            this.maxIntervalMs = maxIntervalMs;
            this.pages = pages;
        }

        void track(DataSourceRef dataSource, long firstPollAtMs) {
            schedules.put(dataSource, new PollSchedule(intervalMs, maxIntervalMs, firstPollAtMs));
            seenChanges.put(dataSource, 0);
        }

        void changeAt(DataSourceRef dataSource, long atMs) {
            List<Long> changes = changesMs.computeIfAbsent(dataSource, ds -> new ArrayList<>());
            changes.add(atMs);
            Collections.sort(changes);
        }

        /** The task's poll loop for {@code durationMs}; fails if it ever would not wait (a spinning task). */
        void runFor(long durationMs) {
            long end = time.hiResClockMs() + durationMs;
            while (time.hiResClockMs() < end) {
                long now = time.hiResClockMs();
                answerCallsDue(now);
                collectFinishedPolls(now);
                pacer.launchDue(schedules, inFlight.keySet(), runsOf(schedules.keySet()), this::launch, now);
                long untilAnswer = answers.isEmpty() ? Long.MAX_VALUE : answers.peek().atMs() - now;
                long wait = Math.min(pacer.untilNextLaunchMs(schedules.values(), now, MAX_LEDGER_WAIT_MS),
                        untilAnswer);
                assertThat(wait).as("the task's wait at %d ms", now - START_MS).isPositive();
                time.sleep(Math.min(wait, end - now));
            }
        }

        private void launch(DataSourceRef dataSource, Set<String> runIds, long dueMs) {
            pollsSentMs.computeIfAbsent(dataSource, ds -> new ArrayList<>()).add(time.hiResClockMs());
            CompletableFuture<Integer> poll = budget.call(dueMs, () -> page(dataSource));
            for (int page = 2; page <= pages.applyAsInt(dataSource); page++) {
                poll = poll.thenCompose(changes -> budget.call(() -> page(dataSource)));
            }
            inFlight.put(dataSource, poll);
        }

        /** DataZone receives one call. */
        private CompletableFuture<Integer> page(DataSourceRef dataSource) {
            long now = time.hiResClockMs();
            sentNanos.add(time.nanoseconds());
            pagesSent++;
            boolean throttled = !withinQuota();
            int changes = (int) changesMs.getOrDefault(dataSource, List.of()).stream()
                    .filter(at -> at <= now).count();
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            answers.add(new Answer(now + latencyMs, sentNanos.size(), () -> {
                if (throttled) {
                    answer.completeExceptionally(ThrottlingException.builder().statusCode(429)
                            .message("Rate exceeded").build());
                } else {
                    answer.complete(changes);
                }
            }));
            return answer;
        }

        private boolean withinQuota() {
            if (quotaPerSecond <= 0) {
                return true;
            }
            long now = time.nanoseconds();
            quotaTokens = Math.min(1, quotaTokens + (now - quotaCheckedNanos) / 1e9 * quotaPerSecond);
            quotaCheckedNanos = now;
            if (quotaTokens < 1) {
                return false;
            }
            quotaTokens--;
            return true;
        }

        private void answerCallsDue(long now) {
            while (!answers.isEmpty() && answers.peek().atMs() <= now) {
                answers.poll().deliver().run();
            }
        }

        private void collectFinishedPolls(long now) {
            for (Iterator<Map.Entry<DataSourceRef, CompletableFuture<Integer>>> it = inFlight.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<DataSourceRef, CompletableFuture<Integer>> poll = it.next();
                if (!poll.getValue().isDone()) {
                    continue;
                }
                it.remove();
                DataSourceRef dataSource = poll.getKey();
                if (poll.getValue().isCompletedExceptionally()) {
                    schedules.get(dataSource).failed(now);
                    continue;
                }
                int changes = poll.getValue().join();
                int seen = seenChanges.get(dataSource);
                for (int change = seen; change < changes; change++) {
                    lagsMs.add(now - changesMs.get(dataSource).get(change));
                }
                seenChanges.put(dataSource, changes);
                schedules.get(dataSource).polled(now, changes > seen);
            }
        }

        int unseenChanges() {
            return changesMs.entrySet().stream()
                    .mapToInt(entry -> entry.getValue().size() - seenChanges.get(entry.getKey())).sum();
        }

        /** The most calls DataZone received within any one second. */
        int mostCallsInOneSecond() {
            int most = 0;
            int first = 0;
            for (int last = 0; last < sentNanos.size(); last++) {
                while (sentNanos.get(last) - sentNanos.get(first) >= TimeUnit.SECONDS.toNanos(1)) {
                    first++;
                }
                most = Math.max(most, last - first + 1);
            }
            return most;
        }
    }

    private record Answer(long atMs, long order, Runnable deliver) {
    }
}
