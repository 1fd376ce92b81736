package io.kcdatazone.datazone;

import java.util.Objects;

/**
 * One DataZone data source, named by its domain: what a request asks to run (sink), and the unit of status polling,
 * since one ListDataSourceRuns call covers all its runs (source).
 */
public final class DataSourceRef {

    private final String domainId;
    private final String dataSourceId;

    public DataSourceRef(String domainId, String dataSourceId) {
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
        if (this == o) {
            return true;
        }
        if (!(o instanceof DataSourceRef)) {
            return false;
        }
        DataSourceRef that = (DataSourceRef) o;
        return domainId.equals(that.domainId) && dataSourceId.equals(that.dataSourceId);
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
