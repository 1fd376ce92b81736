package io.kcdatazone.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.junit.jupiter.api.Test;

/**
 * The source offset formats, pinned by offsets as Connect stores them (its JSON converter, schemaless), checked in
 * under {@code src/test/resources/source-offset-v1/} and {@code source-offset-v2/}: each decodes to what it says, and a
 * format 2 offset encodes back to the same map. A change that renames, drops or retypes a field fails here, where a
 * round trip through the same code would pass; a restart after an upgrade reads what the previous version stored.
 */
class SourceOffsetFormatTest {

    private static final String OFFSETS_TOPIC = "connect-offsets";
    /** The converter Connect's offset store uses: JSON without schemas (see {@code OffsetStorageWriter}). */
    private static final JsonConverter CONVERTER = new JsonConverter();

    static {
        CONVERTER.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false), false);
    }
    private static final TrackedRun FORMAT_ONE_RUN = new TrackedRun("run_7f3a", "dzd_abc123", "sales_glue",
            "order-1842", "datazone-run-requests", 2, 41, "RUNNING", 1_795_608_000_123L, null);
    private static final String PROGRESS =
            "[{\"t\":\"datazone-run-requests\",\"p\":2,\"b\":40,\"w\":[41],\"n\":[43]}]";

    @Test
    void aFormatOneLedgerPartitionOffset() {
        PartitionOffset offset = PartitionOffset.parse(fixture("source-offset-v1/partition.json"));

        assertThat(offset.formatOne()).isTrue();
        assertThat(offset.position()).isEqualTo(120);
        assertThat(offset.low()).as("format 1 knows no low: its position").isEqualTo(120);
        assertThat(offset.runs()).containsExactly(FORMAT_ONE_RUN);
        assertThat(offset.recent()).containsExactly("run:run_5c2e", "order-1840-RUN_STARTED");
        assertThat(OffsetFields.toJson(offset.progress())).isEqualTo(PROGRESS);
    }

    @Test
    void aFormatTwoLedgerPartitionOffset() {
        Map<String, Object> stored = fixture("source-offset-v2/partition.json");
        PartitionOffset offset = PartitionOffset.parse(stored);

        assertThat(offset.formatOne()).isFalse();
        assertThat(offset.generation()).isEqualTo(1_795_608_000_000L);
        assertThat(offset.position()).isEqualTo(120);
        assertThat(offset.low()).isEqualTo(97);
        assertThat(offset.slots()).isEqualTo(12);
        assertThat(offset.runs()).containsExactly(FORMAT_ONE_RUN);
        assertThat(asStored(PartitionOffset.format(offset.generation(), offset.position(), offset.low(),
                offset.slots(), OffsetFields.toJson(offset.progress()), offset.runs()))).isEqualTo(stored);
    }

    @Test
    void aFormatTwoRunSlotOffset() {
        Map<String, Object> stored = fixture("source-offset-v2/slot.json");
        SlotOffset offset = SlotOffset.parse(stored);

        assertThat(offset.generation()).isEqualTo(1_795_608_000_000L);
        assertThat(offset.low()).isEqualTo(97);
        assertThat(offset.entry()).isEqualTo(104);
        assertThat(offset.ended()).isTrue();
        assertThat(offset.run()).isEqualTo(new TrackedRun("run_9b1d", "dzd_abc123", "sales_glue", "order-1850",
                "datazone-run-requests", 2, 49, "SUCCESS", 1_795_608_030_000L, null));
        assertThat(asStored(SlotOffset.format(offset.generation(), offset.low(), offset.entry(), offset.ended(),
                offset.run()))).isEqualTo(stored);
    }

    @Test
    void theKeysAreConnectsSourcePartitionsAsBefore() {
        assertThat(PartitionOffset.key("datazone-run-ledger", 3))
                .isEqualTo(Map.of("ledgerTopic", "datazone-run-ledger", "ledgerPartition", 3));
        assertThat(SlotOffset.key("datazone-run-ledger", 3, 7))
                .isEqualTo(Map.of("ledgerTopic", "datazone-run-ledger", "ledgerPartition", 3, "slot", 7));
        assertThat(List.of(PartitionOffset.VERSION_1, PartitionOffset.VERSION)).containsExactly(1, 2);
    }

    /**
     * What Connect hands back after storing {@code offset}: the worker's offset store writes it with a schemaless
     * {@link JsonConverter} and reads it back with the same converter (whole numbers come back as {@code Long}).
     */
    private static Map<String, Object> asStored(Map<String, Object> offset) {
        return read(CONVERTER.fromConnectData(OFFSETS_TOPIC, null, offset));
    }

    /** A fixture holds the bytes of a stored offset, as the offsets topic holds them. */
    private static Map<String, Object> fixture(String name) {
        try (InputStream in = SourceOffsetFormatTest.class.getClassLoader().getResourceAsStream(name)) {
            return read(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(byte[] stored) {
        return (Map<String, Object>) CONVERTER.toConnectData(OFFSETS_TOPIC, stored).value();
    }
}
