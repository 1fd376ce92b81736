package io.kcdatazone.simulator;

/** The model's {@code DataSourceRunType}: how a run was started. */
public enum RunType {
    /** Started on demand: through StartDataSourceRun by the connector, or from the console. */
    PRIORITIZED,
    /** Started by the data source's schedule. */
    SCHEDULED
}
