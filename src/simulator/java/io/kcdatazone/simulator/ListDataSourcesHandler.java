package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** {@code ListDataSources}: the data sources of a project, filtered by name, status and type, paged. */
final class ListDataSourcesHandler implements OperationHandler {
    private final Account account;

    ListDataSourcesHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        String domainId = Validation.domainId("domainIdentifier", request.label("domainIdentifier"));
        String projectId = Validation.required("projectIdentifier", request.query("projectIdentifier"));
        Optional<Integer> maxResults = Validation.maxResults(request.query("maxResults"));
        Optional<String> nextToken = Validation.nextToken(request.query("nextToken"));
        Optional<String> status = Validation.enumValue("status", request.query("status"),
                ModelEnums.DATA_SOURCE_STATUS);
        Optional<String> name = request.query("name").map(value -> Validation.length("name", value, 1, 256));
        Optional<String> type = request.query("type").map(value -> Validation.length("type", value, 1, 256));
        account.catalog().project(domainId, projectId);

        List<Listed> listed = account.catalog().dataSourcesOf(domainId, projectId).stream()
                .map(entry -> new Listed(entry, account.runs().dataSourceState(entry.id())))
                .filter(item -> name.map(item.entry().dataSource().name()::equals).orElse(true))
                .filter(item -> type.map(item.entry().dataSource().type()::equals).orElse(true))
                .filter(item -> status.map(item.state().status()::equals).orElse(true))
                .toList();
        Pagination.Page<Listed> page = Pagination.page(listed, item -> item.entry().position(), maxResults, nextToken);
        return ListOutput.of(page, item -> account.shapes().dataSourceSummary(item.entry(), item.state(),
                account.catalog().createdAt()));
    }

    private record Listed(Catalog.DataSourceEntry entry, RunStore.DataSourceState state) {
    }
}
