package io.kcdatazone.source;

import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneErrorClassifier;
import io.kcdatazone.datazone.DataZoneFailure;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.metrics.TaskMetrics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.ListDataSourceRunsResponse;

/**
 * Reads the current status of a data source's tracked runs at the lowest API cost: ListDataSourceRuns pages (50 runs
 * each) until every tracked run is seen, since one call covers them all; GetDataSourceRun only for runs the list did
 * not show within {@value #MAX_PAGES} pages.
 */
public final class RunStatusPoller {

    static final int PAGE_SIZE = 50;
    static final int MAX_PAGES = 4;

    private final DataZoneAsyncClient client;
    private final DataZoneErrorClassifier classifier;
    private final AtomicLong calls = new AtomicLong();
    private final TaskMetrics.LatencyRecorder listLatency;
    private final TaskMetrics.LatencyRecorder getLatency;

    /**
     * @param listLatency records the duration of each ListDataSourceRuns call
     * @param getLatency records the duration of each GetDataSourceRun call
     */
    public RunStatusPoller(DataZoneAsyncClient client, DataZoneErrorClassifier classifier,
                           TaskMetrics.LatencyRecorder listLatency, TaskMetrics.LatencyRecorder getLatency) {
        this.client = client;
        this.classifier = classifier;
        this.listLatency = listLatency;
        this.getLatency = getLatency;
    }

    /**
     * Observes the given runs of one data source. Runs that could not be observed this time are absent from the map;
     * the future fails only when the list call fails.
     */
    public CompletableFuture<Map<String, RunObservation>> poll(DataSourceRef dataSource, Set<String> runIds) {
        Map<String, RunObservation> seen = new HashMap<>();
        return listPage(dataSource, runIds, null, 1, seen).thenCompose(ignored -> {
            Set<String> missing = new HashSet<>(runIds);
            missing.removeAll(seen.keySet());
            CompletableFuture<?>[] gets = missing.stream()
                    .map(runId -> get(dataSource, runId).thenAccept(observation -> {
                        if (observation != null) {
                            synchronized (seen) {
                                seen.put(runId, observation);
                            }
                        }
                    }))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(gets).thenApply(done -> seen);
        });
    }

    /** Status calls made so far (each page and each GetDataSourceRun counts one). */
    public long calls() {
        return calls.get();
    }

    private CompletableFuture<Void> listPage(DataSourceRef dataSource, Set<String> runIds, String nextToken, int page,
                                             Map<String, RunObservation> seen) {
        calls.incrementAndGet();
        return timed(listLatency, client.listDataSourceRuns(b -> b.domainIdentifier(dataSource.domainId())
                        .dataSourceIdentifier(dataSource.dataSourceId())
                        .maxResults(PAGE_SIZE)
                        .nextToken(nextToken)))
                .thenCompose((ListDataSourceRunsResponse response) -> {
                    for (DataSourceRunSummary item : response.items()) {
                        if (runIds.contains(item.id())) {
                            seen.put(item.id(), RunObservation.of(RunSnapshot.of(dataSource.domainId(), item)));
                        }
                    }
                    String next = response.nextToken();
                    boolean more = next != null && !next.isEmpty();
                    if (more && page < MAX_PAGES && !seen.keySet().containsAll(runIds)) {
                        return listPage(dataSource, runIds, next, page + 1, seen);
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }

    /** The run's state, {@link RunObservation#gone} on 404, or null when the call failed otherwise. */
    private CompletableFuture<RunObservation> get(DataSourceRef dataSource, String runId) {
        calls.incrementAndGet();
        return timed(getLatency, client.getDataSourceRun(b -> b.domainIdentifier(dataSource.domainId())
                        .identifier(runId)))
                .handle((response, error) -> {
                    if (error == null) {
                        return RunObservation.of(RunSnapshot.of(response));
                    }
                    DataZoneFailure failure = classifier.classify(error);
                    return "RESOURCE_NOT_FOUND_EXCEPTION".equals(failure.errorType()) ? RunObservation.gone(failure) : null;
                });
    }

    /** The call, with its duration recorded when it completes, successfully or not. */
    private static <T> CompletableFuture<T> timed(TaskMetrics.LatencyRecorder latency, CompletableFuture<T> call) {
        long start = System.nanoTime();
        return call.whenComplete((result, error) -> latency.record((System.nanoTime() - start) / 1e6));
    }
}
