package io.kcdatazone.events;

import static io.kcdatazone.events.TestEvents.STOPPED_AT;
import static io.kcdatazone.events.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.event.DataSourceRunEvent;
import io.kcdatazone.event.DataSourceRunLineageSummary;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RunEventsTest {

    @ParameterizedTest(name = "{0} status={1} stopped={2}: {3}")
    @CsvSource(nullValues = "-", value = {
        // The three terminal statuses end a run, on a status change and on a RUN_STARTED of a run that had ended.
        "RUN_STATUS_CHANGED, SUCCESS, false, SUCCEEDED",
        "RUN_STATUS_CHANGED, PARTIALLY_SUCCEEDED, true, PARTIALLY_SUCCEEDED",
        "RUN_STATUS_CHANGED, FAILED, true, FAILED",
        "RUN_STARTED, SUCCESS, true, SUCCEEDED",
        // In progress: not terminal.
        "RUN_STARTED, REQUESTED, false, -",
        "RUN_STATUS_CHANGED, RUNNING, false, -",
        // A status DataZone adds later ends the run once it has a stop time, as the connector decides.
        "RUN_STATUS_CHANGED, CANCELLED, false, -",
        "RUN_STATUS_CHANGED, CANCELLED, true, STOPPED",
        "RUN_STATUS_CHANGED, RUNNING, true, STOPPED",
        // The request's last events without a terminal status.
        "RUN_START_FAILED, -, false, NOT_STARTED",
        "RUN_VANISHED, -, false, VANISHED",
        "RUN_TRACKING_STOPPED, -, false, TRACKING_STOPPED",
        // A type a newer connector adds is not taken for an end, whatever its status.
        "RUN_PAUSED_BY_SOMETHING_NEW, FAILED, true, -",
    })
    void outcomeFollowsTheConnectorsRule(String eventType, String status, boolean stopped, RunOutcome expected) {
        DataSourceRunEvent event = event(eventType, status).setStoppedAt(stopped ? STOPPED_AT : null).build();

        assertThat(RunEvents.outcome(event)).isEqualTo(Optional.ofNullable(expected));
        assertThat(RunEvents.isTerminal(event)).isEqualTo(expected != null);
    }

    @ParameterizedTest
    @EnumSource(RunStatus.class)
    void aStatusWithoutStopTimeEndsTheRunExactlyWhenItsFlagSaysTerminal(RunStatus status) {
        DataSourceRunEvent event = event("RUN_STATUS_CHANGED", status.name()).build();

        assertThat(RunEvents.isTerminal(event)).isEqualTo(status.isTerminal());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"-, -, -", "true, -, -", "true, IN_PROGRESS, IN_PROGRESS",
        "true, PARTIALLY_SUCCEEDED, PARTIALLY_SUCCEEDED", "true, QUEUED, UNKNOWN"})
    void lineageImportStatusIsOptionalAndToleratesNewValues(Boolean summary, String importStatus,
                                                            LineageImportStatus expected) {
        DataSourceRunEvent event = event("RUN_STATUS_CHANGED", "SUCCESS").setLineageSummary(summary == null ? null
                : DataSourceRunLineageSummary.newBuilder().setImportStatus(importStatus).build()).build();

        assertThat(RunEvents.lineageImportStatus(event)).isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest
    @CsvSource({"RUN_STARTED, RUN_STARTED", "RUN_TRACKING_STOPPED, RUN_TRACKING_STOPPED", "RUN_MERGED, UNKNOWN"})
    void eventTypeReadsNewerTypesAsUnknown(String value, EventType expected) {
        assertThat(RunEvents.eventType(event(value, null).build())).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {"RUNNING, REQUESTED, RUNNING, REQUESTED", "CANCELLED, -, UNKNOWN, -",
        "-, RUNNING, -, RUNNING"})
    void statusesAreOptionalAndToleratesNewValues(String status, String previous, RunStatus expected,
            RunStatus expectedPrevious) {
        DataSourceRunEvent event = event("RUN_VANISHED", status).setPreviousStatus(previous).build();

        assertThat(RunEvents.status(event)).isEqualTo(Optional.ofNullable(expected));
        assertThat(RunEvents.previousStatus(event)).isEqualTo(Optional.ofNullable(expectedPrevious));
    }

    @ParameterizedTest
    @CsvSource({"SUCCEEDED, true", "PARTIALLY_SUCCEEDED, false", "FAILED, false", "NOT_STARTED, false",
        "VANISHED, false", "TRACKING_STOPPED, false", "STOPPED, false"})
    void onlyAFullSuccessIsASuccess(RunOutcome outcome, boolean success) {
        assertThat(outcome.isSuccess()).isEqualTo(success);
    }
}
