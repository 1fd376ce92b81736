package io.kcdatazone.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RequestContextReaderTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String REQUEST = "{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"ds\"";
    private static final List<String> DEFAULT_HEADERS = List.of("traceparent", "tracestate");

    private final RunRequestParser parser = new RunRequestParser(null);

    @Test
    void carriesTheConfiguredHeadersAndTheValuesContextAndNothingElse() {
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT)
                .addString("x-other", "not carried").addInt("tracestate", 7);

        ParsedRequest parsed = parse(new RequestContextReader(DEFAULT_HEADERS, 2048), headers,
                REQUEST + ",\"context\":{\"dag\":\"harvest\",\"run\":\"42\"}}");

        assertThat(parsed.problem()).isNull();
        assertThat(parsed.request()).isNotNull();
        // A header a converter read as a number comes back as Connect's string form of it.
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT),
                Map.entry("tracestate", "7"), Map.entry("dag", "harvest"), Map.entry("run", "42"));
    }

    @Test
    void aRequestWithoutContextHasNone() {
        ParsedRequest parsed = parse(new RequestContextReader(DEFAULT_HEADERS, 2048),
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
        RequestContextReader reader = new RequestContextReader(DEFAULT_HEADERS, 2048);

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
        RequestContextReader reader = new RequestContextReader(DEFAULT_HEADERS, 2048);
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
                "'context' key 'Authorization' looks like a credential, which is never carried to the events");
        assertBad(reader, headers, REQUEST + ",\"context\":{\"traceparent\":\"00-other\"}}",
                "'context' key 'traceparent' is also a request header carried as context; name it once");
    }

    @Test
    void aContextOverTheLimitFailsTheRequestNamingItsSize() {
        String big = "x".repeat(100);
        Headers headers = new ConnectHeaders().addString("traceparent", TRACEPARENT);
        int headerBytes = "traceparent".length() + TRACEPARENT.length();

        // Headers within the limit, the value's context pushing the whole over it: the headers stay.
        RequestContextReader reader = new RequestContextReader(DEFAULT_HEADERS, headerBytes + 50);
        assertBad(reader, headers, REQUEST + ",\"context\":{\"note\":\"" + big + "\"}}",
                "the request's context takes " + (headerBytes + 104) + " bytes, more than request.context.max.bytes ("
                        + (headerBytes + 50) + ")");
        // Multi-byte characters count as their UTF-8 bytes.
        String euros = "\u20ac".repeat(20);
        assertThat(parse(reader, headers, REQUEST + ",\"context\":{\"e\":\"" + euros + "\"}}").problem())
                .contains("takes " + (headerBytes + 1 + euros.getBytes(StandardCharsets.UTF_8).length) + " bytes");

        // Headers alone over it: nothing is carried.
        ParsedRequest parsed = parse(new RequestContextReader(DEFAULT_HEADERS, 10), headers, REQUEST + "}");
        assertThat(parsed.problem()).isEqualTo("the context request headers take " + headerBytes
                + " bytes, more than request.context.max.bytes (10)");
        assertThat(parsed.context()).isEmpty();
        assertThat(parsed.request()).isNotNull();
    }

    @Test
    void credentialLookingHeadersAreNeverCarriedEvenWhenConfigured() {
        RequestContextReader reader = new RequestContextReader(List.of("traceparent", "authorization",
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

    @Test
    void anUnreadableValueStillKeepsTheHeaders() {
        ParsedRequest parsed = parse(new RequestContextReader(DEFAULT_HEADERS, 2048),
                new ConnectHeaders().addString("traceparent", TRACEPARENT), "{not json");

        assertThat(parsed.problem()).contains("not valid JSON");
        assertThat(parsed.context()).containsExactly(Map.entry("traceparent", TRACEPARENT));
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
