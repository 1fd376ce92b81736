package io.kcdatazone.datazone;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot.LineageSummary;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.datazone.model.DataSourceRunLineageSummary;
import software.amazon.awssdk.services.datazone.model.DataSourceRunSummary;
import software.amazon.awssdk.services.datazone.model.GetDataSourceRunResponse;
import software.amazon.awssdk.services.datazone.model.LineageImportStatus;
import software.amazon.awssdk.services.datazone.model.StartDataSourceRunResponse;

/** The run's lineage import status is read from both answers that carry a {@code lineageSummary}. */
class RunSnapshotTest {

    private static final Instant CREATED = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void getDataSourceRunsLineageSummaryIsKept() {
        GetDataSourceRunResponse response = GetDataSourceRunResponse.builder().id("run-1").domainId("dzd_demo")
                .dataSourceId("sales_glue").status("SUCCESS").createdAt(CREATED)
                .lineageSummary(DataSourceRunLineageSummary.builder()
                        .importStatus(LineageImportStatus.PARTIALLY_SUCCEEDED).build())
                .build();

        assertThat(RunSnapshot.of(response).lineageSummary()).isEqualTo(new LineageSummary("PARTIALLY_SUCCEEDED"));
    }

    @Test
    void aListItemsLineageSummaryIsKeptWithAValueNewerThanTheSdkAsSent() {
        DataSourceRunSummary item = DataSourceRunSummary.builder().id("run-1").dataSourceId("sales_glue")
                .status("RUNNING").createdAt(CREATED)
                .lineageSummary(DataSourceRunLineageSummary.builder().importStatus("QUEUED").build())
                .build();

        assertThat(RunSnapshot.of("dzd_demo", item).lineageSummary().importStatus()).isEqualTo("QUEUED");
    }

    @Test
    void aRunWithoutLineageImportHasNoLineageSummary() {
        DataSourceRunSummary item = DataSourceRunSummary.builder().id("run-1").status("RUNNING").build();
        StartDataSourceRunResponse started = StartDataSourceRunResponse.builder().id("run-1").status("REQUESTED")
                .build();

        assertThat(RunSnapshot.of("dzd_demo", item).lineageSummary()).isNull();
        assertThat(RunSnapshot.of(started).lineageSummary()).isNull();
    }

    @Test
    void runsThatDifferOnlyInTheirLineageSummaryDiffer() {
        RunSnapshot importing = RunSnapshot.of("dzd_demo", DataSourceRunSummary.builder().id("run-1")
                .status("SUCCESS").lineageSummary(DataSourceRunLineageSummary.builder()
                        .importStatus(LineageImportStatus.IN_PROGRESS).build()).build());
        RunSnapshot imported = RunSnapshot.of("dzd_demo", DataSourceRunSummary.builder().id("run-1")
                .status("SUCCESS").lineageSummary(DataSourceRunLineageSummary.builder()
                        .importStatus(LineageImportStatus.SUCCESS).build()).build());

        assertThat(importing).isNotEqualTo(imported);
    }
}
