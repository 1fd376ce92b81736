package io.kcdatazone.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.datazone.RunSnapshot;
import io.kcdatazone.datazone.RunSnapshot.RunError;
import io.kcdatazone.datazone.RunSnapshot.RunStatistics;
import io.kcdatazone.ledger.ProgressMark.Below;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ledger's format version 1, pinned by records as a plugin of this version wrote them, checked in under
 * {@code src/test/resources/ledger-v1/}: each decodes to what it says, and encodes back to the same bytes. A change
 * that renames, drops, retypes or reorders a field fails here, where a round trip through the same code would pass;
 * sources and sinks of different versions share the ledger during an upgrade (see {@link LedgerEntry}).
 */
class LedgerFormatV1Test {

    private static final RequestCoordinates REQUEST = new RequestCoordinates("datazone-run-requests", 2, 41);
    private static final Instant CREATED = Instant.parse("2026-11-25T12:00:00.123Z");
    private static final Instant STARTED = Instant.parse("2026-11-25T12:00:05Z");
    private static final Instant STOPPED = Instant.parse("2026-11-25T12:04:10.5Z");
    private static final Instant RECORDED = Instant.parse("2026-11-25T12:00:00.456Z");

    /** Every field of a run snapshot set, so every name is pinned. */
    private static final RunSnapshot RUN = new RunSnapshot("run_7f3a", "dzd_abc123", "sales_glue", "prj_42",
            "PARTIALLY_SUCCEEDED", "PRIORITIZED", CREATED, STARTED, STOPPED, STOPPED,
            new RunError("UNKNOWN", "2 assets could not be read"), new RunStatistics(3, 2, 1, 4, 5),
            "{\"glueRunConfiguration\":{\"dataAccessRole\":\"arn:aws:iam::123456789012:role/glue\"}}");

    @Test
    void aStartedRun() {
        LedgerEntry entry = LedgerEntry.started(REQUEST, "order-1842", RUN, "4c1b2d3e-req", RECORDED);

        assertDecodesAndEncodesBack("run-started.json", entry);
        LedgerEntry decoded = LedgerCodec.decode(fixture("run-started.json"));
        assertThat(decoded.run()).isEqualTo(RUN);
        assertThat(decoded.request()).isEqualTo(REQUEST);
        assertThat(decoded.ledgerKey()).isEqualTo("dzd_abc123/sales_glue");
    }

    /**
     * A request's context is a field added to format 1 without a version bump: entries that carry none (every other
     * fixture here, written before it existed) still decode, to no context, and encode back without the field.
     */
    @Test
    void aStartedRunCarryingItsRequestsContext() {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        context.put("dag", "harvest_sales");
        context.put("task", "refresh-catalog");
        LedgerEntry entry = LedgerEntry.started(REQUEST, "order-1842", RUN, "4c1b2d3e-req", RECORDED)
                .withContext(context);

        assertDecodesAndEncodesBack("run-started-with-context.json", entry);
        assertThat(LedgerCodec.decode(fixture("run-started-with-context.json")).context())
                .containsExactlyEntriesOf(context);
        assertThat(LedgerCodec.decode(fixture("run-started.json")).context()).isNull();
        assertThat(LedgerCodec.decode(fixture("run-start-failed.json")).context()).isNull();
    }

    /** Another writer's entry (or a hand-edited one) with null context values must not fail the source task. */
    @Test
    void aContextsNullNamesAndValuesAreLeftOut() {
        String json = new String(fixture("run-started-with-context.json"), StandardCharsets.UTF_8)
                .replace("\"dag\":\"harvest_sales\"", "\"dag\":null");
        assertThat(LedgerCodec.decode(json.getBytes(StandardCharsets.UTF_8)).context()).containsOnlyKeys(
                "traceparent", "task");
        Map<String, String> nulls = new HashMap<>();
        nulls.put(null, "x");
        nulls.put("y", null);
        assertThat(LedgerEntry.started(REQUEST, "order-1842", RUN, null, RECORDED).withContext(nulls).context())
                .isNull();
        nulls.put("z", "kept");
        assertThat(LedgerEntry.started(REQUEST, "order-1842", RUN, null, RECORDED).withContext(nulls).context())
                .containsExactly(Map.entry("z", "kept"));
    }

    @Test
    void aRunThatDidNotStart() {
        LedgerEntry entry = LedgerEntry.failed(REQUEST, "order-1843", "dzd_abc123", "sales_glue",
                new RunError("CONFLICT_EXCEPTION", "A run is in progress (gave up after 12 attempts within"
                        + " retry.timeout.ms)"), "9e8d7c6b-req", RECORDED);

        assertDecodesAndEncodesBack("run-start-failed.json", entry);
    }

    @Test
    void aRequestTooBrokenToNameItsDataSource() {
        LedgerEntry entry = LedgerEntry.failed(REQUEST, null, null, null,
                new RunError("VALIDATION_EXCEPTION", "the record has no key"), null, RECORDED);

        assertDecodesAndEncodesBack("run-start-failed-unnamed.json", entry);
        assertThat(LedgerCodec.decode(fixture("run-start-failed-unnamed.json")).ledgerKey()).isEqualTo("invalid");
    }

    @Test
    void aProgressMark() {
        ProgressMark mark = ProgressMark.of(List.of(
                new Below("datazone-run-requests", 0, 118),
                new Below("datazone-run-requests", 2, 40, 57L, List.of(new OffsetRange(41, 42),
                        new OffsetRange(50, 53)))), RECORDED);

        assertThat(LedgerCodec.decodeRecord(fixture("progress-mark.json"))).isEqualTo(mark);
        assertThat(LedgerCodec.encode(mark)).isEqualTo(fixture("progress-mark.json"));
    }

    /** Decoding the fixture yields {@code expected}, field by field, and encoding it yields the fixture's bytes. */
    private static void assertDecodesAndEncodesBack(String name, LedgerEntry expected) {
        byte[] bytes = fixture(name);
        LedgerEntry decoded = LedgerCodec.decode(bytes);

        assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
        assertThat(LedgerCodec.encode(decoded)).as(name).isEqualTo(bytes);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = LedgerFormatV1Test.class.getResourceAsStream("/ledger-v1/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture ledger-v1/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
