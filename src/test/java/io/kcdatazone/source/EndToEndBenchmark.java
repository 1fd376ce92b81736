package io.kcdatazone.source;

import io.kcdatazone.bench.BenchmarkReport;
import io.kcdatazone.bench.BenchmarkStats;
import io.kcdatazone.bench.Percentiles;
import io.kcdatazone.simulator.Introspection;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RunRecord;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.sink.ClientTokens;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import io.kcdatazone.testkit.OutputTopicReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * Both connectors on the embedded stack (broker, Connect worker, Apicurio Registry, the simulator answering every call
 * after {@value #CALL_LATENCY_MS} ms): how long a request takes to come out as its RUN_STARTED event, and what
 * tracking many runs' statuses costs in DataZone calls and detection lag, against polling each run on its own.
 *
 * <p>Times are read on the wall clock (the simulator runs on it too), so a status change happens at the run's creation
 * time plus the seeded REQUESTED and RUNNING durations. Run with {@code mvn -B -Pbench test}.
 */
class EndToEndBenchmark {

    private static final int REPETITIONS = 3;
    private static final long CALL_LATENCY_MS = 50;
    private static final int LATENCY_REQUESTS = 100;
    private static final int STATUS_RUNS = 1_000;
    private static final int STATUS_DATA_SOURCES = 20;
    /** The fixed status poll interval of both the connector and the baseline (the connector's backoff is off). */
    private static final long POLL_INTERVAL_MS = 1_000;
    /** The latency requests go to a data source of their own, so their runs stay off the status benchmark's lists. */
    private static final String LATENCY_DATA_SOURCE = Pipeline.dataSourceId(STATUS_DATA_SOURCES);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Clock WALL = Clock.systemUTC();

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(new SimulatorService(SimulatorOptions.builder()
                    .seed(Pipeline.seed(STATUS_DATA_SOURCES + 1))
                    .latency(Duration.ofMillis(CALL_LATENCY_MS), Duration.ZERO)
                    .startsEveryRun()
                    .build()))
            .build();

    @Test
    void requestToRunStartedLatency() throws Exception {
        BenchmarkReport report = new BenchmarkReport("end-to-end-latency", List.of("what", "p50 ms", "p95 ms",
                "p99 ms", "target"));
        Pipeline pipeline = new Pipeline(STACK, "latency");
        pipeline.start(1, 1, 1, 1);
        Map<Integer, List<Double>> latency = Map.of(50, new ArrayList<>(), 95, new ArrayList<>(), 99,
                new ArrayList<>());
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(1)) {
            // Untimed: the first requests pay for the SDK client's first call and the registry's schema lookups.
            for (int i = 0; i < 10; i++) {
                requestToResultMs(pipeline, reader, "warm-up-" + i);
            }
            for (int rep = 0; rep < REPETITIONS; rep++) {
                List<Double> samples = new ArrayList<>();
                for (int i = 0; i < LATENCY_REQUESTS; i++) {
                    samples.add(requestToResultMs(pipeline, reader, String.format("latency-%d-%03d", rep, i)));
                }
                Percentiles percentiles = new Percentiles(samples);
                latency.forEach((percent, values) -> values.add(percentiles.at(percent)));
            }
        } finally {
            pipeline.delete();
        }
        report.add(latencyRow("request produced to RUN_STARTED consumed", latency, 0, "-"));
        BenchmarkStats overheadP99 = BenchmarkStats.of(latency.get(99).stream()
                .map(ms -> ms - CALL_LATENCY_MS).toList());
        report.add(latencyRow("the same minus the simulated call (" + CALL_LATENCY_MS + " ms): our overhead",
                latency, CALL_LATENCY_MS, "p99 < 250 ms: " + (overheadP99.median() < 250 ? "met" : "NOT met")));
        report.publish();
    }

    /** Produces one request and reads until its RUN_STARTED event arrives; the milliseconds in between. */
    private static double requestToResultMs(Pipeline pipeline, OutputTopicReader<ObservedEvent> reader, String key) {
        String clientToken = ClientTokens.fromKey(key);
        long start = System.nanoTime();
        pipeline.request(key, LATENCY_DATA_SOURCE);
        while (System.nanoTime() - start < TIMEOUT.toNanos()) {
            for (ObservedEvent event : reader.readNext(Duration.ofSeconds(1))) {
                if (event.isResult() && clientToken.equals(event.clientToken())) {
                    return (System.nanoTime() - start) / 1e6;
                }
            }
        }
        throw new IllegalStateException("no result event for request " + key + " within " + TIMEOUT);
    }

    private static Map<String, Object> latencyRow(String what, Map<Integer, List<Double>> latency, long minusMs,
                                                  String target) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("what", what);
        for (int percent : new int[] {50, 95, 99}) {
            row.put("p" + percent + " ms", BenchmarkStats.of(latency.get(percent).stream()
                    .map(ms -> ms - minusMs).toList()));
        }
        row.put("target", target);
        return row;
    }

    @Test
    void statusTrackingCost() throws Exception {
        BenchmarkReport report = new BenchmarkReport("status-tracking", List.of("tracking", "runs",
                "data sources", "poll interval ms", "status calls per transition", "detection lag p50 ms",
                "detection lag p99 ms", "target"));
        Tracking connector = new Tracking();
        Tracking results = new Tracking();
        Tracking baseline = new Tracking();
        // A status-call budget with room to spare (20 data sources a second want about 20 calls): the lag target holds
        // with the budget in the path, as it must.
        Pipeline pipeline = new Pipeline(STACK, "status")
                .withSource("status.poll.interval.ms", String.valueOf(POLL_INTERVAL_MS))
                .withSource("status.poll.interval.max.ms", String.valueOf(POLL_INTERVAL_MS))
                .withSource("status.requests.per.second", "100");
        pipeline.start(6, 6, 3, 3);
        try (OutputTopicReader<ObservedEvent> reader = pipeline.reader(6);
             DataZoneAsyncClient client = baselineClient()) {
            for (int rep = 0; rep < REPETITIONS; rep++) {
                trackThroughConnector(pipeline, reader, "status-" + rep + "-", connector, results);
                trackByPollingEachRun(client, "baseline-" + rep + "-", baseline);
            }
        } finally {
            pipeline.delete();
        }
        double lagTargetMs = POLL_INTERVAL_MS + CALL_LATENCY_MS;
        report.add(connector.row("connector: ListDataSourceRuns per data source", "<= 1.2 calls per transition: "
                + (connector.callsPerTransition().median() <= 1.2 ? "met" : "NOT met") + "; lag p99 <= "
                + (long) lagTargetMs + " ms: " + (connector.lagP99().median() <= lagTargetMs ? "met" : "NOT met")));
        report.add(results.row("connector: RUN_STARTED consumed after the run's creation (no status call)", "-"));
        report.add(baseline.row("baseline: GetDataSourceRun per run", "-"));
        report.publish();
    }

    /**
     * Requests {@value #STATUS_RUNS} runs through the pipeline and reads until every run's end is published; the
     * RUN_STARTED events' lag after the run's creation goes to {@code resultLag}, the share of the detection lag that
     * is the pipeline's own (no status call is involved).
     */
    private static void trackThroughConnector(Pipeline pipeline, OutputTopicReader<ObservedEvent> reader,
                                              String keyPrefix, Tracking tracking, Tracking resultLag)
            throws Exception {
        Introspection simulator = STACK.service(SimulatorService.class).simulator().introspection();
        long listsBefore = simulator.callCount(Operation.LIST_DATA_SOURCE_RUNS);
        long getsBefore = simulator.callCount(Operation.GET_DATA_SOURCE_RUN);
        // Produced on a thread of its own: each produce waits for the broker's ack, and events are timed as they are
        // read, so reading must not wait for the last request to be produced.
        FutureTask<Void> production = new FutureTask<>(() -> {
            for (int i = 0; i < STATUS_RUNS; i++) {
                pipeline.request(keyPrefix + i, Pipeline.dataSourceId(i % STATUS_DATA_SOURCES));
            }
            return null;
        });
        new Thread(production, "status-requests").start();
        Map<String, Instant> changes = new HashMap<>();
        Map<String, Instant> results = new HashMap<>();
        long start = System.nanoTime();
        while (changes.size() < 2 * STATUS_RUNS) {
            if (System.nanoTime() - start > TIMEOUT.toNanos()) {
                throw new IllegalStateException("only " + changes.size() + " status changes published within "
                        + TIMEOUT);
            }
            List<ObservedEvent> read = reader.readNext(Duration.ofMillis(200));
            Instant now = WALL.instant();
            for (ObservedEvent event : read) {
                if (event.clientToken().startsWith(keyPrefix)) {
                    (event.isResult() ? results : changes).put(event.runId() + "/" + event.status(), now);
                }
            }
        }
        production.get();
        long calls = simulator.callCount(Operation.LIST_DATA_SOURCE_RUNS) - listsBefore
                + simulator.callCount(Operation.GET_DATA_SOURCE_RUN) - getsBefore;
        tracking.add(calls, changes);
        resultLag.add(0, results);
    }

    /** Starts {@value #STATUS_RUNS} runs directly and polls each on its own until all have ended. */
    private static void trackByPollingEachRun(DataZoneAsyncClient client, String keyPrefix, Tracking tracking) {
        try (PerRunStatusPoller poller = new PerRunStatusPoller(client, Duration.ofMillis(POLL_INTERVAL_MS), WALL)) {
            List<CompletableFuture<StartDataSourceRunResponse>> starts = new ArrayList<>();
            for (int i = 0; i < STATUS_RUNS; i++) {
                int index = i;
                starts.add(client.startDataSourceRun(b -> b.domainIdentifier(Pipeline.DOMAIN)
                        .dataSourceIdentifier(Pipeline.dataSourceId(index % STATUS_DATA_SOURCES))
                        .clientToken(keyPrefix + index))
                        .thenApply(run -> {
                            poller.track(Pipeline.DOMAIN, run.id(), run.statusAsString());
                            return run;
                        }));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            Awaitility.await("the baseline sees every run end").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> poller.tracked() == 0 && poller.changes().size() == 2 * STATUS_RUNS);
            tracking.add(poller.calls(), poller.changes().stream().collect(Collectors.toMap(
                    change -> change.runId() + "/" + change.status(), PerRunStatusPoller.Change::seenAt)));
        }
    }

    private static DataZoneAsyncClient baselineClient() {
        return DataZoneAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASELINE",
                        "baseline-secret")))
                .endpointOverride(STACK.service(SimulatorService.class).simulator().endpoint())
                // Room for the start burst and for 1,000 runs' calls a second, so no call waits for a connection.
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(200))
                .build();
    }

    /** When each run got each status in the simulator: REQUESTED, RUNNING, then its outcome. */
    private static Map<String, Instant> changeTimes() {
        Map<String, Instant> changes = new HashMap<>();
        for (RunRecord run : STACK.service(SimulatorService.class).simulator().introspection().runs()) {
            Instant running = run.createdAt().plus(Pipeline.REQUESTED_FOR);
            // The outcome first: for a run still in progress, its status now is REQUESTED or RUNNING, whose times
            // follow and replace it.
            changes.put(run.runId() + "/" + run.status(), running.plus(Pipeline.RUNNING_FOR));
            changes.put(run.runId() + "/REQUESTED", run.createdAt());
            changes.put(run.runId() + "/RUNNING", running);
        }
        return changes;
    }

    /** Status calls per transition and detection lags of one way of tracking, one figure per repetition. */
    private static final class Tracking {
        private final List<Double> callsPerTransition = new ArrayList<>();
        private final List<Double> lagP50 = new ArrayList<>();
        private final List<Double> lagP99 = new ArrayList<>();
        /** Every repetition's lags, for the distribution the charts draw. */
        private final List<Double> pooledLags = new ArrayList<>();

        /** One repetition: the status calls it made, and when it saw each "runId/status". */
        void add(long calls, Map<String, Instant> seen) {
            Map<String, Instant> changed = changeTimes();
            List<Double> lags = seen.entrySet().stream()
                    .map(entry -> (double) Duration.between(changed.get(entry.getKey()), entry.getValue()).toMillis())
                    .toList();
            callsPerTransition.add((double) calls / seen.size());
            pooledLags.addAll(lags);
            Percentiles percentiles = new Percentiles(lags);
            lagP50.add(percentiles.at(50));
            lagP99.add(percentiles.at(99));
        }

        BenchmarkStats callsPerTransition() {
            return BenchmarkStats.of(callsPerTransition);
        }

        BenchmarkStats lagP99() {
            return BenchmarkStats.of(lagP99);
        }

        Map<String, Object> row(String tracking, String target) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tracking", tracking);
            row.put("runs", STATUS_RUNS);
            row.put("data sources", STATUS_DATA_SOURCES);
            row.put("poll interval ms", POLL_INTERVAL_MS);
            row.put("status calls per transition", callsPerTransition());
            row.put("detection lag p50 ms", BenchmarkStats.of(lagP50));
            row.put("detection lag p99 ms", lagP99());
            row.put("target", target);
            if (!pooledLags.isEmpty()) {
                // Every percent of all repetitions' lags pooled: the detection lag chart's distribution.
                Percentiles pooled = new Percentiles(pooledLags);
                Map<String, Double> quantiles = new LinkedHashMap<>();
                for (int percent = 0; percent <= 100; percent++) {
                    quantiles.put(String.valueOf(percent), pooled.at(percent));
                }
                row.put("detection lag quantiles ms", quantiles);
            }
            return row;
        }
    }
}
