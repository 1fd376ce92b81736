package io.kcdatazone.sink;

import io.kcdatazone.datazone.DataSourceRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class RunRequestParserTest {

    private static final DataSourceRef EXPECTED = new DataSourceRef("dzd_abc123", "ds-1");
    private final RunRequestParser parser = new RunRequestParser(null);

    @Test
    void readsEveryValueShapeConvertersProduce() {
        Schema schema = SchemaBuilder.struct()
                .field("domainIdentifier", Schema.OPTIONAL_STRING_SCHEMA)
                .field("dataSourceIdentifier", Schema.STRING_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct struct = new Struct(schema).put("domainIdentifier", "dzd_abc123").put("dataSourceIdentifier", "ds-1");
        String json = "{\"domainIdentifier\":\"dzd_abc123\",\"dataSourceIdentifier\":\"ds-1\",\"extra\":[1]}";

        assertThat(parser.parse(struct)).isEqualTo(EXPECTED);
        assertThat(parser.parse(Map.of("domainIdentifier", "dzd_abc123", "dataSourceIdentifier", "ds-1")))
                .isEqualTo(EXPECTED);
        assertThat(parser.parse(json)).isEqualTo(EXPECTED);
        assertThat(parser.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(EXPECTED);
        assertThat(parser.parse(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))).isEqualTo(EXPECTED);
    }

    @Test
    void fallsBackToTheDefaultDomainOnlyWhenTheRequestNamesNone() {
        RunRequestParser withDefault = new RunRequestParser("dzd_default");
        assertThat(withDefault.parse(Map.of("dataSourceIdentifier", "ds-1")))
                .isEqualTo(new DataSourceRef("dzd_default", "ds-1"));
        assertThat(withDefault.parse(Map.of("domainIdentifier", "dzd_abc123", "dataSourceIdentifier", "ds-1")))
                .isEqualTo(EXPECTED);
        assertThatThrownBy(() -> parser.parse(Map.of("dataSourceIdentifier", "ds-1")))
                .hasMessageContaining("no 'domainIdentifier'").hasMessageContaining("datazone.domain.identifier");
    }

    @Test
    void namesWhatIsWrong() {
        assertProblem("{not json", "not valid JSON");
        assertProblem("[1,2]", "JSON but not an object");
        assertProblem("", "(string) is empty");
        assertProblem(" \n", "(string) is empty");
        assertProblem("{\"domainIdentifier\":\"dzd_a\"}", "no 'dataSourceIdentifier'");
        assertProblem("{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":7}",
                "'dataSourceIdentifier' must be a string");
        assertProblem("{\"domainIdentifier\":\"abc\",\"dataSourceIdentifier\":\"ds\"}",
                "'domainIdentifier' 'abc' does not match DataZone's pattern");
        assertProblem("{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"ds 1\"}",
                "'dataSourceIdentifier' 'ds 1' does not match");
        assertProblem("{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"" + "x".repeat(37) + "\"}",
                "does not match");
        assertProblem("{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"\"}", "empty string");
        Map<String, Object> wrongType = new HashMap<>();
        wrongType.put("domainIdentifier", 5L);
        wrongType.put("dataSourceIdentifier", "ds");
        assertThatThrownBy(() -> parser.parse(wrongType)).hasMessageContaining("must be a string; got Long");
        assertThatThrownBy(() -> parser.parse(new byte[] {(byte) 0xC3, (byte) 0x28}))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> parser.parse(42)).hasMessageContaining("has type Integer");
    }

    @Test
    void quotesLongBadIdsOnlyInPart() {
        String huge = "{\"domainIdentifier\":\"dzd_" + "y".repeat(1_000_000) + "\",\"dataSourceIdentifier\":\"d\"}";
        assertThatThrownBy(() -> parser.parse(huge))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("(1000004 chars)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    /** A request body may carry a token or a password: a syntax error says where, not what was there. */
    @Test
    void quotesNoTokenOfInvalidJson() {
        assertThatThrownBy(() -> parser.parse("{\"domainIdentifier\":\"dzd_a\",\"context\":{\"taskToken\":s3cr3t}}"))
                .hasMessageStartingWith("the request value (string) is not valid JSON at line 1, column ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    }

    @Test
    void refusesJsonThatWouldMakeItGuess() {
        String valid = "{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"ds\"}";
        assertProblem(valid + "{\"dataSourceIdentifier\":\"other\"}", "not valid JSON");
        assertProblem(valid + " trailing", "not valid JSON");
        assertProblem("{\"domainIdentifier\":\"dzd_a\",\"dataSourceIdentifier\":\"ds\",\"dataSourceIdentifier\":\"x\"}",
                "not valid JSON at line 1, column 79: a field given twice");
        assertThat(parser.parse(valid + " \n")).as("trailing white space is fine")
                .isEqualTo(new DataSourceRef("dzd_a", "ds"));
    }

    @Test
    void quotesNoControlCharacterFromTheInput() {
        assertThatThrownBy(() -> parser.parse("xz\u007f\u0085"))
                .hasMessageContaining("not valid JSON at line 1, column ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u007f", "\\u007f", "xz"));
        assertThatThrownBy(() -> parser.parse(Map.of("domainIdentifier", "dzd_a", "dataSourceIdentifier", "a\u0085b")))
                .hasMessageContaining("'a\\u0085b' does not match");
    }

    private void assertProblem(String json, String expected) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(expected);
    }
}
