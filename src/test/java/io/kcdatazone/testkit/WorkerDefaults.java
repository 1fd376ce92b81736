package io.kcdatazone.testkit;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.storage.StringConverter;

/** The settings every test Connect worker starts from, in this JVM or a child one. */
final class WorkerDefaults {

    private WorkerDefaults() {
    }

    /** A mutable map: callers add their own settings. */
    static Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        // Only plugins with META-INF/services entries: a worker starts in ~3 s instead of ~15 s.
        properties.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        properties.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        properties.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "1000");
        // A stopped worker's tasks move to the others after this delay (default 5 minutes).
        properties.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "5000");
        // Connectors choose their own converters; these only apply to those that do not.
        properties.put(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        properties.put(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
        return properties;
    }

    /**
     * The group and internal topics {@code EmbeddedConnectCluster} derives from a cluster's name, so a child worker
     * can join either kind of cluster, with {@code replicationFactor} replicas for the internal topics.
     */
    static Map<String, String> cluster(String clusterName, int replicationFactor) {
        Map<String, String> properties = new HashMap<>();
        properties.put(DistributedConfig.GROUP_ID_CONFIG, "connect-integration-test-" + clusterName);
        properties.put(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG, "connect-offset-topic-" + clusterName);
        properties.put(DistributedConfig.CONFIG_TOPIC_CONFIG, "connect-config-topic-" + clusterName);
        properties.put(DistributedConfig.STATUS_STORAGE_TOPIC_CONFIG, "connect-status-topic-" + clusterName);
        String replicas = String.valueOf(replicationFactor);
        properties.put(DistributedConfig.OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG, replicas);
        properties.put(DistributedConfig.CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG, replicas);
        properties.put(DistributedConfig.STATUS_STORAGE_REPLICATION_FACTOR_CONFIG, replicas);
        return properties;
    }
}
