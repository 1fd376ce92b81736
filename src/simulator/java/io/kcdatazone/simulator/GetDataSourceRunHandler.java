package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GetDataSourceRun}: one run by id, in its state at the current time. */
final class GetDataSourceRunHandler implements OperationHandler {
    private final Account account;

    GetDataSourceRunHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        Run run = RunLookup.find(account, request);
        return account.shapes().getDataSourceRunOutput(run, run.stateAt(account.clock().instant()));
    }
}
