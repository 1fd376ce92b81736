package io.kcdatazone.sink;

import java.util.Objects;

/** A validated request to start one run of one DataZone data source. */
public final class RunRequest {

    private final String domainId;
    private final String dataSourceId;

    public RunRequest(String domainId, String dataSourceId) {
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
        if (!(o instanceof RunRequest)) {
            return false;
        }
        RunRequest that = (RunRequest) o;
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
