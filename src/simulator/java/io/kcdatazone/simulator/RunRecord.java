package io.kcdatazone.simulator;

import java.time.Instant;
import java.util.Optional;

/**
 * A run as the introspection view reports it.
 *
 * @param runId the run id
 * @param domainId the domain
 * @param dataSourceId the data source
 * @param clientToken the client token the run was started with, if any
 * @param createdAt when it was started
 * @param status its status now
 * @param vanished whether it was made to disappear through {@link Faults#vanishRun(String)}
 * @param type how it was started
 */
public record RunRecord(String runId, String domainId, String dataSourceId, Optional<String> clientToken,
        Instant createdAt, String status, boolean vanished, RunType type) {

    /** A run started through StartDataSourceRun (PRIORITIZED). */
    public RunRecord(String runId, String domainId, String dataSourceId, Optional<String> clientToken,
            Instant createdAt, String status, boolean vanished) {
        this(runId, domainId, dataSourceId, clientToken, createdAt, status, vanished, RunType.PRIORITIZED);
    }
}
