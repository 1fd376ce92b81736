package io.kcdatazone.sink;

import io.kcdatazone.Version;
import io.kcdatazone.config.DataSourceRunSinkConfig;
import io.kcdatazone.connector.LiveConfigValidator;
import io.kcdatazone.ledger.LedgerTopic;
import io.kcdatazone.logging.ContextThreads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Sink connector: each record of the request topics starts one DataZone data source run (StartDataSourceRun), with
 * the record key as idempotency key, and its outcome is handed to {@code DataSourceRunSourceConnector} through the
 * ledger topic.
 */
public class DataSourceRunSinkConnector extends SinkConnector {

    private Map<String, String> props;
    private DataSourceRunSinkConfig config;

    @Override
    public String version() {
        return Version.current();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = new HashMap<>(props);
        this.config = new DataSourceRunSinkConfig(props);
        LedgerTopic.ensureExists(config.ledger(),
                ContextThreads.kafkaClientId("ledger-admin", props.getOrDefault("name", "connector")));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DataSourceRunSinkTask.class;
    }

    /**
     * Every task gets the same settings and an equal share of the connector's request rate to start with; each task
     * then takes its share by the request partitions it holds ({@link RequestRateShare}).
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        double rate = config.connectorRequestsPerSecond();
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            if (rate > 0) {
                task.put(DataSourceRunSinkConfig.TASK_REQUESTS_PER_SECOND, Double.toString(rate / maxTasks));
            }
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return DataSourceRunSinkConfig.CONFIG_DEF;
    }

    /** Beyond each setting: settings that do not go together, and (by default) credentials, domain and ledger live. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return new LiveConfigValidator(DataSourceRunSinkConfig::new, DataSourceRunSinkConfig.DEFAULT_DOMAIN)
                .validate(super.validate(connectorConfigs), connectorConfigs);
    }
}
