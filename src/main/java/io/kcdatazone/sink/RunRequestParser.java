package io.kcdatazone.sink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kcdatazone.datazone.DataSourceRef;
import io.kcdatazone.datazone.DataZoneIds;
import io.kcdatazone.logging.PrintableText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads a {@link DataSourceRef} from a request record's value, whatever converter produced it: a {@link Struct} from a
 * schema'd converter (Avro, JSON Schema, Protobuf), a schemaless {@link Map}, a JSON string, or JSON bytes (UTF-8).
 *
 * <p>The value names {@value #DOMAIN_FIELD} (optional when the connector has a default domain) and
 * {@value #DATA_SOURCE_FIELD}. Other fields are ignored, so producers may carry their own metadata. Both ids are
 * checked against DataZone's patterns here, so a malformed id fails fast with a message instead of a round trip.
 */
public final class RunRequestParser {

    public static final String DOMAIN_FIELD = "domainIdentifier";
    public static final String DATA_SOURCE_FIELD = "dataSourceIdentifier";

    /**
     * Strict where leniency would guess: content after the object (two requests in one value) and a field given twice
     * (which of two data sources?) make the value invalid instead of silently taking one of them.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Jackson quotes the offending input; a bad value must not make a long log line or error header. */
    private static final int MAX_PARSER_MESSAGE = 300;

    private final Optional<String> defaultDomainId;

    /**
     * @param defaultDomainId the domain for requests that name none ({@code datazone.domain.identifier}), or null
     */
    public RunRequestParser(String defaultDomainId) {
        this.defaultDomainId = Optional.ofNullable(defaultDomainId).filter(s -> !s.isEmpty());
    }

    /**
     * Parses a non-null record value.
     *
     * @throws InvalidRequestException naming what is wrong with the value
     */
    public DataSourceRef parse(Object value) {
        FieldSource fields = fieldsOf(value);
        String domainId = fields.text(DOMAIN_FIELD).or(() -> defaultDomainId).orElseThrow(() ->
                new InvalidRequestException("the request has no '" + DOMAIN_FIELD
                        + "' and the connector sets no default domain (datazone.domain.identifier)"));
        String dataSourceId = fields.text(DATA_SOURCE_FIELD).orElseThrow(() ->
                new InvalidRequestException("the request has no '" + DATA_SOURCE_FIELD + "'"));
        DataZoneIds.checkDomainId(domainId).ifPresent(problem -> {
            throw new InvalidRequestException("'" + DOMAIN_FIELD + "' " + problem);
        });
        DataZoneIds.checkDataSourceId(dataSourceId).ifPresent(problem -> {
            throw new InvalidRequestException("'" + DATA_SOURCE_FIELD + "' " + problem);
        });
        return new DataSourceRef(domainId, dataSourceId);
    }

    private static FieldSource fieldsOf(Object value) {
        if (value instanceof Struct) {
            return structFields((Struct) value);
        }
        if (value instanceof Map) {
            return mapFields((Map<?, ?>) value);
        }
        if (value instanceof String) {
            return jsonFields((String) value, "string");
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return jsonFields(utf8(value), "bytes");
        }
        throw new InvalidRequestException("the request value has type " + value.getClass().getSimpleName()
                + "; expected a struct, a map, or a JSON object as a string or bytes");
    }

    private static FieldSource structFields(Struct struct) {
        return name -> {
            Field field = struct.schema().field(name);
            return field == null ? Optional.empty() : textOf(name, struct.get(field));
        };
    }

    private static FieldSource mapFields(Map<?, ?> map) {
        return name -> textOf(name, map.get(name));
    }

    private static FieldSource jsonFields(String json, String carrier) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the request value (" + carrier + ") is not valid JSON: "
                    + PrintableText.of(e.getOriginalMessage(), MAX_PARSER_MESSAGE));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidRequestException("the request value (" + carrier + ") is empty; expected a JSON object");
        }
        if (!tree.isObject()) {
            throw new InvalidRequestException("the request value (" + carrier + ") is JSON but not an object; got "
                    + tree.getNodeType().name().toLowerCase());
        }
        return name -> {
            JsonNode node = tree.get(name);
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            if (!node.isTextual()) {
                throw new InvalidRequestException("'" + name + "' must be a string; got JSON "
                        + node.getNodeType().name().toLowerCase());
            }
            return nonEmpty(name, node.textValue());
        };
    }

    private static Optional<String> textOf(String name, Object fieldValue) {
        if (fieldValue == null) {
            return Optional.empty();
        }
        if (!(fieldValue instanceof String)) {
            throw new InvalidRequestException("'" + name + "' must be a string; got "
                    + fieldValue.getClass().getSimpleName());
        }
        return nonEmpty(name, (String) fieldValue);
    }

    private static Optional<String> nonEmpty(String name, String text) {
        if (text.isEmpty()) {
            throw new InvalidRequestException("'" + name + "' is an empty string");
        }
        return Optional.of(text);
    }

    private static String utf8(Object bytes) {
        ByteBuffer buffer = bytes instanceof byte[]
                ? ByteBuffer.wrap((byte[]) bytes) : ((ByteBuffer) bytes).duplicate();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buffer)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("the request value (bytes) is not UTF-8 text");
        }
    }

    /** Looks up one field of the request value as text. */
    @FunctionalInterface
    private interface FieldSource {
        Optional<String> text(String name);
    }
}
