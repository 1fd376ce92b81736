package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
}
