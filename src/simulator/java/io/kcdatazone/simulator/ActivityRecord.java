package io.kcdatazone.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One asset's activity in a finished run, derived from the run's {@link AssetCounts} so that the activities and the
 * statistics always agree.
 *
 * @param position the activity's place in the run's listing, used for stable paging
 * @param createdAt when the run reached the asset: spread over the run's RUNNING time in listing order
 * @param lineageIndex the activity's place among the run's activities with a lineage event (-1 without one): a
 *     partially successful import fails every other one of those, whatever the other activities around them
 */
record ActivityRecord(long position, String database, String technicalName, AssetStatus status, Instant createdAt,
        Optional<String> dataAssetId, Optional<RunError> error, int lineageIndex) {

    /** An activity's {@code lineageSummary} ({@code LineageInfo}). */
    record LineageEvent(String eventId, String eventStatus, Optional<String> errorMessage) {
    }

    /**
     * The activities of a run in its terminal {@code state}, in table order. Statuses are interleaved (as a harvest
     * meets them table by table), so one page mixes them and only the {@code status} filter groups them.
     */
    static List<ActivityRecord> of(Run run, RunState state, String database) {
        Instant startedAt = state.startedAt().orElse(run.createdAt());
        Duration running = Duration.between(startedAt, state.stoppedAt().orElse(startedAt));
        Map<AssetStatus, Integer> remaining = new EnumMap<>(run.assets().counts());
        int total = run.assets().total();
        List<ActivityRecord> activities = new ArrayList<>(total);
        int withLineage = 0;
        while (activities.size() < total) {
            for (Map.Entry<AssetStatus, Integer> entry : remaining.entrySet()) {
                if (entry.getValue() > 0) {
                    entry.setValue(entry.getValue() - 1);
                    int position = activities.size();
                    Instant reached = startedAt.plus(running.multipliedBy(position).dividedBy(total))
                            .truncatedTo(ChronoUnit.MILLIS);
                    ActivityRecord activity = activity(run, database, position, entry.getKey(), reached,
                            hasLineage(entry.getKey()) ? withLineage : -1);
                    withLineage += activity.lineageIndex() >= 0 ? 1 : 0;
                    activities.add(activity);
                }
            }
        }
        return activities;
    }

    /** Only assets the run imported have a lineage event. */
    private static boolean hasLineage(AssetStatus status) {
        return status.hasAsset() && !status.failed() && status.statistic() != AssetStatus.Statistic.SKIPPED;
    }

    private static ActivityRecord activity(Run run, String database, int position, AssetStatus status,
            Instant reached, int lineageIndex) {
        String table = String.format("table_%03d", position + 1);
        Optional<String> assetId = status.hasAsset()
                ? Optional.of("asset_" + run.id() + "_" + (position + 1)) : Optional.empty();
        Optional<RunError> error = switch (status) {
            case FAILED -> Optional.of(new RunError(run.error().errorType(), "Cannot import table " + table + ": "
                    + run.error().errorDetail()));
            case PUBLISHING_FAILED -> Optional.of(new RunError(run.error().errorType(), "Table " + table
                    + " was imported but its asset could not be published: " + run.error().errorDetail()));
            default -> Optional.empty();
        };
        return new ActivityRecord(position, database, table, status, reached, assetId, error, lineageIndex);
    }

    /**
     * The lineage event of this activity while the run's lineage import is {@code importStatus}: only assets the run
     * imported have one. A partially successful import fails every other event (the first, third, ...), so it has a
     * failed and a successful one as soon as it has two.
     */
    Optional<LineageEvent> lineageEvent(Lineage.ImportStatus importStatus) {
        if (lineageIndex < 0) {
            return Optional.empty();
        }
        boolean failed = importStatus == Lineage.ImportStatus.FAILED
                || importStatus == Lineage.ImportStatus.PARTIALLY_SUCCEEDED && lineageIndex % 2 == 0;
        String eventStatus = switch (importStatus) {
            case IN_PROGRESS -> "PROCESSING";
            case SUCCESS, FAILED, PARTIALLY_SUCCEEDED -> failed ? "FAILED" : "SUCCESS";
        };
        return Optional.of(new LineageEvent("lineage_" + dataAssetId.get(), eventStatus, failed
                ? Optional.of("Lineage of table " + technicalName + " could not be imported") : Optional.empty()));
    }
}
