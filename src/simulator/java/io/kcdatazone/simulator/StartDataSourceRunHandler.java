package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code StartDataSourceRun}: starts a run, or replays the run already started with the same client token. */
final class StartDataSourceRunHandler implements OperationHandler {
    private final Account account;

    StartDataSourceRunHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        String domainId = Validation.domainId("domainIdentifier", request.label("domainIdentifier"));
        String dataSourceId = Validation.resourceId("dataSourceIdentifier", request.label("dataSourceIdentifier"));
        Catalog.DataSourceEntry entry = account.catalog().dataSource(domainId, dataSourceId);
        Run run = account.runs().start(entry, request.clientToken().orElse(null));
        return account.shapes().startDataSourceRunOutput(run, run.stateAt(account.clock().instant()));
    }
}
