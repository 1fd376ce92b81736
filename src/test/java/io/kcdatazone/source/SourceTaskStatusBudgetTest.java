package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.DataZoneClients;
import io.kcdatazone.metrics.TaskMetrics;
import io.kcdatazone.simulator.DataZoneSimulator;
import io.kcdatazone.simulator.Operation;
import io.kcdatazone.simulator.RateLimit;
import io.kcdatazone.simulator.SimulatorOptions;
import io.kcdatazone.testkit.MockTimeClock;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.source.SourceRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real task restarted with the runs of {@value #DATA_SOURCES} data sources in its stored offsets (offset format v1),
 * over Kafka's {@link MockConsumer} and the real DataZone client pointed at the simulator: how many status polls it
 * starts at once, how many calls DataZone receives, and what its metrics say. The task's clock (Kafka's
 * {@link MockTime}, which the simulator reads too) moves only when the test moves it.
 */
class SourceTaskStatusBudgetTest {

    private static final int DATA_SOURCES = 40;
    private static final long INTERVAL_MS = 60_000;
    private static final String LEDGER = "ledger";
    private static final TopicPartition PARTITION = new TopicPartition(LEDGER, 0);

    private final MockTime time = new MockTime(0, Instant.parse("2026-03-02T10:00:00Z").toEpochMilli(), 0);
    private final SimulatorOptions.Builder dataZone = SimulatorOptions.builder().clock(new MockTimeClock(time))
            .seed(Pipeline.seed(DATA_SOURCES)).startsEveryRun();
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.NONE);
    private final Map<String, String> props = new HashMap<>();
    private DataZoneSimulator simulator;
    private DataSourceRunSourceTask task;

    @BeforeEach
    void start() {
        props.put("output.topic", "events");
        props.put("datazone.region", "us-east-1");
        props.put("aws.access.key.id", "AKIATESTONLY");
        props.put("aws.secret.access.key", "test-only-secret");
        props.put("ledger.topic", LEDGER);
        props.put("ledger.bootstrap.servers", "127.0.0.1:9");
        props.put("task.ledger.partitions", "0");
        props.put("status.poll.interval.ms", String.valueOf(INTERVAL_MS));
        props.put("status.poll.interval.max.ms", String.valueOf(INTERVAL_MS));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aRestartedTaskPollsTheDataSourcesItTrackedSpreadOverAnIntervalNotAllAtOnce() throws Exception {
        props.put("name", "restart-spread");
        props.put("status.requests.per.second", "0");
        restartTrackingOneRunPerDataSource();

        task.poll();
        long atOnce = statusCalls();
        time.sleep(INTERVAL_MS / 2);
        task.poll();
        long inHalfAnInterval = statusCalls();
        time.sleep(INTERVAL_MS / 2);
        task.poll();

        assertThat(atOnce).as("polls at the restart").isLessThanOrEqualTo(2);
        assertThat(inHalfAnInterval).as("polls within half an interval").isBetween(5L, 35L);
        assertThat(statusCalls()).as("polls within the interval").isEqualTo(DATA_SOURCES);
        Awaitility.await("every data source polled once").atMost(Duration.ofSeconds(30))
                .until(() -> simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS) == DATA_SOURCES);
    }

    @Test
    void aRestartedTaskStopsTrackingAnOverdueRunOnlyAfterAskingDataZoneAboutItsDataSource() throws Exception {
        props.put("name", "overdue-after-restart");
        props.put("status.requests.per.second", "0");
        props.put("max.run.tracking.ms", String.valueOf(INTERVAL_MS));
        // Every run was taken two limits ago, by a task that never saw it end: overdue the moment this one starts.
        restartTrackingOneRunPerDataSource(time.milliseconds() - 2 * INTERVAL_MS);

        assertThat(task.poll()).as("events before a single status call").isNull();
        time.sleep(INTERVAL_MS);
        List<SourceRecord> stopped = new ArrayList<>();
        Awaitility.await("every run closed after its data source was asked").atMost(Duration.ofSeconds(30))
                .until(() -> {
                    List<SourceRecord> records = task.poll();
                    if (records != null) {
                        stopped.addAll(records);
                    }
                    return stopped.size() >= DATA_SOURCES;
                });

        assertThat(statusCalls()).as("status calls").isGreaterThanOrEqualTo(DATA_SOURCES);
        assertThat(stopped).hasSize(DATA_SOURCES);
    }

    @Test
    void aTaskWithEveryDataSourceDueSendsOnlyWhatItsShareOfTheBudgetAllowsAndSaysHowManyWait() throws Exception {
        props.put("name", "budget-share");
        props.put("status.requests.per.second", "10");
        // Its share as the connector sets it: a second's worth of permits is far beyond this test's few milliseconds.
        props.put("task.status.requests.per.second", "0.5");
        restartTrackingOneRunPerDataSource();
        time.sleep(INTERVAL_MS);

        task.poll();

        assertThat(statusCalls()).isEqualTo(1);
        assertThat(taskMetric("status-polls-waiting")).isEqualTo(DATA_SOURCES - 1.0);
        assertThat(taskMetric("status-calls-rate-limit")).isEqualTo(0.5);
    }

    @Test
    void throttledOrNotDataZoneNeverReceivesMoreStatusCallsASecondThanTheTasksShare() throws Exception {
        props.put("name", "throttled-budget");
        props.put("task.status.requests.per.second", "4");
        props.put("status.poll.interval.ms", "10000");
        props.put("status.poll.interval.max.ms", "10000");
        // DataZone allows half the share: it throttles, and the task retries each throttled call (three attempts).
        dataZone.rateLimit(Operation.LIST_DATA_SOURCE_RUNS, new RateLimit(2, 1));
        restartTrackingOneRunPerDataSource();

        List<Long> receivedAtMs = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            time.sleep(100);
            task.poll();
            // Every call the task counted as sent has reached DataZone: none is sent but in a poll() of the task.
            Awaitility.await("the calls sent at this step received").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(5)).untilAsserted(() -> assertThat(statusCallsReceived())
                            .as("calls DataZone received, against those the budget sent").isEqualTo(statusCalls()));
            while (receivedAtMs.size() < statusCallsReceived()) {
                receivedAtMs.add(time.milliseconds());
            }
        }

        assertThat(taskMetric("throttled-status-calls-total")).as("DataZone throttled").isGreaterThan(5);
        assertThat(simulator.introspection().calls(Operation.LIST_DATA_SOURCE_RUNS))
                .filteredOn(call -> call.httpStatus() == 429).hasSize((int) taskMetric("throttled-status-calls-total"));
        assertThat(mostInOneSecond(receivedAtMs)).as("calls DataZone received within one second")
                .isLessThanOrEqualTo(4);
        assertThat(receivedAtMs).as("calls in 30 s").hasSizeGreaterThan(30);
    }

    @Test
    void theRunsTrackedGaugeReadOnAnotherThreadSaysWhatTheTaskThreadLastCounted() throws Exception {
        props.put("name", "runs-tracked");
        props.put("status.requests.per.second", "0");
        restartTrackingOneRunPerDataSource();
        ExecutorService reporter = Executors.newSingleThreadExecutor();
        try {
            Callable<Double> runsTracked = () -> taskMetric("runs-tracked");
            assertThat(reporter.submit(runsTracked).get()).as("restored from the offsets")
                    .isEqualTo(DATA_SOURCES * 1.0);

            // Every run ends; the task publishes each terminal status, and Connect acknowledges it.
            time.sleep(INTERVAL_MS);
            Awaitility.await("every run's last status published").atMost(Duration.ofSeconds(30)).until(() -> {
                List<SourceRecord> records = task.poll();
                if (records != null) {
                    records.forEach(record -> task.commitRecord(record, null));
                }
                return reporter.submit(runsTracked).get() == 0;
            });
            assertThat(taskMetric("events-emitted-total", "event-type", "RUN_STATUS_CHANGED"))
                    .isEqualTo(DATA_SOURCES * 1.0);
        } finally {
            reporter.shutdownNow();
        }
    }

    @Test
    void everySourceMetricTheReadmeListsIsPublishedAndEveryOnePublishedIsListed() throws Exception {
        props.put("name", "documented-metrics");
        restartTrackingOneRunPerDataSource();
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<String> published = new TreeSet<>();
        for (ObjectName bean : jmx.queryNames(new ObjectName(TaskMetrics.FALLBACK_JMX_PREFIX
                + ":type=datazone-task-metrics,connector=" + props.get("name") + ",*"), null)) {
            String tags = bean.getKeyPropertyList().keySet().stream()
                    .filter(key -> !List.of("type", "connector", "task").contains(key))
                    .map(key -> "{" + key + "}").collect(Collectors.joining());
            for (MBeanAttributeInfo attribute : jmx.getMBeanInfo(bean).getAttributes()) {
                published.add(attribute.getName() + tags);
            }
        }

        assertThat(published).containsExactlyInAnyOrderElementsOf(documentedSourceMetrics());
    }

    /**
     * The names in the first column of the README's source metric table, shorthand spelt out: {@code `x-total`,
     * `-rate`} is {@code x-total} and {@code x-rate}, tags in braces kept.
     */
    private static Set<String> documentedSourceMetrics() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int header = readme.indexOf("| source metric | meaning |");
        assertThat(header).as("the README's source metric table").isNotNegative();
        Set<String> names = new TreeSet<>();
        Pattern quoted = Pattern.compile("`([^`]+)`");
        for (String row : readme.subList(header + 2, readme.size())) {
            if (!row.startsWith("|")) {
                break;
            }
            Matcher name = quoted.matcher(row.split("\\|")[1]);
            String full = null;
            while (name.find()) {
                String token = name.group(1);
                if (token.startsWith("-")) {
                    int tag = full.indexOf('{') < 0 ? full.length() : full.indexOf('{');
                    String base = full.substring(0, tag);
                    names.add(base.substring(0, base.lastIndexOf('-')) + token + full.substring(tag));
                } else {
                    full = token;
                    names.add(token);
                }
            }
        }
        return names;
    }

    /** The most of these times (ms, ascending) that fall within one second. */
    private static int mostInOneSecond(List<Long> timesMs) {
        int most = 0;
        int first = 0;
        for (int last = 0; last < timesMs.size(); last++) {
            while (timesMs.get(last) - timesMs.get(first) >= 1_000) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }

    private long statusCallsReceived() {
        return simulator.introspection().callCount(Operation.LIST_DATA_SOURCE_RUNS)
                + simulator.introspection().callCount(Operation.GET_DATA_SOURCE_RUN);
    }

    /** Starts a run on each data source in DataZone, then the task with those runs in its stored offset. */
    private void restartTrackingOneRunPerDataSource() {
        restartTrackingOneRunPerDataSource(null);
    }

    /** The same, with every run tracked since {@code trackedSinceMs} when it is not null. */
    private void restartTrackingOneRunPerDataSource(Long trackedSinceMs) {
        simulator = DataZoneSimulator.start(dataZone.build());
        props.put("datazone.endpoint.override", simulator.endpoint().toString());
        List<String> runs = new ArrayList<>();
        List<String> runIds = new ArrayList<>();
        try (DataZoneClients clients = SimulatorClients.open(simulator, "restart")) {
            for (int i = 0; i < DATA_SOURCES; i++) {
                String dataSource = Pipeline.dataSourceId(i);
                String runId = clients.sync().startDataSourceRun(b -> b.domainIdentifier(Pipeline.DOMAIN)
                        .dataSourceIdentifier(dataSource).clientToken("token-" + dataSource)).id();
                runIds.add(runId);
                runs.add(String.format("{\"r\":\"%s\",\"d\":\"%s\",\"s\":\"%s\",\"k\":\"token-%s\",\"t\":\"requests\","
                        + "\"p\":0,\"o\":%d,\"l\":\"REQUESTED\"}", runId, Pipeline.DOMAIN, dataSource, dataSource, i));
            }
        }
        Map<String, Object> offset = new HashMap<>(Map.of("version", 1, "position", 0L,
                "runs", "[" + String.join(",", runs) + "]"));
        if (trackedSinceMs != null) {
            offset.put("since", runIds.stream().map(id -> "\"" + id + "\":" + trackedSinceMs)
                    .collect(Collectors.joining(",", "{", "}")));
        }
        task = new DataSourceRunSourceTask(ignored -> consumer, time);
        task.initialize(new StoredOffsetsContext(Map.of(PartitionOffset.key(LEDGER, 0), offset)));
        task.start(props);
    }

    /** Status calls the task has sent (each one counted as it goes out, before DataZone answers). */
    private long statusCalls() throws Exception {
        return (long) taskMetric("status-calls-total");
    }

    /** A metric of the task, read over JMX: without plugin metrics it publishes through its own reporter. */
    private double taskMetric(String name) throws Exception {
        return taskMetric(name, null, null);
    }

    /** A metric of the task told apart by a tag, such as {@code event-type}. */
    private double taskMetric(String name, String tag, String value) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(
                TaskMetrics.FALLBACK_JMX_PREFIX + ":type=datazone-task-metrics,connector=" + props.get("name")
                        + ",task=unknown" + (tag == null ? "" : "," + tag + "=" + value)), name)).doubleValue();
    }
}
