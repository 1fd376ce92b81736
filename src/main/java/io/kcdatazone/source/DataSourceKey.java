package io.kcdatazone.source;

import java.util.Objects;

/** A data source, the unit of status polling: one ListDataSourceRuns call covers all its runs. */
public final class DataSourceKey {

    private final String domainId;
    private final String dataSourceId;

    public DataSourceKey(String domainId, String dataSourceId) {
        this.domainId = Objects.requireNonNull(domainId, "domainId");
        this.dataSourceId = Objects.requireNonNull(dataSourceId, "dataSourceId");
    }

    public String domainId() {
        return domainId;
    }

    public String dataSourceId() {
        return dataSourceId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSourceKey && domainId.equals(((DataSourceKey) o).domainId)
                && dataSourceId.equals(((DataSourceKey) o).dataSourceId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domainId, dataSourceId);
    }

    @Override
    public String toString() {
        return domainId + "/" + dataSourceId;
    }
}
