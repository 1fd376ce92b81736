package io.kcdatazone.simulator;

/**
 * The {@code runStatisticsForAssets} of a finished run. Counts are derived from the outcome so that a partial
 * success always has both failures and successes, and a failure catalogues nothing.
 */
record RunStatistics(int added, int updated, int unchanged, int skipped, int failed) {

    static RunStatistics of(Outcome outcome, int assets) {
        int quarter = assets / 4;
        return switch (outcome) {
            case SUCCESS -> new RunStatistics(quarter, quarter, assets - 2 * quarter, 0, 0);
            case PARTIALLY_SUCCEEDED -> {
                int failed = Math.max(1, quarter);
                int added = Math.min(quarter, assets - failed);
                yield new RunStatistics(added, 0, assets - failed - added, 0, failed);
            }
            case FAILED -> new RunStatistics(0, 0, 0, 0, assets);
        };
    }

    /** The assets the run put into (or confirmed in) the catalogue: DataZone's {@code lastRunAssetCount}. */
    int catalogued() {
        return added + updated + unchanged;
    }
}
