package io.kcdatazone.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Lineage import for a run, as DataZone reports it in the run's {@code lineageSummary.importStatus} when lineage
 * import is enabled: {@code IN_PROGRESS} from the moment the run starts RUNNING until {@code lag} after it stopped,
 * then {@code finalStatus}. Runs without a lineage script have no {@code lineageSummary}.
 *
 * @param finalStatus the import status the run settles on; {@link ImportStatus#IN_PROGRESS} for an import that never
 *     finishes
 * @param lag how long after the run stopped the import is still in progress
 */
public record Lineage(ImportStatus finalStatus, Duration lag) {

    /** The model's {@code LineageImportStatus}. */
    public enum ImportStatus { IN_PROGRESS, SUCCESS, FAILED, PARTIALLY_SUCCEEDED }

    public Lineage {
        Objects.requireNonNull(finalStatus, "finalStatus");
        if (lag.isNegative()) {
            throw new IllegalArgumentException("lag must not be negative");
        }
    }

    /** Lineage import that ends with the run, in {@code finalStatus}. */
    public static Lineage endsWith(ImportStatus finalStatus) {
        return new Lineage(finalStatus, Duration.ZERO);
    }
}
