package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * Properties of the key-to-clientToken mapping over a few thousand random keys of every type a Connect key converter
 * produces. Seeded, so a failure names its seed and replays.
 */
class ClientTokensPropertyTest {

    private static final int CASES = 3000;
    private static final long SEED = 0x5EED_0005L;
    private static final Pattern VERBATIM = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Pattern HASHED = Pattern.compile("k1-[0-9a-f]{64}");

    private final Random random = new Random(SEED);

    @Test
    void stringKeysAreVerbatimExactlyWhenPrintableAsciiOf1To128Characters() {
        for (int i = 0; i < CASES; i++) {
            String key = RandomText.string(random, random.nextInt(4) == 0 ? 200 : 140);
            if (key.isEmpty()) {
                continue;
            }
            String token = ClientTokens.fromKey(key);
            if (VERBATIM.matcher(key).matches()) {
                assertThat(token).as("case %d", i).isEqualTo(key);
            } else {
                assertThat(token).as("case %d: %s", i, RandomText.escaped(key)).matches(HASHED);
            }
            assertThat(ClientTokens.fromKey(new String(key.toCharArray()))).as("deterministic").isEqualTo(token);
        }
    }

    @Test
    void everyNonStringKeyIsHashedDeterministicallyAndNeverThrows() {
        for (int i = 0; i < CASES; i++) {
            Object key = randomKey(3);
            if (isEmptyScalar(key)) {
                assertThatThrownBy(() -> ClientTokens.fromKey(key)).isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("empty");
                continue;
            }
            String token = ClientTokens.fromKey(key);
            assertThat(token).as("case %d: %s", i, key).matches(key instanceof String ? VERBATIM_OR_HASHED : HASHED);
            assertThat(ClientTokens.fromKey(key)).as("deterministic, case %d", i).isEqualTo(token);
        }
    }

    private static final Pattern VERBATIM_OR_HASHED = Pattern.compile(VERBATIM.pattern() + "|" + HASHED.pattern());

    @Test
    void equalCanonicalValuesGiveEqualTokens() {
        for (int i = 0; i < CASES; i++) {
            Object key = randomKey(3);
            if (isEmptyScalar(key)) {
                continue;
            }
            Object twin = equivalent(key);
            assertThat(ClientTokens.fromKey(twin)).as("case %d: %s and %s", i, key, twin)
                    .isEqualTo(ClientTokens.fromKey(key));
        }
    }

    @Test
    void floatsAndDoublesAreTheirShortestDecimal() {
        for (int i = 0; i < CASES; i++) {
            // up to 6 significant digits: the shortest decimal of the float it reads as, and of the double
            String decimal = randomDecimal(6, 30);
            String token = ClientTokens.fromKey(new BigDecimal(decimal));
            assertThat(ClientTokens.fromKey(Float.parseFloat(decimal))).as("%s as a float", decimal).isEqualTo(token);
            assertThat(ClientTokens.fromKey(Double.parseDouble(decimal))).as("%s as a double", decimal)
                    .isEqualTo(token);
            // up to 15 significant digits: still the shortest decimal of the double it reads as
            String longer = randomDecimal(15, 280);
            assertThat(ClientTokens.fromKey(Double.parseDouble(longer))).as("%s as a double", longer)
                    .isEqualTo(ClientTokens.fromKey(new BigDecimal(longer)));
        }
        assertThat(ClientTokens.fromKey(1.1f)).isEqualTo(ClientTokens.fromKey(1.1d));
        assertThat(ClientTokens.fromKey(Map.of("a", 0.1f))).isEqualTo(ClientTokens.fromKey(Map.of("a", 0.1d)));
        // Java 17's Double.toString gives 1.0033623000000001E20 here; the token must not depend on the JDK
        assertThat(ClientTokens.fromKey(1.0033623E20)).isEqualTo(ClientTokens.fromKey(new BigDecimal("1.0033623E20")));
        assertThat(ClientTokens.fromKey(-0.0d)).isEqualTo(ClientTokens.fromKey(0.0f));
        assertThat(ClientTokens.fromKey(Float.NaN)).isEqualTo(ClientTokens.fromKey(Double.NaN));
    }

    private String randomDecimal(int maxDigits, int maxExponent) {
        double bound = Math.pow(10, 1 + random.nextInt(maxDigits)) - 1;
        String digits = Long.toString(1 + (long) (random.nextDouble() * bound));
        return (random.nextBoolean() ? "-" : "") + digits + "E" + (random.nextInt(2 * maxExponent + 1) - maxExponent);
    }

    @Test
    void numbersInsideStructuresAreCanonicalLikeTopLevelNumbers() {
        assertThat(ClientTokens.fromKey(Map.of("a", new BigDecimal("1.50"))))
                .isEqualTo(ClientTokens.fromKey(Map.of("a", 1.5d)));
        assertThat(ClientTokens.fromKey(List.of(new BigInteger("7"), (byte) 7)))
                .isEqualTo(ClientTokens.fromKey(List.of(7L, (short) 7)));
    }

    @Test
    void mapsWithKeysOfAnyTypeHaveAStableToken() {
        Map<Object, Object> bytesKeyed = new LinkedHashMap<>();
        bytesKeyed.put(new byte[] {1, 2}, 1);
        Map<Object, Object> sameContent = new LinkedHashMap<>();
        sameContent.put(new byte[] {1, 2}, 1);
        assertThat(ClientTokens.fromKey(bytesKeyed)).as("bytes map keys by content, not identity")
                .isEqualTo(ClientTokens.fromKey(sameContent));

        TimeZone zone = TimeZone.getDefault();
        Map<Object, Object> dateKeyed = Map.of(new Date(1_700_000_000_000L), "x");
        String token = ClientTokens.fromKey(dateKeyed);
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            assertThat(ClientTokens.fromKey(dateKeyed)).as("date map keys whatever the time zone").isEqualTo(token);
        } finally {
            TimeZone.setDefault(zone);
        }
        assertThat(ClientTokens.fromKey(Map.of(1, "a", 2L, "b")))
                .as("integer map keys as before: their decimal text")
                .isEqualTo(ClientTokens.fromKey(Map.of("1", "a", "2", "b")));

