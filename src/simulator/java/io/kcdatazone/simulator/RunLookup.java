package io.kcdatazone.simulator;

/** Resolves the {@code domainIdentifier}/{@code identifier} labels of the run-scoped operations to a run. */
final class RunLookup {
    private RunLookup() {
    }

    static Run find(Account account, ApiRequest request) {
        String domainId = Validation.domainId("domainIdentifier", request.label("domainIdentifier"));
        String runId = Validation.resourceId("identifier", request.label("identifier"));
        account.catalog().domain(domainId);
        return account.runs().find(domainId, runId)
                .orElseThrow(() -> ApiException.notFound("Data source run " + runId + " not found"));
    }
}
