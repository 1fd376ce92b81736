package io.kcdatazone.config;

import io.kcdatazone.ledger.LedgerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of the source connector: the DataZone connection, the ledger, and the events it publishes. */
public final class DataSourceRunSourceConfig extends DataZoneConnectorConfig {

    public static final String EVENTS_GROUP = "Events";

    public static final String OUTPUT_TOPIC = "output.topic";
    public static final String STATUS_POLL_INTERVAL_MS = "status.poll.interval.ms";
    public static final String STATUS_POLL_INTERVAL_MAX_MS = "status.poll.interval.max.ms";
    public static final String STATUS_REQUESTS_PER_SECOND = "status.requests.per.second";
    /**
     * DataZone publishes no rate limit for ListDataSourceRuns and GetDataSourceRun; its comparable read APIs (Get and
     * List of glossaries, assets) allow 20 per second per account and region, shared by every client there. Half of
     * that leaves room for the console, other tools and another connector, and throttling lowers it further.
     */
    public static final double DEFAULT_STATUS_REQUESTS_PER_SECOND = 10.0;
    public static final String INCLUDE_CONFIGURATION_SNAPSHOT = "include.configuration.snapshot";
    public static final String MAX_TRACKED_RUNS = "max.tracked.runs";
    /**
     * 10,000 runs in flight on one worker whatever the spread over tasks: a run followed costs under 1 KB of heap, and
     * the cost of an event does not depend on how many are followed.
     */
    public static final int DEFAULT_MAX_TRACKED_RUNS = 10_000;
    public static final String MAX_RUN_TRACKING_MS = "max.run.tracking.ms";
    public static final String PARTITION_CHECK_INTERVAL_MS = "ledger.partition.check.interval.ms";

    /** Set by the connector on each task: the ledger partitions the task reads. */
    public static final String TASK_LEDGER_PARTITIONS = "task.ledger.partitions";
    /** Set by the connector on each task: its share of {@value #STATUS_REQUESTS_PER_SECOND}. */
    public static final String TASK_STATUS_REQUESTS_PER_SECOND = "task.status.requests.per.second";

    public static final ConfigDef CONFIG_DEF = configDef();

