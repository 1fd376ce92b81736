package io.kcdatazone.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Reads the fields of a stored source offset, naming the field that is wrong. Connect hands numbers back as
 * {@code Long} whatever was written, and offsets hold only primitive values, so collections travel as JSON text.
 */
final class OffsetFields {

    /** Reads on past fields it does not know, so offsets a later version adds to stay readable by this one. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, ?> offset;

    OffsetFields(Map<String, ?> offset) {
        this.offset = offset;
    }

    boolean has(String name) {
        return offset.get(name) != null;
    }

    int version() {
        Object version = offset.get("version");
        if (!(version instanceof Number)) {
            throw new IllegalArgumentException("offset field 'version' must be 1 or 2, got " + version);
        }
        return ((Number) version).intValue();
    }

    /** A non-negative number: a ledger offset, a count or a time. */
    long nonNegative(String name, String what) {
        Object value = offset.get(name);
        if (!(value instanceof Number) || ((Number) value).longValue() < 0) {
            throw new IllegalArgumentException("offset field '" + name + "' must be " + what + ", got " + value);
        }
        return ((Number) value).longValue();
    }

    long nonNegative(String name, String what, long absent) {
        return has(name) ? nonNegative(name, what) : absent;
    }

    String text(String name) {
        Object value = offset.get(name);
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw new IllegalArgumentException("offset field '" + name + "' must be a non-empty string, got "
                    + value);
        }
        return (String) value;
    }

    String optionalText(String name) {
        return has(name) ? text(name) : null;
    }

    boolean flag(String name) {
        Object value = offset.get(name);
        if (value != null && !(value instanceof Boolean)) {
            throw new IllegalArgumentException("offset field '" + name + "' must be true or false, got " + value);
        }
        return Boolean.TRUE.equals(value);
    }

    /** A field holding JSON text, or {@code absent} when it is missing or JSON null. */
    <T> T json(String name, TypeReference<T> type, T absent) {
        Object field = offset.get(name);
        if (field == null) {
            return absent;
        }
        if (!(field instanceof String)) {
            throw new IllegalArgumentException("offset field '" + name + "' must be a JSON string");
        }
        try {
            T value = JSON.readValue((String) field, type);
            return value != null ? value : absent;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("offset field '" + name + "' is not valid: " + e.getMessage(), e);
        }
    }

    static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the source offset", e);
        }
    }
}
