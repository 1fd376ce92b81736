package io.kcdatazone.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One asset's activity in a finished run, derived from the run's statistics so that the activities and the counts
 * always agree.
 *
 * @param position the activity's place in the run's listing, used for stable paging
 */
record ActivityRecord(long position, String database, String technicalName, String status,
        Optional<String> dataAssetId, Optional<RunError> error) {

    static List<ActivityRecord> of(Run run, RunStatistics statistics, String database) {
        List<ActivityRecord> activities = new ArrayList<>();
        add(activities, run, database, statistics.added(), "SUCCEEDED_CREATED");
        add(activities, run, database, statistics.updated(), "SUCCEEDED_UPDATED");
        add(activities, run, database, statistics.unchanged(), "UNCHANGED");
        add(activities, run, database, statistics.skipped(), "SKIPPED_ALREADY_IMPORTED");
        add(activities, run, database, statistics.failed(), "FAILED");
        return activities;
    }

    private static void add(List<ActivityRecord> activities, Run run, String database, int count, String status) {
        for (int i = 0; i < count; i++) {
            int position = activities.size();
            String table = String.format("table_%03d", position + 1);
            boolean failed = status.equals("FAILED");
            activities.add(new ActivityRecord(position, database, table, status,
                    failed ? Optional.empty() : Optional.of("asset_" + run.id() + "_" + (position + 1)),
                    failed ? Optional.of(new RunError(run.error().errorType(), "Cannot import table " + table + ": "
                            + run.error().errorDetail())) : Optional.empty()));
        }
    }
}
