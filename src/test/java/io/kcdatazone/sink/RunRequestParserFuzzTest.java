package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import static io.kcdatazone.sink.RunRequestParser.DATA_SOURCE_FIELD;
import static io.kcdatazone.sink.RunRequestParser.DOMAIN_FIELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Feeds {@link RunRequestParser} a few thousand random values per kind: bytes, text, generated requests whose outcome
 * an independent oracle predicts, and mutations of those. Whatever comes in, the parser either returns ids that match
 * DataZone's patterns or throws {@link InvalidRequestException} with a short, printable message; nothing else.
 * Seeded, so a failure replays.
 */
class RunRequestParserFuzzTest {

    private static final int CASES = 3000;
    private static final long SEED = 0xF022_0005L;
    /** Long enough for a quoted id and a JSON parser's explanation; short enough for a log line or a header. */
    private static final int MAX_MESSAGE_LENGTH = 600;
    private static final Pattern DOMAIN_ID = Pattern.compile("dzd[-_][a-zA-Z0-9_-]{1,36}");
    private static final Pattern DATA_SOURCE_ID = Pattern.compile("[a-zA-Z0-9_-]{1,36}");
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    private static final String DEFAULT_DOMAIN = "dzd_default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Random random = new Random(SEED);
    private final RunRequestParser withoutDefault = new RunRequestParser(null);
    private final RunRequestParser withDefault = new RunRequestParser(DEFAULT_DOMAIN);

    @Test
    void randomBytesNeverBreakTheParser() {
        for (int i = 0; i < CASES; i++) {
            byte[] bytes = RandomText.bytes(random, 300);
            assertSafe(bytes, "bytes case " + i);
            assertSafe(ByteBuffer.wrap(bytes), "buffer case " + i);
        }
    }

    @Test
    void randomTextNeverBreaksTheParser() {
        for (int i = 0; i < CASES; i++) {
            String text = RandomText.string(random, 300);
            assertSafe(text, "text case " + i);
        }
    }

    @Test
    void generatedRequestsGetExactlyTheOutcomeTheOracleExpects() throws JsonProcessingException {
        for (int i = 0; i < CASES; i++) {
            Map<String, Object> request = randomRequest();
            boolean useDefault = random.nextBoolean();
            RunRequestParser parser = useDefault ? withDefault : withoutDefault;
            Optional<DataSourceRef> expected = expectedOutcome(request, useDefault);
            String json = JSON.writeValueAsString(request);
            for (Object value : List.of(json, json.getBytes(StandardCharsets.UTF_8), request)) {
                String context = "case " + i + " as " + value.getClass().getSimpleName() + ": "
                        + RandomText.escaped(json);
                Throwable thrown = catchThrowable(() -> {
                    DataSourceRef parsed = parser.parse(value);
                    assertThat(Optional.of(parsed)).as(context).isEqualTo(expected);
                });
                if (expected.isPresent()) {
                    assertThat(thrown).as(context).isNull();
                } else {
                    assertReadableProblem(thrown, context);
                }
            }
        }
    }

    @Test
    void mutatedRequestsNeverBreakTheParser() throws JsonProcessingException {
        for (int i = 0; i < CASES; i++) {
            String json = mutate(JSON.writeValueAsString(randomRequest()));
            assertSafe(json, "mutation case " + i);
            assertSafe(json.getBytes(StandardCharsets.UTF_8), "mutation case " + i + " as bytes");
        }
    }

    @Test
    void deeplyNestedOrHugeJsonIsRefusedWithAShortMessage() {
        assertReadableProblem(catchThrowable(() -> withoutDefault.parse("[".repeat(100_000))), "deep arrays");
        assertReadableProblem(catchThrowable(() -> withoutDefault.parse("{\"a\":".repeat(50_000))), "deep objects");
        assertReadableProblem(catchThrowable(() -> withoutDefault.parse("x".repeat(1_000_000))), "huge token");
        assertReadableProblem(catchThrowable(() -> withoutDefault.parse(
                "{\"" + DATA_SOURCE_FIELD + "\":" + "9".repeat(100_000) + "}")), "huge number");
    }

