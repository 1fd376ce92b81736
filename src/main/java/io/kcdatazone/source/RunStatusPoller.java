package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.logging.ThrottledLog;
import io.kcdatazone.metrics.TaskMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunsResponse;

/**
 * Reads the current status of a data source's tracked runs at the lowest API cost: ListDataSourceRuns pages (50 runs
 * each) until every tracked run is seen, since one call covers them all; GetDataSourceRun only for runs the list did
 * not show within {@value #MAX_PAGES} pages, or for all of them when the list is refused (404 for a deleted data
 * source, 403 for a role that may read runs but not list them). Every call, and every retry of one, takes a permit
 * of the task's {@link StatusCallBudget} before it is sent; the first is due when the poll is, each later one when the
 * answer before it asks for it.
 *
 * <p>It says what it saw when DataZone answers oddly but legally, at most once per {@link #ODDITY_LOG_INTERVAL} per
 * data source and kind: pages shorter than asked for that still lead on, and run timestamps ahead of this worker's
 * clock. Neither changes what it reports: statuses are compared as they are and timestamps are passed on as given.
 */
public final class RunStatusPoller {

    static final int PAGE_SIZE = 50;
    static final int MAX_PAGES = 4;
    /** How far DataZone's clock may run ahead of this worker's before the poller says so. */
    static final Duration CLOCK_SKEW_TOLERANCE = Duration.ofMinutes(1);
    static final Duration ODDITY_LOG_INTERVAL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(RunStatusPoller.class);

    private final DataZoneAsyncClient client;
    private final DataZoneErrorClassifier classifier;
    private final StatusCallBudget budget;
    private final TaskMetrics.LatencyRecorder listLatency;
    private final TaskMetrics.LatencyRecorder getLatency;
    private final Time time;
    private final ThrottledLog oddities;

    /**
     * @param budget grants each call its permit and counts it
     * @param listLatency records the duration of each ListDataSourceRuns call
     * @param getLatency records the duration of each GetDataSourceRun call
     * @param time this worker's clock, which DataZone's timestamps are compared with
     */
    RunStatusPoller(DataZoneAsyncClient client, DataZoneErrorClassifier classifier, StatusCallBudget budget,
                    TaskMetrics.LatencyRecorder listLatency, TaskMetrics.LatencyRecorder getLatency, Time time) {
        this.client = client;
        this.classifier = classifier;
        this.budget = budget;
        this.listLatency = listLatency;
        this.getLatency = getLatency;
        this.time = time;
        this.oddities = new ThrottledLog(LOG, ODDITY_LOG_INTERVAL, time);
    }

    /**
     * Observes the given runs of one data source. Runs that could not be observed this time are absent from the map;
     * the future fails when the list call fails otherwise than with 404 or 403, and when it was refused and every
     * GetDataSourceRun failed otherwise than with 404: then the poll learnt nothing (a role that lost read access), and
     * failing it has the task count it and back off instead of mistaking it for runs that did not move.
     *
     * @param dueMs when the poll became due, which places its first call among those waiting for the budget
     */
    public CompletableFuture<Map<String, RunObservation>> poll(DataSourceRef dataSource, Set<String> runIds,
                                                               long dueMs) {
        Map<String, RunObservation> seen = new HashMap<>();
        return listPage(dataSource, runIds, null, 1, dueMs, seen).handle((ignored, error) -> {
            if (error == null) {
                return false;
            }
            DataZoneFailure failure = classifier.classify(error);
            // After these the runs are read one by one: a deleted data source, a denied list.
            if (!failure.isNotFound() && !failure.isAccessDenied()) {
                throw error instanceof CompletionException ? (CompletionException) error
                        : new CompletionException(error);
            }
            // A deleted data source answers 404 (and so do its runs: they end RUN_VANISHED); a role allowed to read
            // runs but not to list them answers 403. Either way only GetDataSourceRun can still say how runs end.
            oddities.warn("list-refused " + dataSource, "ListDataSourceRuns answered {} for {}; reading its tracked"
                    + " runs with GetDataSourceRun instead", failure.errorType(), dataSource);
            return true;
        }).thenCompose(listRefused -> {
            Set<String> missing = new HashSet<>(runIds);
            missing.removeAll(seen.keySet());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<?>[] gets = missing.stream()
                    .map(runId -> get(dataSource, runId, failures).thenAccept(observation -> {
                        if (observation != null) {
                            synchronized (seen) {
                                seen.put(runId, observation);
                            }
                        }
                    }))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(gets).thenApply(done -> {
                if (listRefused && !missing.isEmpty() && failures.size() == missing.size()) {
                    throw new CompletionException(failures.get(0));
                }
                return seen;
            });
        });
    }

