package io.kcdatazone.datazone;

/**
 * Paces a task's DataZone calls to its share of the connector's rate budget (the sink's StartDataSourceRun calls and
 * {@code datazone.requests.per.second}, the source's status calls and {@code status.requests.per.second}), and adapts
 * when DataZone throttles anyway (the quota is per account and region, shared with everything else that calls DataZone
 * there): a throttle halves the rate, each success wins back a small step of the budget (additive increase,
 * multiplicative decrease, as TCP does).
 *
 * <p>The rate is cut at most once per congestion signal, as TCP cuts its window once per round trip: a throttled
 * answer to a call sent <em>before</em> the last cut says nothing the cut has not answered already, so it is ignored.
 * Otherwise the N calls on the wire when DataZone starts throttling would cut the rate by 2^N (to the floor at once)
 * instead of by half.
 *
 * <p>Non-blocking: {@link #reserve(long)} books the next permit and says how long to wait for it, so the caller can
 * schedule the call instead of parking a thread; {@link #nanosUntilFree(long)} tells when a permit is free without
 * booking it. Not thread-safe: the sink's dispatcher uses it from its one thread, the source's status-call budget under
 * its lock.
 */
public final class AdaptiveRateLimiter {

    /** Recover the full budget after this many successes in a row. */
    private static final double RECOVERY_STEPS = 20.0;
    /** However often DataZone throttles, the rate never drops below this. */
    private static final double FLOOR_PER_SECOND = 0.1;

    private double budgetPerSecond;
    private double floorPerSecond;
    private double ratePerSecond;
    private long nextFreeNanos;
    private boolean everCut;
    private long lastCutNanos;

    /**
     * @param budgetPerSecond permits per second; zero or less means unlimited
     */
    public AdaptiveRateLimiter(double budgetPerSecond) {
        this.budgetPerSecond = budgetPerSecond;
        this.floorPerSecond = Math.min(budgetPerSecond, FLOOR_PER_SECOND);
        this.ratePerSecond = budgetPerSecond;
    }

    /**
     * Books one permit.
     *
     * @param nowNanos the current time in nanoseconds, on the caller's monotonic clock (Kafka's {@code Time})
     * @return nanoseconds the caller must wait before using the permit; 0 to go now
     */
    public long reserve(long nowNanos) {
        if (budgetPerSecond <= 0) {
            return 0;
        }
        long interval = (long) (1_000_000_000L / ratePerSecond);
        // Unused permits are not banked, so no burst ever exceeds the rate DataZone sees.
        long start = Math.max(nextFreeNanos, nowNanos);
        nextFreeNanos = start + interval;
        return Math.max(0, start - nowNanos);
    }

    /**
     * How long until a permit is free, booking nothing: for a caller that sends only when one is free now.
     *
     * @param nowNanos the current time in nanoseconds, on the caller's monotonic clock (Kafka's {@code Time})
     * @return nanoseconds until a permit is free; 0 when one is free now
     */
    public long nanosUntilFree(long nowNanos) {
        return budgetPerSecond <= 0 ? 0 : Math.max(0, nextFreeNanos - nowNanos);
    }

    /**
     * DataZone answered ThrottlingException: back off, unless the call went out before the last cut.
     *
     * @param sentNanos when the throttled call was sent, on the same clock
     * @param nowNanos the current time in nanoseconds, on the caller's monotonic clock (Kafka's {@code Time})
     */
    public void onThrottled(long sentNanos, long nowNanos) {
        if (budgetPerSecond <= 0 || (everCut && sentNanos - lastCutNanos < 0)) {
            return;
        }
        ratePerSecond = Math.max(floorPerSecond, ratePerSecond / 2);
        everCut = true;
        lastCutNanos = nowNanos;
    }

    /**
     * The task's share of the connector's budget changed (its partitions did). The rate keeps its proportion of the
     * budget, so a task that DataZone throttled stays slowed down. An unlimited limiter stays unlimited.
     */
    public void setBudget(double newBudgetPerSecond) {
        if (budgetPerSecond <= 0 || newBudgetPerSecond <= 0) {
            return;
        }
        double proportion = ratePerSecond / budgetPerSecond;
        budgetPerSecond = newBudgetPerSecond;
        floorPerSecond = Math.min(newBudgetPerSecond, FLOOR_PER_SECOND);
        ratePerSecond = Math.max(floorPerSecond, proportion * newBudgetPerSecond);
    }

    /** A call went through: recover a step of the budget. */
    public void onSuccess() {
        if (budgetPerSecond > 0) {
            ratePerSecond = Math.min(budgetPerSecond, ratePerSecond + budgetPerSecond / RECOVERY_STEPS);
        }
    }

    /** The current rate in permits per second; the budget when unthrottled, +infinity when unlimited. */
    public double currentRate() {
        return budgetPerSecond <= 0 ? Double.POSITIVE_INFINITY : ratePerSecond;
    }
}
