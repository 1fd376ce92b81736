package io.kcdatazone.config;

import io.kcdatazone.ledger.LedgerConfig;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/** What both connectors' configurations share: the DataZone connection and the ledger. */
public abstract class DataZoneConnectorConfig extends AbstractConfig {

    protected DataZoneConnectorConfig(ConfigDef definition, Map<?, ?> props) {
        super(definition, props);
    }

    /** A ConfigDef holding the shared settings, to which each connector adds its own. */
    protected static ConfigDef sharedDefinition() {
        ConfigDef def = new ConfigDef();
        DataZoneConnectionConfig.define(def);
        LedgerConfig.define(def);
        return def;
    }

    public DataZoneConnectionConfig connection() {
        return DataZoneConnectionConfig.from(this);
    }

    public LedgerConfig ledger() {
        return LedgerConfig.from(this);
    }
}
