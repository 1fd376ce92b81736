package io.kcdatazone.testkit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes record values the way a Confluent Avro deserializer does: magic byte 0, a 4-byte big-endian schema id,
 * the writer schema fetched once per id from {@code GET /schemas/ids/{id}}, then Avro binary. Tests read what the
 * connectors write through this, so they see exactly what a downstream Confluent consumer would see.
 */
public final class ConfluentWireFormat {

    private static final byte MAGIC_BYTE = 0;
    private static final int HEADER_LENGTH = 1 + Integer.BYTES;

    private final CcompatClient registry;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public ConfluentWireFormat(CcompatClient registry) {
        this.registry = registry;
    }

    /** The schema id in a value's header. */
    public static int schemaId(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        if (value.length < HEADER_LENGTH || buffer.get() != MAGIC_BYTE) {
            throw new IllegalArgumentException("Not in Confluent wire format: " + value.length
                    + " bytes, first byte " + (value.length == 0 ? "none" : value[0]));
        }
        return buffer.getInt();
    }

    /** The writer schema registered under an id. */
    public Schema schema(int id) {
        return schemasById.computeIfAbsent(id, key -> new Schema.Parser().parse(registry.schemaById(key)));
    }

    /**
     * Decodes a value written with a record schema, as the connectors' events are.
     *
     * @throws IllegalArgumentException when the value is not in the wire format, not a record, or has bytes after it
     */
    public GenericRecord decode(byte[] value) {
        Object datum = decodeDatum(value);
        if (!(datum instanceof GenericRecord)) {
            throw new IllegalArgumentException("Not a record but a " + schema(schemaId(value)).getType());
        }
        return (GenericRecord) datum;
    }

    /**
     * Decodes a value of any schema: a {@link GenericRecord}, a {@link CharSequence} for a string, and so on.
     *
     * @throws IllegalArgumentException when the value is not in the wire format or has bytes after the datum
     */
    public Object decodeDatum(byte[] value) {
        Schema schema = schema(schemaId(value));
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH, null);
        try {
            Object datum = new GenericDatumReader<>(schema).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IllegalArgumentException("Bytes left after decoding a " + schema.getFullName());
            }
            return datum;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode a " + schema.getFullName(), e);
        }
    }
}
