package io.kcdatazone.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/** Reads and writes {@link LedgerEntry} JSON: ISO-8601 timestamps, unknown fields ignored, newer versions refused. */
public final class LedgerCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private LedgerCodec() {
    }

    public static byte[] encode(LedgerEntry entry) {
        try {
            return MAPPER.writeValueAsBytes(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write ledger entry " + entry, e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a ledger entry this version can read
     */
    public static LedgerEntry decode(byte[] bytes) {
        LedgerEntry entry;
        try {
            entry = MAPPER.readValue(bytes, LedgerEntry.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a ledger entry: " + e.getMessage(), e);
        }
        if (entry.version() < 1 || entry.version() > LedgerEntry.FORMAT_VERSION) {
            throw new IllegalArgumentException("ledger entry format version " + entry.version()
                    + " is not supported by this plugin (reads 1.." + LedgerEntry.FORMAT_VERSION
                    + "); upgrade the source connector");
        }
        return entry;
    }
}
