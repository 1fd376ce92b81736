package io.kcdatazone.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs that start outside the connector, as in a real account: a data source's schedule starts SCHEDULED runs, and a
 * person in the console starts PRIORITIZED ones. Neither carries a client token the connector knows. They follow the
 * same lifecycle, outcome mix, run scripts, conflict rule and daily quota as runs started through StartDataSourceRun,
 * and appear in ListDataSourceRuns, GetDataSourceRun and ListDataSourceRunActivities alike. Thread-safe.
 */
public final class OutsideRuns {
    private final Catalog catalog;
    private final RunStore runs;

    OutsideRuns(Catalog catalog, RunStore runs) {
        this.catalog = catalog;
        this.runs = runs;
    }

    /**
     * A SCHEDULED run of the data source starts now, as its schedule would start it.
     *
     * @return the run id
     * @throws IllegalStateException if DataZone would not start it (unknown data source, a run in progress while
     *     conflicts are on, the daily quota)
     */
    public String startScheduledRun(String domainId, String dataSourceId) {
        return refusedAsIllegalState(() -> runs.startOutsideTheApi(catalog.dataSource(domainId, dataSourceId),
                RunType.SCHEDULED).id());
    }

    /**
     * A PRIORITIZED run of the data source starts now, as someone pressing "Run" in the console would start it.
     *
     * @return the run id
     * @throws IllegalStateException if DataZone would not start it, as for {@link #startScheduledRun}
     */
    public String startRunFromConsole(String domainId, String dataSourceId) {
        return refusedAsIllegalState(() -> runs.startOutsideTheApi(catalog.dataSource(domainId, dataSourceId),
                RunType.PRIORITIZED).id());
    }

    /**
     * The data source's schedule starts a SCHEDULED run at {@code firstAt} (not before the simulator's clock) and
     * then every {@code every} (at least a second), on the simulator's clock, replacing any schedule it had. A firing
     * DataZone would refuse (a run still in progress while conflicts are on, the daily quota) is skipped. Deleting
     * the data source stops its schedule.
     */
    public OutsideRuns schedule(String domainId, String dataSourceId, Instant firstAt, Duration every) {
        Objects.requireNonNull(firstAt, "firstAt");
        Objects.requireNonNull(every, "every");
        refusedAsIllegalState(() -> {
            runs.schedule(catalog.dataSource(domainId, dataSourceId), firstAt, every);
            return null;
        });
        return this;
    }

    /** The data source's schedule stops; runs it started carry on. */
    public OutsideRuns unschedule(String dataSourceId) {
        runs.unschedule(Objects.requireNonNull(dataSourceId, "dataSourceId"));
        return this;
    }

    private static <T> T refusedAsIllegalState(Supplier<T> action) {
        try {
            return action.get();
        } catch (ApiException refused) {
            throw new IllegalStateException(refused.error().errorType() + ": " + refused.getMessage(), refused);
        }
    }
}
