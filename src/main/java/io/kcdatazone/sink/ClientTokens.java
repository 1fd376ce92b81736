package io.kcdatazone.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Maps a request record's key to the DataZone {@code clientToken} that makes StartDataSourceRun idempotent.
 *
 * <p>The mapping is a compatibility contract: changing it would make every request redelivered after an upgrade start
 * a second run. It is pinned by test vectors ({@code ClientTokensTest}) and documented in the README:
 * <ul>
 *   <li>A string key of 1 to 128 printable ASCII characters ({@code 0x21..0x7E}, the pattern DataZone uses for client
 *       tokens elsewhere) is the token as it is.</li>
 *   <li>Every other key becomes {@code "k1-"} followed by the lower-case hex SHA-256 of a canonical form: a type tag, a
 *       colon, then the value. Tags: {@code s} UTF-8 string, {@code b} bytes, {@code i} integer (decimal, so an int
 *       and a long of equal value give one token), {@code f} float, double or BigDecimal (shortest plain decimal; a
 *       float's own, not its double's), {@code z} boolean, {@code t} date, time or timestamp (epoch milliseconds),
 *       {@code j} struct, map or list as JSON with keys sorted,
 *       bytes in base64 and decimals as above.</li>
 *   <li>A null key, an empty string and empty bytes have no token: the request is invalid.</li>
 * </ul>
 */
public final class ClientTokens {

    /** Prefix of hashed tokens; the digit is the version of the canonical form. */
    static final String HASHED_PREFIX = "k1-";

    private static final int MAX_VERBATIM_LENGTH = 128;
    private static final Pattern VERBATIM = Pattern.compile("[\\x21-\\x7E]{1," + MAX_VERBATIM_LENGTH + "}");
    private static final ObjectMapper CANONICAL_JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private ClientTokens() {
    }

    /**
     * Returns the client token for a record key.
     *
     * @throws InvalidRequestException when the key is null, empty or of a type that has no canonical form
     */
    public static String fromKey(Object key) {
        if (key == null) {
            throw new InvalidRequestException("the record has no key; the key is the request id and becomes the"
                    + " DataZone clientToken, so it is required");
        }
        if (key instanceof String) {
            String text = (String) key;
            if (text.isEmpty()) {
                throw new InvalidRequestException("the record key is an empty string; it must name the request");
            }
            return VERBATIM.matcher(text).matches() ? text : hashed("s", text.getBytes(StandardCharsets.UTF_8));
        }
        if (key instanceof byte[] || key instanceof ByteBuffer) {
            byte[] bytes = bytesOf(key);
            if (bytes.length == 0) {
                throw new InvalidRequestException("the record key is empty bytes; it must name the request");
            }
            return hashed("b", bytes);
        }
        if (key instanceof Byte || key instanceof Short || key instanceof Integer || key instanceof Long
                || key instanceof BigInteger) {
            return hashed("i", key.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (isDecimal(key)) {
            return hashed("f", canonicalDecimal((Number) key).getBytes(StandardCharsets.UTF_8));
        }
        if (key instanceof Boolean) {
            return hashed("z", key.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (key instanceof Date) {
            // Connect's Date, Time and Timestamp logical types; inside structures Jackson writes the same millis.
            return hashed("t", Long.toString(((Date) key).getTime()).getBytes(StandardCharsets.UTF_8));
        }
        if (key instanceof Struct || key instanceof Map || key instanceof Collection) {
            return hashed("j", canonicalJson(key));
        }
        throw new InvalidRequestException("the record key has type " + key.getClass().getName()
                + ", which has no canonical form for a clientToken");
    }

    private static boolean isDecimal(Object value) {
        return value instanceof Float || value instanceof Double || value instanceof BigDecimal;
    }

    /** The shortest plain decimal of a float, double or BigDecimal; NaN and the infinities as Java spells them. */
    private static String canonicalDecimal(Number value) {
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).stripTrailingZeros().toPlainString();
        }
        double asDouble = value.doubleValue();
        if (Double.isNaN(asDouble) || Double.isInfinite(asDouble)) {
            return Double.toString(asDouble);
        }
        return shortestDecimal(value).stripTrailingZeros().toPlainString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as the same float or double, the one nearest the
     * binary value when several do. A float is taken at its own precision, so 1.1f and 1.1d give one token (the double
     * of 1.1f is 1.100000023841858). Not {@code Double.toString}: before Java 19 it is not always the shortest
     * (JDK-4511638), which would make a token depend on the worker's JDK.
     */
    private static BigDecimal shortestDecimal(Number value) {
        BigDecimal exact = new BigDecimal(value.doubleValue());
        for (int digits = 1; ; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            boolean readsBack = value instanceof Float
                    ? candidate.floatValue() == value.floatValue()
                    : candidate.doubleValue() == value.doubleValue();
            if (readsBack) {
                return candidate;
            }
        }
    }

    private static byte[] canonicalJson(Object key) {
        try {
            return CANONICAL_JSON.writeValueAsBytes(toPlain(key));
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the record key cannot be written in canonical form: "
                    + e.getOriginalMessage());
        }
    }

    /** Converts structs and nested containers into sorted maps, lists and scalars Jackson writes deterministically. */
    private static Object toPlain(Object value) {
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            Map<String, Object> fields = new TreeMap<>();
            for (Field field : struct.schema().fields()) {
                fields.put(field.name(), toPlain(struct.get(field)));
            }
            return fields;
        }
        if (value instanceof Map) {
            Map<String, Object> entries = new TreeMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> {
                String name = canonicalName(k);
                if (entries.containsKey(name)) {
                    // which entry would win depends on the map's iteration order, so the token would not be stable
                    throw new InvalidRequestException("the record key is a map with two keys of one canonical form"
                            + " (such as 0.0 and -0.0), which has no stable clientToken");
                }
                entries.put(name, toPlain(v));
            });
            return entries;
        }
        if (value instanceof Collection) {
            List<Object> items = new ArrayList<>();
            ((Collection<?>) value).forEach(item -> items.add(toPlain(item)));
            return items;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Base64.getEncoder().encodeToString(bytesOf(value));
        }
        if (isDecimal(value)) {
            return canonicalDecimal((Number) value);
        }
        if (value instanceof Date) {
            return ((Date) value).getTime();
        }
        return value;
    }

    /**
     * A map key as a JSON object name: scalars as their canonical text, containers as canonical JSON. Never
     * {@code toString()}, which is an identity hash for bytes and depends on the time zone for dates.
     */
    private static String canonicalName(Object key) {
        Object plain = toPlain(key);
        if (plain == null || plain instanceof String || plain instanceof Number || plain instanceof Boolean) {
            return String.valueOf(plain);
        }
        return new String(canonicalJson(plain), StandardCharsets.UTF_8);
    }

    private static byte[] bytesOf(Object value) {
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static String hashed(String tag, byte[] canonical) {
        MessageDigest digest = sha256();
        digest.update(tag.getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(canonical);
        byte[] hash = digest.digest();
        StringBuilder token = new StringBuilder(HASHED_PREFIX.length() + 2 * hash.length).append(HASHED_PREFIX);
        for (byte b : hash) {
            token.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return token.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