        Map<Object, Object> zeros = new LinkedHashMap<>();
        zeros.put(0.0d, "a");
        zeros.put(-0.0d, "b");
        assertThatThrownBy(() -> ClientTokens.fromKey(zeros)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("two keys of one canonical form");
    }

    @Test
    void onlyNullOrEmptyKeysAreRefused() {
        assertThatThrownBy(() -> ClientTokens.fromKey(null)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no key");
        assertThatThrownBy(() -> ClientTokens.fromKey("")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ClientTokens.fromKey(new byte[0])).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ClientTokens.fromKey(ByteBuffer.allocate(0)))
                .isInstanceOf(InvalidRequestException.class);
        // an empty structure is still a value, with a canonical form
        assertThat(ClientTokens.fromKey(Map.of())).matches(HASHED);
        assertThat(ClientTokens.fromKey(List.of())).matches(HASHED).isNotEqualTo(ClientTokens.fromKey(Map.of()));
    }

    private static boolean isEmptyScalar(Object key) {
        return "".equals(key) || key instanceof byte[] && ((byte[]) key).length == 0
                || key instanceof ByteBuffer && !((ByteBuffer) key).hasRemaining();
    }

    /** A random key of a type Connect's converters produce, nested up to {@code depth} levels. */
    private Object randomKey(int depth) {
        int kinds = depth > 0 ? 15 : 12;
        switch (random.nextInt(kinds)) {
            case 0: return RandomText.string(random, 150);
            case 1: return (byte) random.nextInt();
            case 2: return (short) random.nextInt();
            case 3: return random.nextInt();
            case 4: return random.nextLong();
            case 5: return new BigInteger(random.nextInt(200) + 1, random);
            case 6: return Float.intBitsToFloat(random.nextInt());
            case 7: return Double.longBitsToDouble(random.nextLong());
            case 8: return new BigDecimal(new BigInteger(random.nextInt(100) + 1, random), random.nextInt(40) - 20);
            case 9: return random.nextBoolean();
            case 10: return RandomText.bytes(random, 64);
            case 11: return ByteBuffer.wrap(RandomText.bytes(random, 64));
            case 12: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomKey(depth - 1));
                }
                return list;
            }
            case 13: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(RandomText.string(random, 8), randomKey(depth - 1));
                }
                return map;
            }
            default: return randomStruct(depth);
        }
    }

    private Struct randomStruct(int depth) {
        SchemaBuilder builder = SchemaBuilder.struct().name("Key" + random.nextInt(3));
        List<Object> values = new ArrayList<>();
        int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            Object value = random.nextBoolean() ? (Object) random.nextLong() : RandomText.string(random, 10);
            builder.field("f" + i,
                    value instanceof Long ? Schema.OPTIONAL_INT64_SCHEMA : Schema.OPTIONAL_STRING_SCHEMA);
            values.add(random.nextInt(5) == 0 ? null : value);
        }
        Struct struct = new Struct(builder.build());
        for (int i = 0; i < fields; i++) {
            struct.put("f" + i, values.get(i));
        }
        return struct;
    }

    /** A different object with the same canonical value: other integer widths, shuffled maps, copied buffers. */
    private Object equivalent(Object key) {
        if (key instanceof Byte || key instanceof Short || key instanceof Integer || key instanceof Long) {
            long value = ((Number) key).longValue();
            switch (random.nextInt(3)) {
                case 0: return BigInteger.valueOf(value);
                case 1: return value;
                default: return value == (int) value ? (Object) (int) value : (Object) value;
            }
        }
        if (key instanceof BigInteger && ((BigInteger) key).bitLength() < 64) {
            return ((BigInteger) key).longValue();
        }
        if (key instanceof BigDecimal) {
            return ((BigDecimal) key).setScale(((BigDecimal) key).scale() + 2);
        }
        if (key instanceof byte[]) {
            return ByteBuffer.wrap(((byte[]) key).clone());
        }
        if (key instanceof ByteBuffer) {
            ByteBuffer buffer = (ByteBuffer) key;
            byte[] bytes = new byte[buffer.remaining() + 2];
            buffer.duplicate().get(bytes, 1, buffer.remaining());
            return ByteBuffer.wrap(bytes, 1, buffer.remaining()).slice();
        }
        if (key instanceof List) {
            List<Object> copy = new ArrayList<>();
            ((List<?>) key).forEach(item -> copy.add(equivalent(item)));
            return copy;
        }
        if (key instanceof Map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(((Map<?, ?>) key).entrySet());
            Collections.shuffle(entries, random);
            Map<Object, Object> shuffled = new LinkedHashMap<>();
            entries.forEach(e -> shuffled.put(e.getKey(), equivalent(e.getValue())));
            return shuffled;
        }
        if (key instanceof Struct) {
            Struct struct = (Struct) key;
            Map<String, Object> asMap = new LinkedHashMap<>();
            struct.schema().fields().forEach(f -> asMap.put(f.name(), struct.get(f)));
            return equivalent(asMap);
        }
        if (key instanceof String) {
            return new String(((String) key).toCharArray());
        }
        return key;
    }
}
