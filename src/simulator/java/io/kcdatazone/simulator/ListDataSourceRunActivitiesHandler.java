package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * {@code ListDataSourceRunActivities}: one activity per asset of a finished run (none while it is in progress),
 * optionally filtered by asset status, paged.
 */
final class ListDataSourceRunActivitiesHandler implements OperationHandler {
    private final Account account;

    ListDataSourceRunActivitiesHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        Optional<Integer> maxResults = Validation.maxResults(request.query("maxResults"));
        Optional<String> nextToken = Validation.nextToken(request.query("nextToken"));
        Optional<String> status = Validation.enumValue("status", request.query("status"),
                ModelEnums.DATA_ASSET_ACTIVITY_STATUS);
        Run run = RunLookup.find(account, request);
        RunState state = run.stateAt(account.clock().instant());
        String database = account.catalog().dataSource(run.domainId(), run.dataSourceId()).dataSource().database();
        // Activities are listed once the run is terminal, with its statistics; none while it is in progress.
        List<ActivityRecord> activities = (state.statistics().isPresent() ? ActivityRecord.of(run, state, database)
                : List.<ActivityRecord>of())
                .stream()
                .filter(activity -> status.map(activity.status().name()::equals).orElse(true))
                .toList();
        Pagination.Page<ActivityRecord> page =
                Pagination.page(activities, ActivityRecord::position, maxResults, nextToken);
        return ListOutput.of(page, activity -> account.shapes().dataSourceRunActivity(run, state, activity));
    }
}
