package io.kcdatazone.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * Reads and writes the ledger's JSON records ({@link LedgerEntry} and {@link ProgressMark}): ISO-8601 timestamps,
 * unknown fields ignored, newer versions and unknown kinds refused.
 */
public final class LedgerCodec {

    private static final String KIND_FIELD = "kind";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private LedgerCodec() {
    }

    public static byte[] encode(LedgerRecord record) {
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write ledger record " + record, e);
        }
    }

    /**
     * Reads an outcome entry.
     *
     * @throws IllegalArgumentException when the bytes are not an outcome entry this version can read (a progress mark
     *     included)
     */
    public static LedgerEntry decode(byte[] bytes) {
        LedgerRecord record = decodeRecord(bytes);
        if (!(record instanceof LedgerEntry)) {
            throw new IllegalArgumentException("not a ledger entry but a " + ProgressMark.KIND);
        }
        return (LedgerEntry) record;
    }

    /**
     * Reads any ledger record: a {@link ProgressMark} when its {@code kind} says so, an outcome entry when it has no
     * {@code kind}.
     *
     * @throws IllegalArgumentException when the bytes are not a ledger record this version can read
     */
    public static LedgerRecord decodeRecord(byte[] bytes) {
        LedgerRecord record;
        try {
            JsonNode tree = MAPPER.readTree(bytes);
            if (tree == null || !tree.isObject()) {
                throw new IllegalArgumentException("not a ledger entry: not a JSON object");
            }
            JsonNode kind = tree.get(KIND_FIELD);
            if (kind == null) {
                record = MAPPER.treeToValue(tree, LedgerEntry.class);
            } else if (ProgressMark.KIND.equals(kind.asText())) {
                record = MAPPER.treeToValue(tree, ProgressMark.class);
            } else {
                throw new IllegalArgumentException("ledger record kind '" + kind.asText() + "' is not supported by"
                        + " this plugin; upgrade the source connector");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a ledger entry: " + e.getMessage(), e);
        }
        if (record.version() < 1 || record.version() > LedgerEntry.FORMAT_VERSION) {
            throw new IllegalArgumentException("ledger entry format version " + record.version()
                    + " is not supported by this plugin (reads 1.." + LedgerEntry.FORMAT_VERSION
                    + "); upgrade the source connector");
        }
        return record;
    }
}
