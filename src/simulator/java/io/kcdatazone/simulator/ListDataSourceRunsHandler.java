package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code ListDataSourceRuns}: a data source's runs, newest first, optionally filtered by status, paged. */
final class ListDataSourceRunsHandler implements OperationHandler {
    private final Account account;

    ListDataSourceRunsHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        String domainId = Validation.domainId("domainIdentifier", request.label("domainIdentifier"));
        String dataSourceId = Validation.resourceId("dataSourceIdentifier", request.label("dataSourceIdentifier"));
        Optional<Integer> maxResults = Validation.maxResults(request.query("maxResults"));
        Optional<String> nextToken = Validation.nextToken(request.query("nextToken"));
        Optional<String> status = Validation.enumValue("status", request.query("status"),
                ModelEnums.DATA_SOURCE_RUN_STATUS);
        account.catalog().dataSource(domainId, dataSourceId);

        Instant now = account.clock().instant();
        List<RunStore.RunSnapshot> runs = account.runs().visibleRunsOf(dataSourceId).stream()
                .map(run -> new RunStore.RunSnapshot(run, run.stateAt(now)))
                .filter(snapshot -> status.map(snapshot.state().status()::equals).orElse(true))
                .toList();
        OddAnswers oddAnswers = account.oddAnswers();
        Pagination.Page<RunStore.RunSnapshot> page;
        if (nextToken.isEmpty() && oddAnswers.emptyFirstPage()) {
            page = Pagination.emptyFirstPage();
        } else {
            // Newest first: a higher sequence comes first, so the page position is the negated sequence.
            page = Pagination.page(runs, snapshot -> -snapshot.run().sequence(), oddAnswers.pageSize(maxResults),
                    nextToken);
        }
        return account.shapes().listDataSourceRunsOutput(page);
    }
}
