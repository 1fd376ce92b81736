package io.kcdatazone.simulator;

/**
 * The model's {@code DataAssetActivityStatus}: what a run did with one asset. Each status counts towards one member of
 * the run's {@code runStatisticsForAssets}, so a run's activities and its statistics always agree.
 */
public enum AssetStatus {
    SUCCEEDED_CREATED(Statistic.ADDED, true),
    SUCCEEDED_UPDATED(Statistic.UPDATED, true),
    UNCHANGED(Statistic.UNCHANGED, true),
    SKIPPED_ALREADY_IMPORTED(Statistic.SKIPPED, true),
    SKIPPED_ARCHIVED(Statistic.SKIPPED, true),
    SKIPPED_NO_ACCESS(Statistic.SKIPPED, false),
    /** The asset could not be imported: no asset exists, so the activity has no {@code dataAssetId}. */
    FAILED(Statistic.FAILED, false),
    /** The asset was imported but could not be published: it has an id, and the activity an error. */
    PUBLISHING_FAILED(Statistic.FAILED, true);

    /** The {@code runStatisticsForAssets} member an activity of this status counts towards. */
    enum Statistic { ADDED, UPDATED, UNCHANGED, SKIPPED, FAILED }

    private final Statistic statistic;
    private final boolean hasAsset;

    AssetStatus(Statistic statistic, boolean hasAsset) {
        this.statistic = statistic;
        this.hasAsset = hasAsset;
    }

    Statistic statistic() {
        return statistic;
    }

    /** Whether an activity of this status names a catalogue asset ({@code dataAssetId}). */
    boolean hasAsset() {
        return hasAsset;
    }

    boolean failed() {
        return statistic == Statistic.FAILED;
    }
}
