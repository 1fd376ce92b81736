package io.kcdatazone.config;

import io.kcdatazone.datazone.DataZoneConnectionConfig;
import io.kcdatazone.ledger.LedgerConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What both connectors' configurations share: the DataZone connection and the ledger, and the one check of settings
 * that do not go together ({@link #problems()}), which both the constructor and the connector's {@code validate()}
 * apply, so that a configuration {@code validate()} accepts never fails a task start.
 */
public abstract class DataZoneConnectorConfig extends AbstractConfig {

    /**
     * @throws InconsistentConfigException when {@link #problems()} finds any
     */
    protected DataZoneConnectorConfig(ConfigDef definition, Map<?, ?> props) {
        super(definition, props);
        Map<String, List<String>> problems = problems();
        if (!problems.isEmpty()) {
            throw new InconsistentConfigException(problems);
        }
    }

    /** A ConfigDef holding the shared settings, to which each connector adds its own. */
    protected static ConfigDef sharedDefinition() {
        ConfigDef def = new ConfigDef();
        DataZoneConnectionConfig.define(def);
        LedgerConfig.define(def);
        return def;
    }

    /**
     * Combinations of settings that are each valid on their own but not together (connection, ledger, then the
     * connector's own), as messages per key to fix. Empty when the settings are consistent.
     */
    public final Map<String, List<String>> problems() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (Map<String, List<String>> part : List.of(connection().problems(), ledger().problems(),
                connectorProblems())) {
            part.forEach((key, messages) -> problems.computeIfAbsent(key, k -> new ArrayList<>()).addAll(messages));
        }
        return Collections.unmodifiableMap(problems);
    }

    /**
     * The connector's own cross-field problems, in the shape of {@link #problems()}. Runs inside the constructor, so it
     * may read settings only through the {@link AbstractConfig} getters, not fields of the subclass.
     */
    protected abstract Map<String, List<String>> connectorProblems();

    /** The DataZone connection, whose redactor masks the ledger clients' secrets too. */
    public DataZoneConnectionConfig connection() {
        return DataZoneConnectionConfig.from(this, ledger().clientSecretValues());
    }

    public LedgerConfig ledger() {
        return LedgerConfig.from(this);
    }
}
