package io.kcdatazone.sink;

import com.fasterxml.jackson.core.JsonLocation;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
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
    /** The optional object of string values the requester wants back on the request's events. */
    public static final String CONTEXT_FIELD = "context";

    /**
     * Strict where leniency would guess: content after the object (two requests in one value) and a field given twice
     * (which of two data sources?) make the value invalid instead of silently taking one of them.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** How Jackson's strict duplicate detection begins its message. */
    private static final String DUPLICATE_FIELD = "Duplicate field";
    /** A context key named in an error: keys are the requester's, not bounded by anything before the size check. */
    private static final int MAX_CONTEXT_KEY_SHOWN = 64;

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
        return dataSource(fields(value));
    }

    /**
     * Reads a non-null record value's fields, once for {@link #dataSource} and {@link Fields#context}.
     *
     * @throws InvalidRequestException when the value is no object of fields at all
     */
    public Fields fields(Object value) {
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

    /**
     * The data source the fields name.
     *
     * @throws InvalidRequestException naming what is wrong with the fields
     */
    public DataSourceRef dataSource(Fields fields) {
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

    private static Fields structFields(Struct struct) {
        return new Fields() {
            @Override
            public Optional<String> text(String name) {
                return textOf(name, valueOf(name));
            }

            @Override
            public Optional<Map<String, String>> context() {
                return contextOf(valueOf(CONTEXT_FIELD));
            }

            private Object valueOf(String name) {
                Field field = struct.schema().field(name);
                return field == null ? null : struct.get(field);
            }
        };
    }

    private static Fields mapFields(Map<?, ?> map) {
        return new Fields() {
            @Override
            public Optional<String> text(String name) {
                return textOf(name, map.get(name));
            }

            @Override
            public Optional<Map<String, String>> context() {
                return contextOf(map.get(CONTEXT_FIELD));
            }
        };
    }

    private static Fields jsonFields(String json, String carrier) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("the request value (" + carrier + ") is not valid JSON" + where(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidRequestException("the request value (" + carrier + ") is empty; expected a JSON object");
        }
        if (!tree.isObject()) {
            throw new InvalidRequestException("the request value (" + carrier + ") is JSON but not an object; got "
                    + tree.getNodeType().name().toLowerCase());
        }
        return new Fields() {
            @Override
            public Optional<String> text(String name) {
                JsonNode node = tree.get(name);
                if (node == null || node.isNull()) {
                    return Optional.empty();
                }
                if (!node.isTextual()) {
                    throw new InvalidRequestException("'" + name + "' must be a string; got JSON "
                            + jsonType(node));
                }
                return nonEmpty(name, node.textValue());
            }

            @Override
            public Optional<Map<String, String>> context() {
                JsonNode node = tree.get(CONTEXT_FIELD);
                if (node == null || node.isNull()) {
                    return Optional.empty();
                }
                if (!node.isObject()) {
                    throw notStringToString("JSON " + jsonType(node));
                }
                Map<String, String> context = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (!entry.getValue().isTextual()) {
                        throw notStringToString("JSON " + jsonType(entry.getValue()) + " at '" + PrintableText.of(
                                entry.getKey(), MAX_CONTEXT_KEY_SHOWN) + "'");
                    }
                    context.put(entry.getKey(), entry.getValue().textValue());
                }
                return Optional.of(context);
            }
        };
    }

    /**
     * Where the JSON went wrong and the kind of token there, never the token itself: Jackson's own message quotes the
     * input, and a request body may carry a token or a password.
     */
    private static String where(JsonProcessingException e) {
        StringBuilder where = new StringBuilder();
        JsonLocation location = e.getLocation();
        if (location != null) {
            where.append(" at line ").append(location.getLineNr()).append(", column ").append(location.getColumnNr());
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith(DUPLICATE_FIELD)) {
            return where.append(": a field given twice").toString();
        }
        if (e.getProcessor() instanceof JsonParser && ((JsonParser) e.getProcessor()).currentToken() != null) {
            where.append(" (after a token of type ").append(((JsonParser) e.getProcessor()).currentToken().name())
                    .append(')');
        }
        return where.toString();
    }

    private static String jsonType(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The context of a struct or map value: a map of strings to strings (Connect's form of an Avro map). */
    private static Optional<Map<String, String>> contextOf(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map)) {
            throw notStringToString(value.getClass().getSimpleName());
        }
        Map<String, String> context = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            if (!(entry.getKey() instanceof String) || !(entry.getValue() instanceof String)) {
                throw notStringToString("an entry of " + typeName(entry.getKey()) + " to "
                        + typeName(entry.getValue()));
            }
            context.put((String) entry.getKey(), (String) entry.getValue());
        }
        return Optional.of(context);
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    private static InvalidRequestException notStringToString(String got) {
        return new InvalidRequestException("'" + CONTEXT_FIELD + "' must be an object of string values; got " + got);
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

    /** The fields of one request value, whatever carried it. */
    public interface Fields {

        /**
         * One field as text, empty when absent.
         *
         * @throws InvalidRequestException when it is there but no non-empty string
         */
        Optional<String> text(String name);

        /**
         * The {@value RunRequestParser#CONTEXT_FIELD} object, empty when absent.
         *
         * @throws InvalidRequestException when it is not an object of string values
         */
        Optional<Map<String, String>> context();
    }
}
