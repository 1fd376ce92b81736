package io.kcdatazone.simulator;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Scripted behaviour for the next run of a data source, queued through {@link Faults#scriptNextRun(String, RunScript)}
 * and consumed by the next run of that data source, whoever starts it (the connector, a schedule or the console).
 * Odd but legal behaviour clients must cope with, since DataZone documents no state machine and the SDK accepts enum
 * values it does not know, and the shape of an outcome: which assets fail, and the lineage import.
 *
 * @param outcome the terminal status to reach instead of the data source's next configured outcome, if present
 * @param skipRunning whether the run goes from REQUESTED straight to its terminal status, never reporting RUNNING
 * @param terminalStatus a raw status string to report instead of a terminal status (e.g. an unknown value such as
 *     {@code CANCELLED}), if present
 * @param assets how many assets end in each status, instead of the data source's {@code assetsPerRun} split, if
 *     present (only with an {@code outcome}, which they must fit)
 * @param lineage the lineage import the run reports, if present; without it the run has no {@code lineageSummary}
 */
public record RunScript(Optional<Outcome> outcome, boolean skipRunning, Optional<String> terminalStatus,
        Optional<Map<AssetStatus, Integer>> assets, Optional<Lineage> lineage) {

    /** A run that behaves as its data source says. */
    static final RunScript NONE = new RunScript(Optional.empty(), false, Optional.empty(), Optional.empty(),
            Optional.empty());

    public RunScript {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(terminalStatus, "terminalStatus");
        Objects.requireNonNull(lineage, "lineage");
        assets = assets.map(Map::copyOf);
        assets.ifPresent(counts -> checkFits(outcome.orElseThrow(() -> new IllegalArgumentException(
                "asset counts need an outcome to fit")), new AssetCounts(counts)));
    }

    /** The run ends in {@code outcome}, whatever the data source's outcome mix says. */
    public static RunScript endsWith(Outcome outcome) {
        return NONE.withOutcome(Optional.of(outcome));
    }

    /** The run is never seen RUNNING: it goes from REQUESTED to its terminal status. */
    public static RunScript skipsRunning() {
        return new RunScript(Optional.empty(), true, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The run ends in a status value the service model does not know, e.g. {@code CANCELLED}. */
    public static RunScript endsWithUnknownStatus(String status) {
        return new RunScript(Optional.empty(), false, Optional.of(status), Optional.empty(), Optional.empty());
    }

    /**
     * The run ends PARTIALLY_SUCCEEDED with {@code failed} assets FAILED and {@code created} assets
     * SUCCEEDED_CREATED: more failures than one page of activities (50) when {@code failed > 50}.
     */
    public static RunScript partiallySucceedsWith(int failed, int created) {
        return endsWith(Outcome.PARTIALLY_SUCCEEDED).withAssets(Map.of(AssetStatus.FAILED, failed,
                AssetStatus.SUCCEEDED_CREATED, created));
    }

    /**
     * This script with {@code counts} assets ending in each status; the run's statistics are their sums. The counts
     * must fit the outcome: none failed for SUCCESS, failed ones and imported ones for PARTIALLY_SUCCEEDED, none
     * imported for FAILED.
     */
    public RunScript withAssets(Map<AssetStatus, Integer> counts) {
        return new RunScript(outcome, skipRunning, terminalStatus, Optional.of(counts), lineage);
    }

    /** This script with the run reporting {@code lineage} in its {@code lineageSummary}. */
    public RunScript withLineage(Lineage lineage) {
        return new RunScript(outcome, skipRunning, terminalStatus, assets, Optional.of(lineage));
    }

    private RunScript withOutcome(Optional<Outcome> newOutcome) {
        return new RunScript(newOutcome, skipRunning, terminalStatus, assets, lineage);
    }

    private static void checkFits(Outcome outcome, AssetCounts counts) {
        RunStatistics statistics = counts.statistics();
        boolean fits = switch (outcome) {
            case SUCCESS -> statistics.failed() == 0 && counts.total() > 0;
            case PARTIALLY_SUCCEEDED -> statistics.failed() > 0 && statistics.catalogued() > 0;
            // A PUBLISHING_FAILED asset was imported (it has an id): a FAILED run imported nothing.
            case FAILED -> statistics.failed() > 0 && statistics.added() + statistics.updated() == 0
                    && counts.counts().getOrDefault(AssetStatus.PUBLISHING_FAILED, 0) == 0;
        };
        if (!fits) {
            throw new IllegalArgumentException("asset counts " + counts.counts() + " do not fit outcome " + outcome);
        }
    }
}
