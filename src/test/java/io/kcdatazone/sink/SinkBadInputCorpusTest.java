package io.kcdatazone.sink;

import static io.kcdatazone.sink.SinkScenario.DOMAIN;
import static io.kcdatazone.sink.SinkScenario.SALES;
import static io.kcdatazone.sink.SinkScenario.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.LedgerEntry.Outcome;
import io.kcdatazone.ledger.RequestCoordinates;
import io.kcdatazone.sink.SinkScenario.Sent;
import io.kcdatazone.testkit.KafkaConnectStack;
import io.kcdatazone.testkit.SimulatorService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A corpus of bad and odd request records, each with its expected outcome written down, run through a real worker
 * under {@code errors.tolerance=none} and {@code =all}.
 *
 * <p>Converters: values always through {@link ByteArrayConverter}, so every value reaches the task and the connector
 * itself reports what is wrong (a value a converter cannot read never reaches the task: Connect's own behaviour).
 * Keys through {@link StringConverter} for the string corpus, and through {@link JsonConverter} with
 * {@code schemas.enable=true} for the typed corpus, which yields every Connect type: int8 to int64, float32, float64,
 * boolean, string, bytes, array, map, struct and the Decimal and Timestamp logical types.
 */
class SinkBadInputCorpusTest {

    @RegisterExtension
    static final KafkaConnectStack STACK = KafkaConnectStack.builder()
            .service(SimulatorService.startingEveryRun())
            .build();

    /** Big, yet below the producer's and the broker's default limit of 1 MiB per record, DLQ headers included. */
    private static final int ONE_MB = 1_000_000;
    private static final String VALID = request(DOMAIN, SALES);
    private static final String TOKEN_42 = "k1-27bb3a27797e78e6309d2c7b6624f61f921a96ebd0777d49c2f90f081383f40e";
    private static final String TOKEN_1_5 = "k1-6d1bd8c7d514365d981b3538b20b829826bf2d1e9b3c4d34574a84e854ed76c5";

    /** What the ledger says about a request. */
    enum Expect {
        /** {@code RUN_STARTED}; not dead-lettered. */
        RUN_STARTED,
        /** {@code RUN_START_FAILED} / {@code VALIDATION_EXCEPTION}, the detail naming the problem; dead-lettered under
         * {@code errors.tolerance=all}. */
        INVALID,
        /** No ledger entry, offset committed; not dead-lettered. */
        TOMBSTONE_SKIPPED
    }

    /**
     * One corpus case: the record as produced and what must come of it.
     *
     * @param detail for {@link Expect#INVALID} a fragment of the error detail; for {@link Expect#RUN_STARTED} the
     *               expected client token, or null when any token will do
     */
    record Case(String name, byte[] key, byte[] value, List<Header> headers, Expect expect, String detail) {
        boolean deadLetteredUnderToleranceAll() {
            return expect == Expect.INVALID;
        }
    }

    /** Keys as strings ({@link StringConverter}), values as bytes: odd keys, every kind of broken value, headers. */
    private static final List<Case> STRING_KEYED = List.of(
            started("plain", "plain", VALID, "plain"),
            invalid("null key", null, VALID, "the record has no key"),
            invalid("empty key", "", VALID, "the record key is an empty string"),
            started("1 MB key", "k".repeat(ONE_MB), VALID, null),
            new Case("non-UTF-8 key", bytes(0xFF, 0xFE, 'A'), utf8(VALID), List.of(), Expect.RUN_STARTED,
                    // StringConverter replaces malformed bytes with U+FFFD, so the token hashes "\uFFFD\uFFFDA"
                    ClientTokens.fromKey("\uFFFD\uFFFDA")),
            started("key with space and newline", "key with\nnewline", VALID,
                    ClientTokens.fromKey("key with\nnewline")),
            started("key of 129 printable chars", "q".repeat(129), VALID, ClientTokens.fromKey("q".repeat(129))),
            started("key of 128 printable chars", "r".repeat(128), VALID, "r".repeat(128)),
            tombstone("tombstone", "tombstone"),
            tombstone("tombstone without key", null),
            invalid("empty value", "empty-value", "", "(bytes) is empty"),
            invalid("white space value", "blank-value", " \n\t", "(bytes) is empty"),
            invalid("invalid JSON", "invalid-json", "{not json", "not valid JSON"),
            invalid("JSON array", "json-array", "[" + VALID + "]", "not an object; got array"),
            invalid("JSON number", "json-number", "42", "not an object; got number"),
            invalid("JSON string", "json-string", "\"" + SALES + "\"", "not an object; got string"),
            invalid("JSON null", "json-null", "null", "not an object; got null"),
            invalid("JSON with a comment", "json-comment", "/* c */" + VALID, "not valid JSON"),
            invalid("two objects", "two-objects", VALID + VALID, "not valid JSON"),
            invalid("trailing garbage", "trailing", VALID + " x", "not valid JSON"),
            invalid("duplicate field", "duplicate",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":\"sales_glue\","
                            + "\"dataSourceIdentifier\":\"orders_glue\"}", "a field given twice"),
            invalid("deeply nested", "nested", "[".repeat(5000), "not valid JSON"),
            invalid("UTF-8 byte order mark", "bom", "\uFEFF" + VALID, "not valid JSON"),
            invalid("data source id a number", "ds-number",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":7}",
                    "'dataSourceIdentifier' must be a string; got JSON number"),
            invalid("domain id an object", "domain-object",
                    "{\"domainIdentifier\":{\"id\":\"dzd_demo\"},\"dataSourceIdentifier\":\"sales_glue\"}",
                    "'domainIdentifier' must be a string; got JSON object"),
            invalid("data source id a boolean", "ds-boolean",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":true}",
                    "'dataSourceIdentifier' must be a string; got JSON boolean"),
            invalid("no data source id", "no-ds", "{\"domainIdentifier\":\"dzd_demo\"}",
                    "no 'dataSourceIdentifier'"),
            invalid("no domain id and no default", "no-domain", "{\"dataSourceIdentifier\":\"sales_glue\"}",
                    "no 'domainIdentifier'"),
            invalid("empty object", "empty-object", "{}", "no 'domainIdentifier'"),
            invalid("data source id null", "ds-null",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":null}",
                    "no 'dataSourceIdentifier'"),
            invalid("empty data source id", "ds-empty", request(DOMAIN, ""),
                    "'dataSourceIdentifier' is an empty string"),
            invalid("empty domain id", "domain-empty", request("", SALES), "'domainIdentifier' is an empty string"),
            invalid("data source id too long", "ds-long", request(DOMAIN, "s".repeat(37)),
                    "'dataSourceIdentifier' '" + "s".repeat(37) + "' does not match"),
            invalid("data source id with bad chars", "ds-chars", request(DOMAIN, "sales glue!"),
                    "'dataSourceIdentifier' 'sales glue!' does not match"),
            invalid("data source id with a NUL", "ds-nul", request(DOMAIN, "sales\\u0000"),
                    "'sales\\u0000' does not match"),
            invalid("domain id without dzd prefix", "domain-prefix", request("abc_123", SALES),
                    "'domainIdentifier' 'abc_123' does not match"),
            invalid("domain id only a prefix", "domain-only-prefix", request("dzd_", SALES),
                    "'domainIdentifier' 'dzd_' does not match"),
            invalid("domain id too long", "domain-long", request("dzd_" + "d".repeat(37), SALES),
                    "'domainIdentifier'"),
            started("unknown extra fields", "extra-fields",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":\"sales_glue\","
                            + "\"note\":{\"a\":[1,null]},\"priority\":7}", "extra-fields"),
            started("1 MB value", "big-value",
                    "{\"domainIdentifier\":\"dzd_demo\",\"dataSourceIdentifier\":\"sales_glue\",\"pad\":\""
                            + "p".repeat(ONE_MB) + "\"}", "big-value"),
            invalid("1 MB invalid value", "big-invalid", "x".repeat(ONE_MB), "not valid JSON"),
            new Case("non-UTF-8 value", utf8("non-utf8-value"), bytes(0x7B, 0xC3, 0x28, 0x7D), List.of(),
                    Expect.INVALID, "(bytes) is not UTF-8 text"),
            invalid("no key and invalid JSON", null, "{oops", "the record has no key; the key is the request id"),
            new Case("headers with odd bytes", utf8("odd-headers"), utf8(VALID), List.of(
                    new RecordHeader("binary", bytes(0xFF, 0x00, 0xFE, 0x80)),
                    new RecordHeader("null-value", null),
                    new RecordHeader("", utf8("empty name")),
                    new RecordHeader("h\u00e9\nader", utf8("[{\"unclosed")),
                    new RecordHeader("brace", utf8("{")),
                    new RecordHeader("bracket", utf8("["))),
                    Expect.RUN_STARTED, "odd-headers"));

    /** Keys of every Connect type ({@link JsonConverter} with schemas), each with a valid value. */
    private static final List<Case> TYPED_KEYS = List.of(
            typed("int8 key", "{\"type\":\"int8\"}", "42", TOKEN_42),
            typed("int16 key", "{\"type\":\"int16\"}", "42", TOKEN_42),
            typed("int32 key", "{\"type\":\"int32\"}", "42", TOKEN_42),
            typed("int64 key", "{\"type\":\"int64\"}", "42", TOKEN_42),
            typed("float32 key", "{\"type\":\"float\"}", "1.5", TOKEN_1_5),
            typed("float64 key", "{\"type\":\"double\"}", "1.5", TOKEN_1_5),
            typed("float32 key not exact in binary", "{\"type\":\"float\"}", "1.1", ClientTokens.fromKey(1.1d)),
            typed("decimal key", "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
                    + "\"parameters\":{\"scale\":\"2\"}}", "1.50", TOKEN_1_5),
            typed("boolean key", "{\"type\":\"boolean\"}", "true",
                    "k1-a42b7fb6682381293d970e8c22d5edf0bc4288b80ac56d77a8b41e1796101d75"),
            typed("string key", "{\"type\":\"string\"}", "\"typed-string\"", "typed-string"),
            typed("bytes key", "{\"type\":\"bytes\"}", "\"AQI=\"",
                    "k1-90e83e5bc90189f8c34f7666ae8def5dc1aca5934fdc7f3c1a8969bac4df83ef"),
            typed("array key", "{\"type\":\"array\",\"items\":{\"type\":\"int32\"}}", "[1,2]",
                    ClientTokens.fromKey(List.of(1, 2))),
            typed("map key", "{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}}",
                    "{\"b\":\"x\",\"a\":\"y\"}", ClientTokens.fromKey(Map.of("a", "y", "b", "x"))),
            typed("map key with bytes keys", "{\"type\":\"map\",\"keys\":{\"type\":\"bytes\"},"
                    + "\"values\":{\"type\":\"int32\"}}", "[[\"AQI=\",1]]",
                    ClientTokens.fromKey(Map.of(bytes(1, 2), 1))),
            typed("struct key", "{\"type\":\"struct\",\"fields\":[{\"field\":\"b\",\"type\":\"string\"},"
                    + "{\"field\":\"a\",\"type\":\"int32\"}]}", "{\"b\":\"x\",\"a\":1}",
                    "k1-fa2771f22f43d817ee020aecd5ea0efea615e5ad3a1997f2676b7a4201babd64"),
            typed("timestamp key", "{\"type\":\"int64\",\"name\":\"org.apache.kafka.connect.data.Timestamp\"}",
                    "1700000000000", "k1-07a5f315dee4853e21bc29c50c24d9e80550dfc8a490cada566daf4087ce3df0"),
            new Case("empty bytes key", utf8("{\"schema\":{\"type\":\"bytes\"},\"payload\":\"\"}"), utf8(VALID),
                    List.of(), Expect.INVALID, "the record key is empty bytes"),
            new Case("null key with a schema", utf8("{\"schema\":{\"type\":\"string\",\"optional\":true},"
                    + "\"payload\":null}"), utf8(VALID), List.of(), Expect.INVALID, "the record has no key"),
            new Case("typed key, invalid value", utf8("{\"schema\":{\"type\":\"int32\"},\"payload\":7}"),
                    utf8("[]"), List.of(), Expect.INVALID, "not an object; got array"));

    enum Tolerance {
        NONE, ALL;

        String setting() {
            return name().toLowerCase();
        }
    }

    @ParameterizedTest
    @EnumSource(Tolerance.class)
    void everyCaseMeetsItsWrittenOutcomeAndTheTaskKeepsRunning(Tolerance tolerance) {
        assertThat(STRING_KEYED.size() + TYPED_KEYS.size()).isGreaterThanOrEqualTo(30);
        String prefix = "corpus-" + tolerance.setting();
        try (SinkScenario strings = scenario(prefix + "-string-keys", tolerance, Map.of(
                        "key.converter", StringConverter.class.getName()));
             SinkScenario typed = scenario(prefix + "-typed-keys", tolerance, Map.of(
                     "key.converter", JsonConverter.class.getName(), "key.converter.schemas.enable", "true"))) {
            Map<Case, Sent> sentStrings = sendAll(strings, STRING_KEYED);
            Map<Case, Sent> sentTyped = sendAll(typed, TYPED_KEYS);

            verify(strings, sentStrings, tolerance);
            verify(typed, sentTyped, tolerance);
        }
    }

    /**
     * A bad record near the brokers' size limit grows past it in the dead letter queue, by Connect's context headers.
     * Connect then fails the task (or, when the producer refuses it first, drops the dead letter), so the docs ask
     * for headroom on the dead letter queue; this is that configuration working.
     */
    @Test
    void aBadRecordNearTheSizeLimitReachesADeadLetterQueueWithHeadroom() {
        try (SinkScenario sink = SinkScenario.create(STACK, "near-limit", 1)) {
            String deadLetters = deadLetterTopic(sink);
            STACK.connect().kafka().createTopic(deadLetters, 1, 1, Map.of("max.message.bytes", "2097152"));
            sink.with("value.converter", ByteArrayConverter.class.getName())
                    .with("errors.tolerance", "all")
                    .with("errors.deadletterqueue.topic.name", deadLetters)
                    .with("errors.deadletterqueue.context.headers.enable", "true")
                    .with("producer.override.max.request.size", "2097152")
                    .start();
            byte[] nearLimit = utf8("x".repeat(1_048_000));
            Sent bad = sink.send(0, utf8("near-limit"), nearLimit, List.of());
            sink.send("after-near-limit", VALID);

            sink.awaitEveryOutcome();
            sink.awaitOffsetsCommittedToTheEnd();
            assertThat(sink.outcomesOf(bad)).singleElement()
                    .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.RUN_START_FAILED));
            assertThat(deadLetters(sink).get(bad.coordinates().offset()).value()).isEqualTo(nearLimit);
            ConnectorStateInfo status = STACK.connect().connectorStatus(sink.name());
            assertThat(status.tasks()).extracting(ConnectorStateInfo.TaskState::state).containsOnly("RUNNING");
        }
    }

    private static SinkScenario scenario(String name, Tolerance tolerance, Map<String, String> keyConverter) {
        SinkScenario sink = SinkScenario.create(STACK, name, 1);
        // a DLQ topic in both modes, so the test sees that tolerance=none sends nothing there
        return sink.with(keyConverter)
                .with("value.converter", ByteArrayConverter.class.getName())
                .with("errors.tolerance", tolerance.setting())
                .with("errors.deadletterqueue.topic.name", deadLetterTopic(sink))
                .with("errors.deadletterqueue.topic.replication.factor", "1")
                .with("errors.deadletterqueue.context.headers.enable", "true")
                .start();
    }

    private static Map<Case, Sent> sendAll(SinkScenario sink, List<Case> cases) {
        Map<Case, Sent> sent = new LinkedHashMap<>();
        cases.forEach(c -> sent.put(c, sink.send(0, c.key(), c.value(), c.headers())));
        return sent;
    }

    private static void verify(SinkScenario sink, Map<Case, Sent> sent, Tolerance tolerance) {
        sink.awaitEveryOutcome();
        sink.awaitOffsetsCommittedToTheEnd();
        Map<RequestCoordinates, List<LedgerEntry>> ledger = sink.ledgerEntries().stream()
                .collect(Collectors.groupingBy(LedgerEntry::request));
        sent.forEach((c, s) -> {
            List<LedgerEntry> entries = ledger.getOrDefault(s.coordinates(), List.of());
            String what = sink.name() + ": " + c.name();
            switch (c.expect()) {
                case TOMBSTONE_SKIPPED -> assertThat(entries).as(what).isEmpty();
                case RUN_STARTED -> assertThat(entries).as(what).singleElement().satisfies(e -> {
                    assertThat(e.outcome()).as(what).isEqualTo(Outcome.RUN_STARTED);
                    if (c.detail() != null) {
                        assertThat(e.clientToken()).as(what).isEqualTo(c.detail());
                    }
                });
                case INVALID -> assertThat(entries).as(what).singleElement().satisfies(e -> {
                    assertThat(e.outcome()).as(what).isEqualTo(Outcome.RUN_START_FAILED);
                    assertThat(e.error().errorType()).as(what).isEqualTo("VALIDATION_EXCEPTION");
                    assertThat(e.error().errorDetail()).as(what).contains(c.detail()).hasSizeLessThan(1000);
                });
            }
        });

        Map<Long, ConsumerRecord<byte[], byte[]>> deadLettered = deadLetters(sink);
        Set<Long> expected = sent.entrySet().stream()
                .filter(e -> tolerance == Tolerance.ALL && e.getKey().deadLetteredUnderToleranceAll())
                .map(e -> e.getValue().coordinates().offset())
                .collect(Collectors.toSet());
        assertThat(deadLettered.keySet()).as("offsets in the dead letter queue of %s", sink.name())
                .containsExactlyInAnyOrderElementsOf(expected);
        sent.forEach((c, s) -> {
            ConsumerRecord<byte[], byte[]> dead = deadLettered.get(s.coordinates().offset());
            if (dead != null) {
                assertThat(dead.value()).as("the dead letter of %s is the record as read", c.name())
                        .isEqualTo(c.value());
                assertThat(header(dead, "__connect.errors.exception.message")).as(c.name()).contains(c.detail());
            }
        });

        ConnectorStateInfo status = STACK.connect().connectorStatus(sink.name());
        assertThat(status.connector().state()).isEqualTo("RUNNING");
        assertThat(status.tasks()).extracting(ConnectorStateInfo.TaskState::state).containsOnly("RUNNING");
    }

    /** Every record in the connector's dead letter queue, by the request offset its context header names. */
    private static Map<Long, ConsumerRecord<byte[], byte[]>> deadLetters(SinkScenario sink) {
        Map<Long, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic(sink), Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // offsets are committed to the end, and Connect commits only after its dead letters are acknowledged
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            SinkScenario.await("dead letter queue of " + sink.name() + " read up to " + end).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            read.forEach(r -> {
                assertThat(header(r, "__connect.errors.topic")).isEqualTo(sink.requestTopic());
                byOffset.put(Long.parseLong(header(r, "__connect.errors.offset")), r);
            });
        }
        return byOffset;
    }

    private static String deadLetterTopic(SinkScenario sink) {
        return sink.name() + "-dlq";
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Case started(String name, String key, String value, String token) {
        return new Case(name, utf8(key), utf8(value), List.of(), Expect.RUN_STARTED, token);
    }

    private static Case invalid(String name, String key, String value, String detail) {
        return new Case(name, utf8(key), utf8(value), List.of(), Expect.INVALID, detail);
    }

    private static Case tombstone(String name, String key) {
        return new Case(name, utf8(key), null, List.of(), Expect.TOMBSTONE_SKIPPED, null);
    }

    private static Case typed(String name, String schema, String payload, String token) {
        return new Case(name, utf8("{\"schema\":" + schema + ",\"payload\":" + payload + "}"), utf8(VALID),
                List.of(), Expect.RUN_STARTED, token);
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