    private void assertSafe(Object value, String context) {
        for (RunRequestParser parser : List.of(withoutDefault, withDefault)) {
            Throwable thrown = catchThrowable(() -> {
                DataSourceRef parsed = parser.parse(value);
                assertThat(parsed.domainId()).as(context).matches(DOMAIN_ID);
                assertThat(parsed.dataSourceId()).as(context).matches(DATA_SOURCE_ID);
            });
            if (thrown != null) {
                assertReadableProblem(thrown, context);
            }
        }
    }

    private static void assertReadableProblem(Throwable thrown, String context) {
        assertThat(thrown).as(context).isInstanceOf(InvalidRequestException.class);
        String message = thrown.getMessage();
        assertThat(message).as(context).isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE_LENGTH);
        assertThat(message.codePoints().filter(Character::isISOControl).count())
                .as("control characters in the message of %s: %s", context, RandomText.escaped(message)).isZero();
    }

    /** A request object: each id valid, invalid, empty, null, of another JSON type, or absent; maybe extra fields. */
    private Map<String, Object> randomRequest() {
        Map<String, Object> request = new LinkedHashMap<>();
        if (random.nextInt(4) == 0) {
            request.put("note", randomJsonValue(2));
        }
        putRandomField(request, DOMAIN_FIELD, "dzd" + (random.nextBoolean() ? "_" : "-"));
        putRandomField(request, DATA_SOURCE_FIELD, "");
        if (random.nextInt(4) == 0) {
            request.put(RandomText.string(random, 12), randomJsonValue(2));
        }
        return request;
    }

    private void putRandomField(Map<String, Object> request, String field, String validPrefix) {
        switch (random.nextInt(8)) {
            case 0 -> { }
            case 1 -> request.put(field, null);
            case 2 -> request.put(field, "");
            case 3 -> request.put(field, RandomText.string(random, 50));
            case 4 -> request.put(field, randomJsonValue(1));
            case 5 -> request.put(field, validPrefix + idChars(37 + random.nextInt(5)));
            default -> request.put(field, validPrefix + idChars(1 + random.nextInt(36)));
        }
    }

    private String idChars(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    private Object randomJsonValue(int depth) {
        switch (random.nextInt(depth > 0 ? 7 : 5)) {
            case 0: return random.nextLong();
            case 1: return random.nextDouble();
            case 2: return random.nextBoolean();
            case 3: return RandomText.string(random, 20);
            case 4: return null;
            case 5: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    list.add(randomJsonValue(depth - 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    map.put(RandomText.string(random, 5), randomJsonValue(depth - 1));
                }
                return map;
            }
        }
    }

    /** What the documented rules say the request is, worked out without the parser. */
    private static Optional<DataSourceRef> expectedOutcome(Map<String, Object> request, boolean hasDefaultDomain) {
        Object domain = request.get(DOMAIN_FIELD);
        Object dataSource = request.get(DATA_SOURCE_FIELD);
        if (domain == null && hasDefaultDomain) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain instanceof String && DOMAIN_ID.matcher((String) domain).matches()
                && dataSource instanceof String && DATA_SOURCE_ID.matcher((String) dataSource).matches()) {
            return Optional.of(new DataSourceRef((String) domain, (String) dataSource));
        }
        return Optional.empty();
    }

    /** Breaks JSON the way bad producers do: cut short, a stray character, a repeated or trailing part. */
    private String mutate(String json) {
        StringBuilder text = new StringBuilder(json);
        for (int mutations = 1 + random.nextInt(3); mutations > 0 && text.length() > 0; mutations--) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(5)) {
                case 0 -> text.setLength(at);
                case 1 -> text.deleteCharAt(at);
                case 2 -> text.insert(at, RandomText.string(random, 3));
                case 3 -> text.insert(at, text.substring(at, Math.min(text.length(), at + random.nextInt(20))));
                default -> text.append(RandomText.string(random, 10));
            }
        }
        return text.toString();
    }
}
