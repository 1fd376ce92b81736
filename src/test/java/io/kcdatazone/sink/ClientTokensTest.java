package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * Pins the key-to-clientToken mapping. These vectors must never change: a different token for the same key would start
 * a second run for every request redelivered after an upgrade. Each hash was computed independently with
 * {@code printf '%s' '<tag>:<canonical>' | sha256sum}.
 */
class ClientTokensTest {

    @Test
    void printableAsciiStringsUpTo128CharactersAreTheTokenAsTheyAre() {
        assertThat(ClientTokens.fromKey("request-42")).isEqualTo("request-42");
        assertThat(ClientTokens.fromKey("!~")).isEqualTo("!~");
        String longest = "a".repeat(128);
        assertThat(ClientTokens.fromKey(longest)).isEqualTo(longest);
    }

    @Test
    void otherStringsAreHashedAsUtf8() {
        assertThat(ClientTokens.fromKey("héllo"))
                .isEqualTo("k1-c1632c7d874dfd9af05a389b933c531cf50024b865bf39a31063c7ec62496d76");
        assertThat(ClientTokens.fromKey("a".repeat(129)))
                .isEqualTo("k1-e8c1e2671d83308cdfe148e27a10c0f77fa118024f8e071e86225d64901495ed");
        assertThat(ClientTokens.fromKey("has space"))
                .isEqualTo("k1-d0c8fbf4829379d184ff7d41dc6c4dddea75d5f2237cbec2a4d14807abb45a79");
    }

    @Test
    void bytesAreHashedWhateverTheirCarrier() {
        String expected = "k1-90e83e5bc90189f8c34f7666ae8def5dc1aca5934fdc7f3c1a8969bac4df83ef";
        assertThat(ClientTokens.fromKey(new byte[] {1, 2})).isEqualTo(expected);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2}, 1, 2);
        assertThat(ClientTokens.fromKey(buffer)).isEqualTo(expected);
        assertThat(buffer.position()).as("reading the key must not consume the buffer").isEqualTo(1);
    }

    @Test
    void integersOfAnyWidthGiveOneToken() {
        String expected = "k1-27bb3a27797e78e6309d2c7b6624f61f921a96ebd0777d49c2f90f081383f40e";
        assertThat(ClientTokens.fromKey(42)).isEqualTo(expected);
        assertThat(ClientTokens.fromKey(42L)).isEqualTo(expected);
        assertThat(ClientTokens.fromKey((short) 42)).isEqualTo(expected);
        assertThat(ClientTokens.fromKey((byte) 42)).isEqualTo(expected);
        assertThat(ClientTokens.fromKey(BigInteger.valueOf(42))).isEqualTo(expected);
    }

    @Test
    void floatsBooleansAndStructuresHaveCanonicalForms() {
        assertThat(ClientTokens.fromKey(1.5d))
                .isEqualTo("k1-6d1bd8c7d514365d981b3538b20b829826bf2d1e9b3c4d34574a84e854ed76c5");
        assertThat(ClientTokens.fromKey(1.5f)).isEqualTo(ClientTokens.fromKey(1.5d));
        assertThat(ClientTokens.fromKey(true))
                .isEqualTo("k1-a42b7fb6682381293d970e8c22d5edf0bc4288b80ac56d77a8b41e1796101d75");

        String expected = "k1-fa2771f22f43d817ee020aecd5ea0efea615e5ad3a1997f2676b7a4201babd64";
        Map<String, Object> reversed = new LinkedHashMap<>();
        reversed.put("b", "x");
        reversed.put("a", 1);
        assertThat(ClientTokens.fromKey(reversed)).as("map order must not matter").isEqualTo(expected);
        Schema schema = SchemaBuilder.struct().field("b", Schema.STRING_SCHEMA).field("a", Schema.INT32_SCHEMA).build();
        assertThat(ClientTokens.fromKey(new Struct(schema).put("b", "x").put("a", 1)))
                .as("a struct and a map with the same content are the same key").isEqualTo(expected);
    }

    @Test
    void datesTimesAndTimestampsAreTheirEpochMillis() {
        // printf '%s' 't:1700000000000' | sha256sum
        assertThat(ClientTokens.fromKey(new Date(1_700_000_000_000L)))
                .isEqualTo("k1-07a5f315dee4853e21bc29c50c24d9e80550dfc8a490cada566daf4087ce3df0");
        assertThat(ClientTokens.fromKey(new Date(1_700_000_000_000L)))
                .isNotEqualTo(ClientTokens.fromKey(1_700_000_000_000L));
    }

    @Test
    void distinctKeysGiveDistinctTokens() {
        assertThat(ClientTokens.fromKey("42")).isNotEqualTo(ClientTokens.fromKey(42));
        assertThat(ClientTokens.fromKey(List.of(1, 2))).isNotEqualTo(ClientTokens.fromKey(List.of(2, 1)));
        assertThat(ClientTokens.fromKey(new byte[] {1})).isNotEqualTo(ClientTokens.fromKey(new byte[] {2}));
    }

    @Test
    void hashedTokensFitDataZonesClientTokenShape() {
        assertThat(ClientTokens.fromKey("x".repeat(1_000_000))).matches("k1-[0-9a-f]{64}").hasSizeLessThan(129);
    }

    @Test
    void missingOrEmptyKeysAreInvalidNotRandom() {
        assertThatThrownBy(() -> ClientTokens.fromKey(null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no key");
        assertThatThrownBy(() -> ClientTokens.fromKey(""))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty string");
        assertThatThrownBy(() -> ClientTokens.fromKey(new byte[0]))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("empty bytes");
        assertThatThrownBy(() -> ClientTokens.fromKey(new Object()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("no canonical form");
    }
}
