package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/**
 * Starts a task's due status polls within its {@link StatusCallBudget}, and says how long the task may wait before it
 * has more to start.
 *
 * <ul>
 *   <li>Fair: the call due longest ago goes first, whether it starts a poll or belongs to one under way (its next
 *   page, a GetDataSourceRun, a retry: each due when it was asked for). A poll held back keeps its due time while a
 *   poll sent gets a new one at least an interval later, so however far demand exceeds the budget, every data source
 *   reaches the front in turn: none starves, each waits at most for the calls due before it. A poll whose list is
 *   refused and that reads its runs one by one does not hold back the polls that were due before those reads.</li>
 *   <li>No spinning: while polls are due but no permit is free, the task waits until one is, not zero.</li>
 *   <li>Spread: after a restart, each data source's first poll comes at a random point of its first interval, so the
 *   polls of many data sources tracked before the restart do not all fire at once.</li>
 * </ul>
 */
final class PollPacer {

    private final StatusCallBudget budget;
    private final LongUnaryOperator randomBelow;
    private final TaskMetrics.LatencyRecorder budgetWait;
    private final SourceTaskCounters counters;
    private volatile int pollsWaiting;

    /**
     * @param randomBelow a random number from 0 (inclusive) to its argument (exclusive), for the restart's spread
     * @param budgetWait records, for each poll that waited for the budget, how long past its due time it was sent
     * @param counters counts the polls sent later than due
     */
    PollPacer(StatusCallBudget budget, LongUnaryOperator randomBelow, TaskMetrics.LatencyRecorder budgetWait,
              SourceTaskCounters counters) {
        this.budget = budget;
        this.randomBelow = randomBelow;
        this.budgetWait = budgetWait;
        this.counters = counters;
    }

    /** When a data source whose runs were tracked before the task (re)started is first polled: within an interval. */
    long firstPollAfterRestartMs(long nowMs, long intervalMs) {
        return nowMs + randomBelow.applyAsLong(intervalMs);
    }

    /**
     * How long the task may wait for the ledger before it has a call to send: until the next poll or queued call is
     * due, or later when no permit (or no place on the wire) will be free by then. At most {@code maxWaitMs}.
     */
    long untilNextLaunchMs(Collection<PollSchedule> schedules, long nowMs, long maxWaitMs) {
        return budget.planWait(PollSchedule.untilNextDue(schedules, nowMs, maxWaitMs), maxWaitMs);
    }

    /**
     * Sends calls and starts due polls, the one due longest ago first, while permits and places on the wire are free:
     * the queued calls of polls under way (next pages, GetDataSourceRun, retries) and the due polls, in one order of
     * due times. A data source with no runs tracked any more loses its schedule (a run tracked later starts a new
     * one); a due one whose previous poll is still in flight (sent before its runs all ended and were tracked anew)
     * waits for that poll's answer instead.
     *
     * @param inFlight the data sources whose poll has not answered yet
     * @param runsBySource the tracked runs of each data source
     * @param launch starts the poll of a data source's runs
     */
    void launchDue(Map<DataSourceRef, PollSchedule> schedules, Set<DataSourceRef> inFlight,
                   Map<DataSourceRef, Set<String>> runsBySource, Launch launch, long nowMs) {
        schedules.keySet().retainAll(runsBySource.keySet());
        List<Map.Entry<DataSourceRef, PollSchedule>> due = schedules.entrySet().stream()
                .filter(entry -> entry.getValue().due(nowMs))
                .sorted(Comparator.comparingLong(entry -> entry.getValue().nextPollAtMs()))
                .collect(Collectors.toList());
        int heldBack = 0;
        long oldestHeldMs = Long.MAX_VALUE;
        for (Map.Entry<DataSourceRef, PollSchedule> entry : due) {
            DataSourceRef dataSource = entry.getKey();
            PollSchedule schedule = entry.getValue();
            long dueMs = schedule.nextPollAtMs();
            if (inFlight.contains(dataSource)) {
                // Not due again until that answer comes, so the task's wait does not stay at zero meanwhile.
                schedule.sent(nowMs);
                continue;
            }
            if (heldBack == 0) {
                // Queued calls due before this poll go first.
                budget.sendWaitingCalls(dueMs);
            }
            if (heldBack == 0 && budget.canSend()) {
                if (schedule.wasHeldByBudget()) {
                    counters.onPollDelayed();
                    budgetWait.record(nowMs - dueMs);
                }
                schedule.sent(nowMs);
                // Its first call goes at once: it is the oldest due, and the budget lets it by.
                budget.pollsDueSince(dueMs);
                launch.launch(dataSource, runsBySource.get(dataSource), dueMs);
            } else {
                schedule.heldByBudget();
                oldestHeldMs = Math.min(oldestHeldMs, dueMs);
                heldBack++;
            }
        }
        budget.sendWaitingCalls(oldestHeldMs);
        budget.pollsDueSince(schedules.values().stream().mapToLong(PollSchedule::nextPollAtMs).min()
                .orElse(Long.MAX_VALUE));
        pollsWaiting = heldBack;
    }

    /** Starts the poll of a data source's runs. */
    @FunctionalInterface
    interface Launch {
        /**
         * @param dueMs when the poll became due, which places its first call among those waiting for the budget
         */
        void launch(DataSourceRef dataSource, Set<String> runIds, long dueMs);
    }

    /** Data sources due but waiting for the budget, as of the last look. */
    int pollsWaiting() {
        return pollsWaiting;
    }
}
