package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GetDataSource}: a data source with its status and the fields describing its latest run. */
final class GetDataSourceHandler implements OperationHandler {
    private final Account account;

    GetDataSourceHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        String domainId = Validation.domainId("domainIdentifier", request.label("domainIdentifier"));
        String dataSourceId = Validation.resourceId("identifier", request.label("identifier"));
        Catalog.DataSourceEntry entry = account.catalog().dataSource(domainId, dataSourceId);
        return account.shapes().getDataSourceOutput(entry, account.runs().dataSourceState(dataSourceId),
                account.catalog().createdAt());
    }
}
