package io.kcdatazone.simulator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many assets of a run end in each {@link AssetStatus}: the source of both the run's statistics and its
 * activities.
 */
record AssetCounts(Map<AssetStatus, Integer> counts) {

    AssetCounts {
        EnumMap<AssetStatus, Integer> copy = new EnumMap<>(AssetStatus.class);
        counts.forEach((status, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("negative count " + count + " for " + status);
            }
            if (count > 0) {
                copy.put(status, count);
            }
        });
        counts = Collections.unmodifiableMap(copy);
    }

    /** The default split of a run's statistics: every statistic maps to its plainest status. */
    static AssetCounts of(RunStatistics statistics) {
        return new AssetCounts(Map.of(AssetStatus.SUCCEEDED_CREATED, statistics.added(),
                AssetStatus.SUCCEEDED_UPDATED, statistics.updated(), AssetStatus.UNCHANGED, statistics.unchanged(),
                AssetStatus.SKIPPED_ALREADY_IMPORTED, statistics.skipped(), AssetStatus.FAILED, statistics.failed()));
    }

    int count(AssetStatus status) {
        return counts.getOrDefault(status, 0);
    }

    int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    RunStatistics statistics() {
        return new RunStatistics(sum(AssetStatus.Statistic.ADDED), sum(AssetStatus.Statistic.UPDATED),
                sum(AssetStatus.Statistic.UNCHANGED), sum(AssetStatus.Statistic.SKIPPED),
                sum(AssetStatus.Statistic.FAILED));
    }

    private int sum(AssetStatus.Statistic statistic) {
        return counts.entrySet().stream().filter(entry -> entry.getKey().statistic() == statistic)
                .mapToInt(Map.Entry::getValue).sum();
    }
}
