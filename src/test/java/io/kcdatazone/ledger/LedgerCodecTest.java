package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {

    private static final RequestCoordinates REQUEST = new RequestCoordinates("requests", 2, 41);
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00.123Z");

    @Test
    void roundTripsAStartedRunWithIsoTimestamps() {
        RunSnapshot run = new RunSnapshot("run1", "dzd_abc", "ds1", "prj1", "REQUESTED", "PRIORITIZED", NOW, null,
                null, NOW, null, new RunStatistics(1, 0, null, null, 2), "{\"glue\":{}}");
        LedgerEntry entry = LedgerEntry.started(REQUEST, "token-1", run, "req-id", NOW);

        byte[] bytes = LedgerCodec.encode(entry);
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).contains("\"version\":1", "\"outcome\":\"RUN_STARTED\"",
                "\"createdAt\":\"2026-11-25T12:00:00.123Z\"").doesNotContain("startedAt", "\"error\"");

        LedgerEntry decoded = LedgerCodec.decode(bytes);
        assertThat(decoded.run()).isEqualTo(run);
        assertThat(decoded.request()).isEqualTo(REQUEST);
        assertThat(decoded.clientToken()).isEqualTo("token-1");
        assertThat(decoded.ledgerKey()).isEqualTo("dzd_abc/ds1");
    }

    @Test
    void roundTripsAFailureEvenWithoutDataSource() {
        LedgerEntry entry = LedgerEntry.failed(REQUEST, null, null, null,
                new RunError("VALIDATION_EXCEPTION", "the record has no key"), null, NOW);
        LedgerEntry decoded = LedgerCodec.decode(LedgerCodec.encode(entry));
        assertThat(decoded.outcome()).isEqualTo(LedgerEntry.Outcome.RUN_START_FAILED);
        assertThat(decoded.error()).isEqualTo(entry.error());
        assertThat(decoded.ledgerKey()).isEqualTo("invalid");
    }

    @Test
    void ignoresUnknownFieldsButRefusesNewerVersions() {
        String base = "\"outcome\":\"RUN_START_FAILED\",\"requestTopic\":\"t\",\"requestPartition\":0,"
                + "\"requestOffset\":0,\"error\":{\"errorType\":\"X\"}";
        assertThat(LedgerCodec.decode(("{\"version\":1," + base + ",\"future\":true}").getBytes(StandardCharsets.UTF_8))
                .error().errorType()).isEqualTo("X");
        assertThatThrownBy(() -> LedgerCodec.decode(("{\"version\":2," + base + "}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("format version 2 is not supported");
        assertThatThrownBy(() -> LedgerCodec.decode("nope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a ledger entry");
    }

    @Test
    void roundTripsAProgressMarkAndTellsItFromAnOutcomeEntry() {
        ProgressMark mark = ProgressMark.of(List.of(new ProgressMark.Below("requests", 2, 42),
                new ProgressMark.Below("other", 0, 7)), NOW);

        byte[] bytes = LedgerCodec.encode(mark);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"kind\":\"PROGRESS_MARK\"", "\"version\":1",
                "\"below\":42").doesNotContain("outcome");

        assertThat(LedgerCodec.decodeRecord(bytes)).isEqualTo(mark);
        assertThat(LedgerCodec.decodeRecord(LedgerCodec.encode(LedgerEntry.failed(REQUEST, "t", "d", "s",
                new RunError("X", null), null, NOW)))).isInstanceOf(LedgerEntry.class);
        assertThatThrownBy(() -> LedgerCodec.decode(bytes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PROGRESS_MARK");
    }

    @Test
    void aMarkPastASlowRequestListsWhatIsPendingAndReadsAsItsContiguousPartWhereThoseFieldsAreUnknown() {
        ProgressMark mark = ProgressMark.of(List.of(new ProgressMark.Below("requests", 2, 42, 90L,
                List.of(new OffsetRange(42, 43), new OffsetRange(50, 53)))), NOW);

        byte[] bytes = LedgerCodec.encode(mark);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .contains("\"below\":42,\"until\":90,\"pending\":[[42,43],[50,53]]");
        assertThat(LedgerCodec.decodeRecord(bytes)).isEqualTo(mark);
        // How a reader that knows only "below" (the first version of marks) takes it: a true, shorter mark.
        String contiguous = new String(bytes, StandardCharsets.UTF_8).replace(",\"until\":90", "")
                .replace(",\"pending\":[[42,43],[50,53]]", "");
        assertThat(((ProgressMark) LedgerCodec.decodeRecord(contiguous.getBytes(StandardCharsets.UTF_8))).marks())
                .containsExactly(new ProgressMark.Below("requests", 2, 42));
        assertThatThrownBy(() -> new ProgressMark.Below("requests", 2, 42, 90L, List.of(new OffsetRange(40, 43))))
                .hasMessageContaining("not in order");
    }

    @Test
    void outcomeEntriesKeepTheirFormatAndEntriesWrittenBeforeMarksStillDecode() {
        // An entry as the plugin wrote it before progress marks existed.
        String old = "{\"version\":1,\"outcome\":\"RUN_START_FAILED\",\"clientToken\":\"token-1\","
                + "\"requestTopic\":\"requests\",\"requestPartition\":2,\"requestOffset\":41,"
                + "\"error\":{\"errorType\":\"CONFLICT_EXCEPTION\"},\"recordedAt\":\"2026-11-25T12:00:00.123Z\"}";

        LedgerRecord decoded = LedgerCodec.decodeRecord(old.getBytes(StandardCharsets.UTF_8));

        assertThat(decoded).isInstanceOfSatisfying(LedgerEntry.class, entry -> {
            assertThat(entry.request()).isEqualTo(REQUEST);
            assertThat(entry.error().errorType()).isEqualTo("CONFLICT_EXCEPTION");
        });
        assertThat(new String(LedgerCodec.encode((LedgerEntry) decoded), StandardCharsets.UTF_8))
                .doesNotContain("kind");
    }

    @Test
    void aReaderOlderThanProgressMarksRefusesThemAsEntriesSoItSkipsThem() throws Exception {
        // The codec of earlier versions read every record as a LedgerEntry with this mapper's settings.
        ObjectMapper olderCodec = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        byte[] mark = LedgerCodec.encode(ProgressMark.of(List.of(new ProgressMark.Below("requests", 0, 1)), NOW));

        assertThatThrownBy(() -> olderCodec.readValue(mark, LedgerEntry.class)).isInstanceOf(IOException.class)
                .hasMessageContaining("outcome");
    }

    @Test
    void recordsOfAnUnknownKindOrNewerVersionAreRefusedNamingWhy() {
        assertThatThrownBy(() -> LedgerCodec.decodeRecord("{\"version\":1,\"kind\":\"SOMETHING_NEW\"}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("kind 'SOMETHING_NEW' is not supported");
        assertThatThrownBy(() -> LedgerCodec.decodeRecord(("{\"version\":2,\"kind\":\"PROGRESS_MARK\","
                + "\"marks\":[]}").getBytes(StandardCharsets.UTF_8))).hasMessageContaining("format version 2");
        assertThatThrownBy(() -> LedgerCodec.decodeRecord("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a ledger entry");
    }
}
