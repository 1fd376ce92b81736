package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.logging.ThrottledLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RequestContextReaderTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String REQUEST = "{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"ds\"";
    private static final List<String> DEFAULT_HEADERS = List.of("traceparent", "tracestate");

    private final RunRequestParser parser = new RunRequestParser(null);

    @Test
    void carriesTheConfiguredHeadersAndTheValuesContextAndNothingElse() {
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT)
                .addString("x-other", "not carried").addInt("tracestate", 7);

        ParsedRequest parsed = parse(reader(DEFAULT_HEADERS, 2048), headers,
                REQUEST + ",\"context\":{\"dag\":\"harvest\",\"run\":\"42\"}}");

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.request()).isNotNull();
        // A header a converter read as a number comes back as Connect's string form of it.
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT),
                Map.entry("tracestate", "7"), Map.entry("dag", "harvest"), Map.entry("run", "42"));
    }

    @Test
    void aRequestWithoutContextHasNone() {
        ParsedRequest parsed = parse(reader(DEFAULT_HEADERS, 2048),
                new ConnectHeaders().addString("x-other", "v"), REQUEST + "}");

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).isEmpty();
    }

    @Test
    void readsTheContextOfStructAndMapValues() {
        Schema schema = SchemaBuilder.struct()
                .field("domainIdentifier", Schema.STRING_SCHEMA)
                .field("dataSourceIdentifier", Schema.STRING_SCHEMA)
                .field("context", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
                .build();
        Struct struct = new Struct(schema).put("domainIdentifier", "dzd_a").put("dataSourceIdentifier", "ds")
                .put("context", Map.of("dag", "harvest"));
        RequestContextReader reader = reader(DEFAULT_HEADERS, 2048);

        assertThat(parse(reader, new ConnectHeaders(), struct).context()).containsExactly(Map.entry("dag", "harvest"));
        assertThat(parse(reader, new ConnectHeaders(), Map.of("domainIdentifier", "dzd_a",
                "dataSourceIdentifier", "ds", "context", Map.of("dag", "harvest"))).context())
                .containsExactly(Map.entry("dag", "harvest"));
        assertThat(parse(reader, new ConnectHeaders(), Map.of("domainIdentifier", "dzd_a",
                "dataSourceIdentifier", "ds", "context", Map.of("attempt", 3))).problem())
                .isEqualTo("'context' must be an object of string values; got an entry of String to Integer");
    }

    @Test
    void aBadValueContextFailsTheRequestButKeepsTheValidHeaders() {
        RequestContextReader reader = reader(DEFAULT_HEADERS, 2048);
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT);

        assertBad(reader, headers, REQUEST + ",\"context\":{\"attempt\":3}}",
                "'context' must be an object of string values; got JSON number at 'attempt'");
        assertBad(reader, headers, REQUEST + ",\"context\":[\"a\"]}",
                "'context' must be an object of string values; got JSON array");
        assertBad(reader, headers, REQUEST + ",\"context\":{\"nested\":{\"a\":\"b\"}}}",
                "'context' must be an object of string values; got JSON object at 'nested'");
        assertBad(reader, headers, REQUEST + ",\"context\":{\"datazone.status\":\"x\"}}",
                "'context' key 'datazone.status' starts with 'datazone.', the prefix of the events' routing headers");
        assertBad(reader, headers, REQUEST + ",\"context\":{\"Authorization\":\"Bearer x\"}}",
                "'context' key 'Authorization' is the name of a credential, which is never carried to the events");
        assertBad(reader, headers, REQUEST + ",\"context\":{\"traceparent\":\"00-other\"}}",
                "'context' key 'traceparent' is also a request header carried as context; name it once");
    }

    @Test
    void aValueContextOverTheLimitFailsTheRequestNamingItsSizeAsJson() {
        String big = "x".repeat(100);
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT);
        int headerBytes = json("traceparent", TRACEPARENT);

        // Headers within the limit, the value's context pushing the whole over it: the headers stay.
        RequestContextReader reader = reader(DEFAULT_HEADERS, headerBytes + 50);
        assertBad(reader, headers, REQUEST + ",\"context\":{\"note\":\"" + big + "\"}}",
                "the request's context takes " + json("traceparent", TRACEPARENT, "note", big)
                        + " bytes as JSON, more than request.context.max.bytes (" + (headerBytes + 50) + ")");
        // Multi-byte characters count as their UTF-8 bytes.
        String euros = "\u20ac".repeat(20);
        assertThat(parse(reader, headers, REQUEST + ",\"context\":{\"e\":\"" + euros + "\"}}").problem())
                .contains("takes " + json("traceparent", TRACEPARENT, "e", euros) + " bytes");
        // Control characters count as their JSON escapes (6 bytes each), as the ledger and offsets store them.
        String controls = "\u0001".repeat(10);
        assertThat(parse(reader, headers, REQUEST + ",\"context\":{\"c\":\"\\u0001" + "\\u0001".repeat(9)
                + "\"}}").problem()).contains("takes " + (headerBytes + 1 + 6 + 60) + " bytes");
        assertThat(json("c", controls)).isEqualTo(8 + 60);
    }

    @Test
    void headersOverTheLimitAreLeftOutTracestateFirstAndTheRequestStillRuns() {
        List<String> configured = List.of("traceparent", "tracestate", "x-correlation-id", "x-tenant");
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT)
                .addString("tracestate", "vendor=" + "v".repeat(200)).addString("x-correlation-id", "c-1")
                .addString("x-tenant", "t-1");
        int withoutTracestate = json("traceparent", TRACEPARENT, "x-correlation-id", "c-1", "x-tenant", "t-1");

        ParsedRequest parsed = parse(reader(configured, withoutTracestate), headers, REQUEST + "}");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.request()).isNotNull();
        assertThat(parsed.context()).containsOnlyKeys("traceparent", "x-correlation-id", "x-tenant");

        // Then the other headers, the last configured first; the traceparent stays while it fits.
        parsed = parse(reader(configured, withoutTracestate - 1), headers, REQUEST + "}");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).containsOnlyKeys("traceparent", "x-correlation-id");
        parsed = parse(reader(configured, json("traceparent", TRACEPARENT)), headers, REQUEST + "}");
        assertThat(parsed.context()).containsOnlyKeys("traceparent");
        parsed = parse(reader(configured, 10), headers, REQUEST + "}");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).isEmpty();
    }

    @Test
    void aLimitOfZeroCarriesNoContextAndFailsNoRequest() {
        ParsedRequest parsed = parse(reader(DEFAULT_HEADERS, 0),
                new ConnectHeaders().addString("traceparent", TRACEPARENT),
                REQUEST + ",\"context\":{\"dag\":\"harvest\"}}");

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.request()).isNotNull();
        assertThat(parsed.context()).isEmpty();
    }

    @Test
    void valueContextKeysAreRefusedOnlyWhenTheyAreCredentialNamesNotWhenTheyContainAWordOfOne() {
        RequestContextReader reader = reader(DEFAULT_HEADERS, 2048);

        ParsedRequest parsed = parse(reader, new ConnectHeaders(), REQUEST + ",\"context\":{\"taskToken\":\"AQB8\","
                + "\"session_id\":\"s-1\",\"author\":\"ana\"}}");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).containsOnlyKeys("taskToken", "session_id", "author");
        for (String name : List.of("password", "Secret", "x-amz-security-token", "Cookie", "proxy-authorization")) {
            assertThat(parse(reader, new ConnectHeaders(), REQUEST + ",\"context\":{\"" + name + "\":\"v\"}}")
                    .problem()).as(name).isEqualTo("'context' key '" + name
                    + "' is the name of a credential, which is never carried to the events");
        }
    }

    @Test
    void credentialLookingHeadersAreNeverCarriedEvenWhenConfigured() {
        RequestContextReader reader = reader(List.of("traceparent", "authorization",
                "X-Amz-Security-Token", "cookie", "x-api-key", "x-session-id", "my-secret"), 2048);
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT)
                .addString("authorization", "Bearer abc").addString("X-Amz-Security-Token", "FwoGZXIvYXdz")
                .addString("cookie", "sid=1").addString("x-api-key", "k").addString("x-session-id", "s")
                .addString("my-secret", "s");

        ParsedRequest parsed = parse(reader, headers, REQUEST + "}");

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).containsOnlyKeys("traceparent");
        assertThat(reader.ignoredHeaderNames()).containsExactly("authorization", "X-Amz-Security-Token", "cookie",
                "x-api-key", "x-session-id", "my-secret");
    }

    /** A header converter that passes bytes through (ByteArrayConverter) must not turn a traceparent into base64. */
    @Test
    void bytesHeadersAreReadAsStrictUtf8AndTheLastOfADuplicateHeaderWins() {
        Headers headers = new ConnectHeaders().addBytes("traceparent", "00-old".getBytes(StandardCharsets.UTF_8))
                .addBytes("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));

        ParsedRequest parsed = parse(reader(DEFAULT_HEADERS, 2048), headers, REQUEST + "}");
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT));

        parsed = parse(reader(DEFAULT_HEADERS, 2048), new ConnectHeaders().addBytes("traceparent",
                new byte[] {(byte) 0xc3, (byte) 0x28}), REQUEST + "}");
        assertThat(parsed.problem()).isEqualTo("request header 'traceparent' is not UTF-8 text");
        assertThat(parsed.context()).isEmpty();
    }

    @Test
    void anUnreadableValueStillKeepsTheHeaders() {
        ParsedRequest parsed = parse(reader(DEFAULT_HEADERS, 2048),
                new ConnectHeaders().addString("traceparent", TRACEPARENT), "{not json");

        assertThat(parsed.problem()).contains("not valid JSON");
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT));
    }

    private static RequestContextReader reader(List<String> headerNames, int maxBytes) {
        return new RequestContextReader(headerNames, maxBytes, new ThrottledLog(LoggerFactory.getLogger(
                RequestContextReaderTest.class), Duration.ofHours(1), new MockTime()));
    }

    /** The size of the context of these names and values as stored: its UTF-8 JSON form. */
    private static int json(String... namesAndValues) {
        Map<String, String> context = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            context.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            return new ObjectMapper().writeValueAsBytes(context).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertBad(RequestContextReader reader, Headers headers, Object value, String problem) {
        ParsedRequest parsed = parse(reader, headers, value);
        assertThat(parsed.problem()).isEqualTo(problem);
        assertThat(parsed.request()).as("the data source is still named").isNotNull();
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT));
    }

    private ParsedRequest parse(RequestContextReader reader, Headers headers, Object value) {
        SinkRecord record = new SinkRecord("requests", 0, Schema.STRING_SCHEMA, "req-1", null, value, 5L, null, null,
                headers);
        return ParsedRequest.of(record, parser, reader);
    }
}