    public DataSourceRunSourceConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = sharedDefinition();
        int order = 0;
        return def
                .define(OUTPUT_TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Topic that receives the DataSourceRunEvent records, keyed by client token.",
                        EVENTS_GROUP, ++order, Width.MEDIUM, "Output topic")
                .define(STATUS_POLL_INTERVAL_MS, Type.LONG, 30_000L, Range.atLeast(100), Importance.MEDIUM,
                        "How often the status of a data source's runs is checked (one ListDataSourceRuns call per"
                                + " data source with runs in flight), counted from when the previous check was sent.",
                        EVENTS_GROUP, ++order, Width.SHORT, "Status poll interval")
                .define(STATUS_POLL_INTERVAL_MAX_MS, Type.LONG, 120_000L, Range.atLeast(100), Importance.LOW,
                        "While a data source's runs show no change, its poll interval doubles up to this; any"
                                + " change resets it to status.poll.interval.ms. It must not be below that interval;"
                                + " set it equal to the interval to poll at a fixed rate.",
                        EVENTS_GROUP, ++order, Width.SHORT, "Max status poll interval")
                .define(STATUS_REQUESTS_PER_SECOND, Type.DOUBLE, DEFAULT_STATUS_REQUESTS_PER_SECOND,
                        ConfigDef.LambdaValidator.with((name, value) -> {
                            double rate = ((Number) value).doubleValue();
                            if (!Double.isFinite(rate) || rate < 0) {
                                throw new ConfigException(name, value, "must be a finite number, at least 0");
                            }
                        }, () -> "[0,...] (0: no limit)"), Importance.MEDIUM,
                        "Status calls per second for the whole connector: every ListDataSourceRuns page and every"
                                + " GetDataSourceRun counts. Shared among its tasks in proportion to the ledger"
                                + " partitions each reads; 0 means no limit. DataZone's quota is per account"
                                + " and region and shared with every other client there; when it throttles anyway,"
                                + " tasks slow down on their own and recover. The default is half of the 20 calls per"
                                + " second DataZone allows its comparable read APIs (it publishes no limit for these"
                                + " two). While more data sources are due than the budget allows, the one due longest"
                                + " is polled first, so status events come later but none is skipped.",
                        EVENTS_GROUP, ++order, Width.SHORT, "Status call rate (connector)")
                .define(INCLUDE_CONFIGURATION_SNAPSHOT, Type.BOOLEAN, false, Importance.LOW,
                        "Whether events carry DataZone's dataSourceConfigurationSnapshot (a JSON document, often"
                                + " several KB).",
                        EVENTS_GROUP, ++order, Width.SHORT, "Include configuration snapshot")
                .define(MAX_TRACKED_RUNS, Type.INT, DEFAULT_MAX_TRACKED_RUNS, Range.atLeast(1), Importance.LOW,
                        "Runs one task follows at most; a ledger partition whose next entry would follow one more"
                                + " pauses at that entry until runs end. It is also the most run slots one ledger"
                                + " partition keeps in Connect's offsets (each run's state is stored under a slot of"
                                + " its own, kept after the run ends until the runs read before it have ended too),"
                                + " and a starting task reads that many slot keys per ledger partition. A run followed"
                                + " takes under 1 KB of heap; the cost of an event does not depend on this setting.",
                        EVENTS_GROUP, ++order, Width.SHORT, "Max tracked runs per task")
                .define(MAX_RUN_TRACKING_MS, Type.LONG, 86_400_000L, Range.atLeast(1_000), Importance.LOW,
                        "How long a run is followed at most. A run not seen ending by then (a status DataZone added"
                                + " that this version does not know, reported without a stoppedAt; or status calls"
                                + " that keep failing) gets a RUN_TRACKING_STOPPED event saying so and is no longer"
                                + " polled, so it cannot hold a tracking slot for ever. Counted from when the task"
                                + " began tracking it, across restarts; a task that takes a run over stops it only"
                                + " after asking DataZone about its data source at least once. At least"
                                + " status.poll.interval.max.ms.",
                        EVENTS_GROUP, ++order, Width.SHORT, "Max run tracking time")
                .define(PARTITION_CHECK_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.LOW,
                        "How often the connector checks the ledger's partition count, to spread new partitions"
                                + " over its tasks.",
                        LedgerConfig.GROUP, 100, Width.SHORT, "Ledger partition check interval")
                .defineInternal(TASK_LEDGER_PARTITIONS, Type.LIST, "", Importance.LOW)
                .defineInternal(TASK_STATUS_REQUESTS_PER_SECOND, Type.DOUBLE, null, Importance.LOW);
    }

    @Override
    protected Map<String, List<String>> connectorProblems() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        if (getLong(STATUS_POLL_INTERVAL_MAX_MS) < getLong(STATUS_POLL_INTERVAL_MS)) {
            problems.put(STATUS_POLL_INTERVAL_MAX_MS, List.of(STATUS_POLL_INTERVAL_MAX_MS + " must not be below "
                    + STATUS_POLL_INTERVAL_MS + " (" + getLong(STATUS_POLL_INTERVAL_MS) + "); set them equal to"
                    + " poll at a fixed rate."));
        }
        if (getLong(MAX_RUN_TRACKING_MS) < getLong(STATUS_POLL_INTERVAL_MAX_MS)) {
            problems.put(MAX_RUN_TRACKING_MS, List.of(MAX_RUN_TRACKING_MS + " must not be below "
                    + STATUS_POLL_INTERVAL_MAX_MS + " (" + getLong(STATUS_POLL_INTERVAL_MAX_MS) + "): a run would be"
                    + " stopped before the task polled its status."));
        }
        return problems;
    }

    public String outputTopic() {
        return getString(OUTPUT_TOPIC);
    }

    public long statusPollIntervalMs() {
        return getLong(STATUS_POLL_INTERVAL_MS);
    }

    public long statusPollIntervalMaxMs() {
        return getLong(STATUS_POLL_INTERVAL_MAX_MS);
    }

    public double connectorStatusRequestsPerSecond() {
        return getDouble(STATUS_REQUESTS_PER_SECOND);
    }

    /** This task's status-call budget: its share when the connector set one, else the whole budget. */
    public double taskStatusRequestsPerSecond() {
        Double share = getDouble(TASK_STATUS_REQUESTS_PER_SECOND);
        if (share != null) {
            return share;
        }
        // A task config without its share (written by a version before the budget, during a rolling upgrade): an
        // even share, so that the tasks together stay within the connector's budget.
        Object tasksMax = originals().get("tasks.max");
        int tasks = tasksMax != null ? Math.max(1, Integer.parseInt(tasksMax.toString().trim())) : 1;
        return connectorStatusRequestsPerSecond() / tasks;
    }

    public boolean includeConfigurationSnapshot() {
        return getBoolean(INCLUDE_CONFIGURATION_SNAPSHOT);
    }

    public int maxTrackedRuns() {
        return getInt(MAX_TRACKED_RUNS);
    }

    public long maxRunTrackingMs() {
        return getLong(MAX_RUN_TRACKING_MS);
    }

    public long partitionCheckIntervalMs() {
        return getLong(PARTITION_CHECK_INTERVAL_MS);
    }

    public List<Integer> taskLedgerPartitions() {
        return getList(TASK_LEDGER_PARTITIONS).stream().map(Integer::valueOf).collect(Collectors.toList());
    }
}