    private CompletableFuture<Void> listPage(DataSourceRef dataSource, Set<String> runIds, String nextToken, int page,
                                             long dueMs, Map<String, RunObservation> seen) {
        return budget.call(dueMs, () -> listLatency.timed(time, () -> client.listDataSourceRuns(b -> b
                        .domainIdentifier(dataSource.domainId())
                        .dataSourceIdentifier(dataSource.dataSourceId())
                        .maxResults(PAGE_SIZE)
                        .nextToken(nextToken))))
                .thenCompose((ListDataSourceRunsResponse response) -> {
                    for (DataSourceRunSummary item : response.items()) {
                        if (runIds.contains(item.id())) {
                            seen.put(item.id(), observe(dataSource, RunSnapshot.of(dataSource.domainId(), item)));
                        }
                    }
                    String next = response.nextToken();
                    boolean more = next != null && !next.isEmpty();
                    if (more && response.items().size() < PAGE_SIZE) {
                        oddities.info("short-page " + dataSource, "ListDataSourceRuns answered a page of {} runs of"
                                + " {} with a nextToken, though up to {} were asked for; reading on (up to {} pages,"
                                + " then GetDataSourceRun for tracked runs not seen)", response.items().size(),
                                dataSource, PAGE_SIZE, MAX_PAGES);
                    }
                    if (more && page < MAX_PAGES && !seen.keySet().containsAll(runIds)) {
                        return listPage(dataSource, runIds, next, page + 1, time.hiResClockMs(), seen);
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }

    /**
     * The run's state, {@link RunObservation#gone} on 404, or null when the call failed otherwise: that failure is
     * added to {@code failures} and logged (at most once per {@link #ODDITY_LOG_INTERVAL} per data source).
     */
    private CompletableFuture<RunObservation> get(DataSourceRef dataSource, String runId, List<Throwable> failures) {
        return budget.call(() -> getLatency.timed(time, () -> client.getDataSourceRun(b -> b
                        .domainIdentifier(dataSource.domainId())
                        .identifier(runId))))
                .handle((response, error) -> {
                    if (error == null) {
                        return observe(dataSource, RunSnapshot.of(response));
                    }
                    DataZoneFailure failure = classifier.classify(error);
                    if (failure.isNotFound()) {
                        return RunObservation.gone(failure);
                    }
                    failures.add(error);
                    oddities.warn("get-failed " + dataSource, "GetDataSourceRun failed for run {} of {}: {}; the run"
                            + " is read again at the next poll", runId, dataSource, failure);
                    return null;
                });
    }

    /** The run as seen, after saying so if its timestamps are ahead of this worker's clock. */
    private RunObservation observe(DataSourceRef dataSource, RunSnapshot run) {
        Instant now = Instant.ofEpochMilli(time.milliseconds());
        Stream.of(run.createdAt(), run.startedAt(), run.stoppedAt(), run.updatedAt())
                .filter(Objects::nonNull)
                .max(Instant::compareTo)
                .filter(latest -> Duration.between(now, latest).compareTo(CLOCK_SKEW_TOLERANCE) > 0)
                .ifPresent(latest -> oddities.warn("clock-ahead " + dataSource, "DataZone reports {} at {}, {} ahead"
                        + " of this worker's clock ({}): one of the clocks is off. Status changes are still"
                        + " published in the order observed, with DataZone's timestamps as given", run, latest,
                        Duration.between(now, latest), now));
        return RunObservation.of(run);
    }
}
