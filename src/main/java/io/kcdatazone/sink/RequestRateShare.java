package io.kcdatazone.sink;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This task's share of the connector's {@code datazone.requests.per.second}: the budget times the request partitions
 * the task holds over all partitions of the connector's request topics. Tasks without partitions then take nothing,
 * and the shares of the tasks that work add up to the whole budget, however {@code tasks.max} compares with the number
 * of partitions (an equal split by {@code tasks.max} left most of the budget unused whenever some tasks had no
 * partitions).
 *
 * <p>The total is asked for at every assignment change ({@link #onAssignment}), without blocking the caller, since
 * partitions and matching topics may be added. Until it is known, or when asking fails, the task keeps the share it
 * had, starting with the equal split by {@code tasks.max}. Answers may arrive out of order (an Admin call asked before
 * a rebalance may answer after one asked since): only the answer to the latest assignment applies.
 */
final class RequestRateShare {

    private static final Logger LOG = LoggerFactory.getLogger(RequestRateShare.class);

    private final double connectorBudget;
    private final Supplier<CompletionStage<Integer>> totalPartitions;
    private final DoubleConsumer applyShare;
    /** Counts the assignments; an answer applies only while its assignment is still the latest. */
    private final AtomicLong assignments = new AtomicLong();
    private boolean warned;

    /**
     * @param connectorBudget {@code datazone.requests.per.second}; zero or less means no limit, and nothing to share
     * @param totalPartitions asks the cluster how many partitions the connector's request topics have now
     * @param applyShare receives each new share, on whatever thread the answer arrives
     */
    RequestRateShare(double connectorBudget, Supplier<CompletionStage<Integer>> totalPartitions,
                     DoubleConsumer applyShare) {
        this.connectorBudget = connectorBudget;
        this.totalPartitions = totalPartitions;
        this.applyShare = applyShare;
    }

    /** The task now holds {@code assignedPartitions} request partitions. */
    void onAssignment(int assignedPartitions) {
        long assignment = assignments.incrementAndGet();
        if (connectorBudget <= 0 || assignedPartitions == 0) {
            // Unlimited, or no partitions: no call to pace, whatever the share says.
            return;
        }
        totalPartitions.get().whenComplete((total, error) -> {
            if (error != null || total == null || total <= 0) {
                warnOnce(error);
                return;
            }
            applyIfLatest(assignment, assignedPartitions, total);
        });
    }

    /** Synchronized, so that the answer to a later assignment cannot be applied between the check and this one. */
    private synchronized void applyIfLatest(long assignment, int assignedPartitions, int total) {
        if (assignment != assignments.get()) {
            return;
        }
        double share = share(connectorBudget, assignedPartitions, total);
        LOG.info("This task holds {} of the {} request partitions: {} of the connector's {} requests/s",
                assignedPartitions, total, share, connectorBudget);
        applyShare.accept(share);
    }

    /** The budget in proportion to the partitions held; never more than the whole, even on a stale total. */
    static double share(double connectorBudget, int assignedPartitions, int totalPartitions) {
        return connectorBudget * Math.min(1.0, (double) assignedPartitions / totalPartitions);
    }

    private synchronized void warnOnce(Throwable error) {
        if (!warned) {
            warned = true;
            LOG.warn("Could not count the partitions of the request topics ({}); this task keeps its share of the"
                    + " request rate, an equal split by tasks.max", error == null ? "none found" : error.getMessage());
        }
    }
}
