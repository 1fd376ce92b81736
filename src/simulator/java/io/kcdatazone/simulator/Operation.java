package io.kcdatazone.simulator;

import java.util.EnumSet;
import java.util.Set;

/**
 * The DataZone operations the simulator serves, with the HTTP binding the service model gives each one.
 *
 * <p>The model-conformance test compares {@link #method()} and {@link #uriTemplate()} with the official service
 * model, so a route cannot drift from AWS unnoticed.
 */
public enum Operation {
    START_DATA_SOURCE_RUN("StartDataSourceRun", "POST",
            "/v2/domains/{domainIdentifier}/data-sources/{dataSourceIdentifier}/runs"),
    GET_DATA_SOURCE_RUN("GetDataSourceRun", "GET", "/v2/domains/{domainIdentifier}/data-source-runs/{identifier}"),
    LIST_DATA_SOURCE_RUNS("ListDataSourceRuns", "GET",
            "/v2/domains/{domainIdentifier}/data-sources/{dataSourceIdentifier}/runs"),
    LIST_DATA_SOURCE_RUN_ACTIVITIES("ListDataSourceRunActivities", "GET",
            "/v2/domains/{domainIdentifier}/data-source-runs/{identifier}/activities"),
    GET_DATA_SOURCE("GetDataSource", "GET", "/v2/domains/{domainIdentifier}/data-sources/{identifier}"),
    LIST_DATA_SOURCES("ListDataSources", "GET", "/v2/domains/{domainIdentifier}/data-sources"),
    GET_DOMAIN("GetDomain", "GET", "/v2/domains/{identifier}");

    private final String apiName;
    private final String method;
    private final String uriTemplate;

    Operation(String apiName, String method, String uriTemplate) {
        this.apiName = apiName;
        this.method = method;
        this.uriTemplate = uriTemplate;
    }

    /** The operation's name in the service model, e.g. {@code StartDataSourceRun}. */
    public String apiName() {
        return apiName;
    }

    /** The HTTP method of the operation's binding. */
    public String method() {
        return method;
    }

    /** The request URI template of the operation's binding, with {@code {label}} placeholders. */
    public String uriTemplate() {
        return uriTemplate;
    }

    /**
     * The errors the service model declares for this operation. All seven operations declare the same eight errors,
     * except GetDomain, which does not declare ConflictException.
     */
    public Set<ServiceError> declaredErrors() {
        Set<ServiceError> errors = EnumSet.allOf(ServiceError.class);
        if (this == GET_DOMAIN) {
            errors.remove(ServiceError.CONFLICT);
        }
        return errors;
    }
}
