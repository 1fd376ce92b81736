package io.kcdatazone.datazone;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.datazone.model.DataSourceErrorMessage;
import software.amazon.awssdk.services.datazone.model.DataSourceRunLineageSummary;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.RunStatisticsForAssets;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/**
 * One observation of a data source run, whichever operation returned it (StartDataSourceRun, GetDataSourceRun or a
 * ListDataSourceRuns item), with DataZone's own field names. Statuses and types are kept as the raw strings DataZone
 * sent ({@code statusAsString()}), so a value newer than our SDK is carried through instead of becoming
 * {@code UNKNOWN_TO_SDK_VERSION}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunSnapshot {

    private final String id;
    private final String domainId;
    private final String dataSourceId;
    private final String projectId;
    private final String status;
    private final String type;
    private final Instant createdAt;
    private final Instant startedAt;
    private final Instant stoppedAt;
    private final Instant updatedAt;
    private final RunError errorMessage;
    private final RunStatistics runStatisticsForAssets;
    private final String dataSourceConfigurationSnapshot;
    private final LineageSummary lineageSummary;

    /** A run without a {@code lineageSummary}, as StartDataSourceRun answers (its output has none). */
    public RunSnapshot(String id, String domainId, String dataSourceId, String projectId, String status, String type,
                       Instant createdAt, Instant startedAt, Instant stoppedAt, Instant updatedAt,
                       RunError errorMessage, RunStatistics runStatisticsForAssets,
                       String dataSourceConfigurationSnapshot) {
        this(id, domainId, dataSourceId, projectId, status, type, createdAt, startedAt, stoppedAt, updatedAt,
                errorMessage, runStatisticsForAssets, dataSourceConfigurationSnapshot, null);
    }

    @JsonCreator
    public RunSnapshot(@JsonProperty("id") String id,
                       @JsonProperty("domainId") String domainId,
                       @JsonProperty("dataSourceId") String dataSourceId,
                       @JsonProperty("projectId") String projectId,
                       @JsonProperty("status") String status,
                       @JsonProperty("type") String type,
                       @JsonProperty("createdAt") Instant createdAt,
                       @JsonProperty("startedAt") Instant startedAt,
                       @JsonProperty("stoppedAt") Instant stoppedAt,
                       @JsonProperty("updatedAt") Instant updatedAt,
                       @JsonProperty("errorMessage") RunError errorMessage,
                       @JsonProperty("runStatisticsForAssets") RunStatistics runStatisticsForAssets,
                       @JsonProperty("dataSourceConfigurationSnapshot") String dataSourceConfigurationSnapshot,
                       @JsonProperty("lineageSummary") LineageSummary lineageSummary) {
        this.id = id;
        this.domainId = domainId;
        this.dataSourceId = dataSourceId;
        this.projectId = projectId;
        this.status = status;
        this.type = type;
        this.createdAt = createdAt;
        this.startedAt = startedAt;
        this.stoppedAt = stoppedAt;
        this.updatedAt = updatedAt;
        this.errorMessage = errorMessage;
        this.runStatisticsForAssets = runStatisticsForAssets;
        this.dataSourceConfigurationSnapshot = dataSourceConfigurationSnapshot;
        this.lineageSummary = lineageSummary;
    }

    public static RunSnapshot of(StartDataSourceRunResponse r) {
        return new RunSnapshot(r.id(), r.domainId(), r.dataSourceId(), r.projectId(), r.statusAsString(),
                r.typeAsString(), r.createdAt(), r.startedAt(), r.stoppedAt(), r.updatedAt(),
                RunError.of(r.errorMessage()), RunStatistics.of(r.runStatisticsForAssets()),
                r.dataSourceConfigurationSnapshot());
    }

    public static RunSnapshot of(GetDataSourceRunResponse r) {
        return new RunSnapshot(r.id(), r.domainId(), r.dataSourceId(), r.projectId(), r.statusAsString(),
                r.typeAsString(), r.createdAt(), r.startedAt(), r.stoppedAt(), r.updatedAt(),
                RunError.of(r.errorMessage()), RunStatistics.of(r.runStatisticsForAssets()),
                r.dataSourceConfigurationSnapshot(), LineageSummary.of(r.lineageSummary()));
    }

    /** A ListDataSourceRuns item carries neither the domain id nor the configuration snapshot. */
    public static RunSnapshot of(String domainId, DataSourceRunSummary r) {
        return new RunSnapshot(r.id(), domainId, r.dataSourceId(), r.projectId(), r.statusAsString(),
                r.typeAsString(), r.createdAt(), r.startedAt(), r.stoppedAt(), r.updatedAt(),
                RunError.of(r.errorMessage()), RunStatistics.of(r.runStatisticsForAssets()), null,
                LineageSummary.of(r.lineageSummary()));
    }

    @JsonProperty public String id() {
        return id;
    }

    @JsonProperty public String domainId() {
        return domainId;
    }

    @JsonProperty public String dataSourceId() {
        return dataSourceId;
    }

    @JsonProperty public String projectId() {
        return projectId;
    }

    @JsonProperty public String status() {
        return status;
    }

    @JsonProperty public String type() {
        return type;
    }

    @JsonProperty public Instant createdAt() {
        return createdAt;
    }

    @JsonProperty public Instant startedAt() {
        return startedAt;
    }

    @JsonProperty public Instant stoppedAt() {
        return stoppedAt;
    }

    @JsonProperty public Instant updatedAt() {
        return updatedAt;
    }

    @JsonProperty public RunError errorMessage() {
        return errorMessage;
    }

    @JsonProperty public RunStatistics runStatisticsForAssets() {
        return runStatisticsForAssets;
    }

    @JsonProperty public String dataSourceConfigurationSnapshot() {
        return dataSourceConfigurationSnapshot;
    }

    /** Null when the run imports no lineage, and on StartDataSourceRun's answer. */
    @JsonProperty public LineageSummary lineageSummary() {
        return lineageSummary;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RunSnapshot)) {
            return false;
        }
        RunSnapshot that = (RunSnapshot) o;
        return Objects.equals(id, that.id) && Objects.equals(domainId, that.domainId)
                && Objects.equals(dataSourceId, that.dataSourceId) && Objects.equals(projectId, that.projectId)
                && Objects.equals(status, that.status) && Objects.equals(type, that.type)
                && Objects.equals(createdAt, that.createdAt) && Objects.equals(startedAt, that.startedAt)
                && Objects.equals(stoppedAt, that.stoppedAt) && Objects.equals(updatedAt, that.updatedAt)
                && Objects.equals(errorMessage, that.errorMessage)
                && Objects.equals(runStatisticsForAssets, that.runStatisticsForAssets)
                && Objects.equals(dataSourceConfigurationSnapshot, that.dataSourceConfigurationSnapshot)
                && Objects.equals(lineageSummary, that.lineageSummary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, domainId, dataSourceId, status, updatedAt);
    }

    @Override
    public String toString() {
        return "run " + id + " of " + domainId + "/" + dataSourceId + " " + status;
    }

    /** DataZone's {@code DataSourceErrorMessage}: an error type from {@code DataSourceErrorType} and free text. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class RunError {
        private final String errorType;
        private final String errorDetail;

        @JsonCreator
        public RunError(@JsonProperty("errorType") String errorType,
                        @JsonProperty("errorDetail") String errorDetail) {
            this.errorType = errorType;
            this.errorDetail = errorDetail;
        }

        static RunError of(DataSourceErrorMessage message) {
            return message == null ? null : new RunError(message.errorTypeAsString(), message.errorDetail());
        }

        @JsonProperty public String errorType() {
            return errorType;
        }

        @JsonProperty public String errorDetail() {
            return errorDetail;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RunError && Objects.equals(errorType, ((RunError) o).errorType)
                    && Objects.equals(errorDetail, ((RunError) o).errorDetail);
        }

        @Override
        public int hashCode() {
            return Objects.hash(errorType, errorDetail);
        }

        @Override
        public String toString() {
            return errorType + ": " + errorDetail;
        }
    }

    /** DataZone's {@code RunStatisticsForAssets}; every count may be absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class RunStatistics {
        private final Integer added;
        private final Integer failed;
        private final Integer skipped;
        private final Integer unchanged;
        private final Integer updated;

        @JsonCreator
        public RunStatistics(@JsonProperty("added") Integer added, @JsonProperty("failed") Integer failed,
                             @JsonProperty("skipped") Integer skipped, @JsonProperty("unchanged") Integer unchanged,
                             @JsonProperty("updated") Integer updated) {
            this.added = added;
            this.failed = failed;
            this.skipped = skipped;
            this.unchanged = unchanged;
            this.updated = updated;
        }

        static RunStatistics of(RunStatisticsForAssets stats) {
            return stats == null ? null
                    : new RunStatistics(stats.added(), stats.failed(), stats.skipped(), stats.unchanged(),
                            stats.updated());
        }

        @JsonProperty public Integer added() {
            return added;
        }

        @JsonProperty public Integer failed() {
            return failed;
        }

        @JsonProperty public Integer skipped() {
            return skipped;
        }

        @JsonProperty public Integer unchanged() {
            return unchanged;
        }

        @JsonProperty public Integer updated() {
            return updated;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof RunStatistics)) {
                return false;
            }
            RunStatistics that = (RunStatistics) o;
            return Objects.equals(added, that.added) && Objects.equals(failed, that.failed)
                    && Objects.equals(skipped, that.skipped) && Objects.equals(unchanged, that.unchanged)
                    && Objects.equals(updated, that.updated);
        }

        @Override
        public int hashCode() {
            return Objects.hash(added, failed, skipped, unchanged, updated);
        }
    }

    /**
     * DataZone's {@code DataSourceRunLineageSummary}: how the run's lineage import goes ({@code LineageImportStatus}:
     * IN_PROGRESS, SUCCESS, FAILED, PARTIALLY_SUCCEEDED or a newer value), apart from the run's own status.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class LineageSummary {
        private final String importStatus;

        @JsonCreator
        public LineageSummary(@JsonProperty("importStatus") String importStatus) {
            this.importStatus = importStatus;
        }

        static LineageSummary of(DataSourceRunLineageSummary summary) {
            return summary == null ? null : new LineageSummary(summary.importStatusAsString());
        }

        @JsonProperty public String importStatus() {
            return importStatus;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LineageSummary && Objects.equals(importStatus, ((LineageSummary) o).importStatus);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(importStatus);
        }
    }
}
