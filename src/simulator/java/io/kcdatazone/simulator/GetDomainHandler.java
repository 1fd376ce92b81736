package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code GetDomain}: a seeded domain. */
final class GetDomainHandler implements OperationHandler {
    private final Account account;

    GetDomainHandler(Account account) {
        this.account = account;
    }

    @Override
    public ObjectNode handle(ApiRequest request) {
        String domainId = Validation.domainId("identifier", request.label("identifier"));
        return account.shapes().getDomainOutput(account.catalog().domain(domainId), account.catalog().createdAt());
    }
}
