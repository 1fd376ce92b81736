package io.kcdatazone.source;

import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSourceConfig;
import io.kcdatazone.connector.LiveConfigValidator;
import io.kcdatazone.ledger.LedgerTopic;
import io.kcdatazone.logging.ContextThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source connector: publishes every request outcome the sink wrote to the ledger, and every later status of each
 * started run, as {@code DataSourceRunEvent} records. Ledger partitions are spread over the tasks; a change of the
 * partition count triggers a task reconfiguration.
 */
public class DataSourceRunSourceConnector extends SourceConnector {

    private static final Logger LOG = LoggerFactory.getLogger(DataSourceRunSourceConnector.class);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private Map<String, String> props;
    private DataSourceRunSourceConfig config;
    private ScheduledExecutorService partitionMonitor;
    private Admin admin;
    private LedgerTopic ledgerTopic;
    private volatile int ledgerPartitions;

    @Override
    public String version() {
        return Version.current();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        this.config = new DataSourceRunSourceConfig(props);
        String name = props.getOrDefault("name", "connector");
        // One Admin client for the connector's lifetime: the partition monitor asks it again and again.
        admin = Admin.create(config.ledger().adminProps(ContextThreads.kafkaClientId("ledger-admin", name)));
        ledgerTopic = new LedgerTopic(admin, config.ledger());
        try {
            ledgerPartitions = ledgerTopic.ensureExists();
        } catch (RuntimeException e) {
            // Connect does not call stop() after a failed start.
            admin.close(ADMIN_CLOSE_TIMEOUT);
            admin = null;
            throw e;
        }
        partitionMonitor = Executors.newSingleThreadScheduledExecutor(
                ContextThreads.named("datazone-source-partition-monitor-" + name));
        long interval = config.partitionCheckIntervalMs();
        partitionMonitor.scheduleWithFixedDelay(this::checkPartitionCount, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void checkPartitionCount() {
        try {
            int current = ledgerTopic.partitionCount();
            if (current != ledgerPartitions) {
                LOG.info("The ledger topic now has {} partitions (was {}): reassigning them to tasks", current,
                        ledgerPartitions);
                ledgerPartitions = current;
                context.requestTaskReconfiguration();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not check the ledger topic's partition count: {}", e.getMessage());
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DataSourceRunSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return taskConfigs(props, config.connectorStatusRequestsPerSecond(), ledgerPartitions, maxTasks);
    }

    /**
     * Round-robin: partition p goes to task p mod n, with no more tasks than partitions. Each task's share of
     * {@code status.requests.per.second} is in proportion to the ledger partitions it reads: the ledger is keyed by
     * data source, so that is its share of the data sources to poll, and the shares add up to the whole budget.
     */
    static List<Map<String, String>> taskConfigs(Map<String, String> props, double statusBudget, int ledgerPartitions,
                                                 int maxTasks) {
        int tasks = Math.max(1, Math.min(maxTasks, ledgerPartitions));
        List<List<Integer>> assignments = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            assignments.add(new ArrayList<>());
        }
        for (int partition = 0; partition < ledgerPartitions; partition++) {
            assignments.get(partition % tasks).add(partition);
        }
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (List<Integer> partitions : assignments) {
            Map<String, String> task = new HashMap<>(props);
            task.put(DataSourceRunSourceConfig.TASK_LEDGER_PARTITIONS,
                    partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
            if (statusBudget > 0 && !partitions.isEmpty()) {
                task.put(DataSourceRunSourceConfig.TASK_STATUS_REQUESTS_PER_SECOND,
                        Double.toString(statusBudget * partitions.size() / ledgerPartitions));
            }
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (partitionMonitor != null) {
            partitionMonitor.shutdownNow();
            awaitMonitorStopped();
        }
        if (admin != null) {
            admin.close(ADMIN_CLOSE_TIMEOUT);
        }
    }

    /** So the monitor's last check does not run into the closed Admin client. */
    private void awaitMonitorStopped() {
        try {
            if (!partitionMonitor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The ledger partition monitor did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public ConfigDef config() {
        return DataSourceRunSourceConfig.CONFIG_DEF;
    }

    /** Beyond each setting: settings that do not go together, and (by default) credentials and ledger live. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return new LiveConfigValidator(DataSourceRunSourceConfig::new, null)
                .validate(super.validate(connectorConfigs), connectorConfigs);
    }

    /**
     * Exactly-once holds: the task reads the ledger with {@code read_committed}, and all its state (ledger positions,
     * runs followed and their last status) is in the source offsets that Connect commits in the same transaction as the
     * events.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Accepts offsets this connector writes, of a ledger partition (format 1 or 2) or of a run slot, or null to reset
     * one; refuses anything else, saying why.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        String ledgerTopic = new DataSourceRunSourceConfig(connectorConfig).ledger().topic();
        for (Map.Entry<Map<String, ?>, Map<String, ?>> entry : offsets.entrySet()) {
            Map<String, ?> partition = entry.getKey();
            boolean slot = partition.containsKey(SlotOffset.SLOT_KEY);
            if (!ledgerTopic.equals(partition.get(PartitionOffset.LEDGER_TOPIC_KEY))
                    || !isNumber(partition.get(PartitionOffset.LEDGER_PARTITION_KEY))
                    || slot && !isNumber(partition.get(SlotOffset.SLOT_KEY))
                    || partition.size() != (slot ? 3 : 2)) {
                throw new ConnectException("Source partition " + partition + " is not one of this connector's: it"
                        + " must be {\"" + PartitionOffset.LEDGER_TOPIC_KEY + "\": \"" + ledgerTopic + "\", \""
                        + PartitionOffset.LEDGER_PARTITION_KEY + "\": <partition number>}, or a run slot of one,"
                        + " with \"" + SlotOffset.SLOT_KEY + "\": <slot number> added");
            }
            if (entry.getValue() == null) {
                continue;
            }
            try {
                if (slot) {
                    SlotOffset.parse(entry.getValue());
                } else {
                    PartitionOffset.parse(entry.getValue());
                }
            } catch (IllegalArgumentException e) {
                throw new ConnectException("Invalid offset for " + partition + ": " + e.getMessage(), e);
            }
        }
        return true;
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number && ((Number) value).longValue() >= 0
                && ((Number) value).longValue() <= Integer.MAX_VALUE;
    }
}
