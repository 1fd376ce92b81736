package io.kcdatazone.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.Arrays;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class EnumNamesTest {

    @Test
    void everyKnownNameReadsAsItself() {
        Arrays.stream(EventType.values()).forEach(type -> assertThat(EventType.of(type.name())).isSameAs(type));
        Arrays.stream(RunStatus.values()).forEach(status -> assertThat(RunStatus.of(status.name())).isSameAs(status));
        Arrays.stream(LineageImportStatus.values())
                .forEach(status -> assertThat(LineageImportStatus.of(status.name())).isSameAs(status));
    }

    @Test
    void newerValuesReadAsUnknown() {
        assertThat(EventType.of("RUN_CANCELLED")).isSameAs(EventType.UNKNOWN);
        assertThat(RunStatus.of("CANCELLED")).isSameAs(RunStatus.UNKNOWN);
        assertThat(LineageImportStatus.of("QUEUED")).isSameAs(LineageImportStatus.UNKNOWN);
        // Names are exact, as DataZone's and the connector's are.
        assertThat(RunStatus.of("success")).isSameAs(RunStatus.UNKNOWN);
        assertThat(RunStatus.of("")).isSameAs(RunStatus.UNKNOWN);
    }

    @Test
    void readsAvrosOwnStrings() {
        // A generic or CharSequence-typed reader hands Utf8, not String.
        assertThat(RunStatus.of(new Utf8("PARTIALLY_SUCCEEDED"))).isSameAs(RunStatus.PARTIALLY_SUCCEEDED);
        assertThat(EventType.of(new Utf8("RUN_VANISHED"))).isSameAs(EventType.RUN_VANISHED);
    }

    @Test
    void onlyTheDocumentedEndsAreTerminalStatuses() {
        assertThat(Arrays.stream(RunStatus.values()).filter(RunStatus::isTerminal))
                .containsExactly(RunStatus.SUCCESS, RunStatus.PARTIALLY_SUCCEEDED, RunStatus.FAILED);
    }

    @Test
    void nullIsNoName() {
        assertThatNullPointerException().isThrownBy(() -> EventType.of(null));
        assertThatNullPointerException().isThrownBy(() -> RunStatus.of(null));
    }
}
