package io.kcdatazone.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@link Seed} from JSON. Optional fields take the defaults documented in {@code src/simulator/README.md};
 * unknown fields are rejected so a typo in a seed file fails loudly instead of being ignored.
 */
public final class SeedLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SeedLoader() {
    }

    /** Reads the seed file at {@code path}. */
    public static Seed load(Path path) {
        try {
            return parse(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seed file " + path, e);
        }
    }

    /** Parses a seed from its JSON text. */
    public static Seed parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("seed is not valid JSON: " + e.getOriginalMessage(), e);
        }
        requireObject(root, "seed", Set.of("accountId", "region", "domains"));
        return new Seed(text(root, "accountId", "123456789012"), text(root, "region", "us-east-1"),
                list(root, "domains", SeedLoader::domain));
    }

    private static Seed.Domain domain(JsonNode node) {
        requireObject(node, "domain", Set.of("id", "name", "projects"));
        String id = requiredText(node, "id", "domain");
        return new Seed.Domain(id, text(node, "name", id), list(node, "projects", SeedLoader::project));
    }

    private static Seed.Project project(JsonNode node) {
        requireObject(node, "project", Set.of("id", "name", "dataSources"));
        String id = requiredText(node, "id", "project");
        return new Seed.Project(id, text(node, "name", id), list(node, "dataSources", SeedLoader::dataSource));
    }

    private static Seed.DataSource dataSource(JsonNode node) {
        requireObject(node, "data source", Set.of("id", "name", "type", "database", "outcomes", "requestedFor",
                "runningFor", "assetsPerRun", "errorType", "errorDetail"));
        String id = requiredText(node, "id", "data source");
        List<Outcome> outcomes = node.has("outcomes")
                ? list(node, "outcomes", outcome -> Outcome.valueOf(outcome.asText()))
                : List.of(Outcome.SUCCESS);
        return new Seed.DataSource(id, text(node, "name", id), text(node, "type", "GLUE"), text(node, "database", id),
                outcomes, duration(node, "requestedFor", "PT2S"), duration(node, "runningFor", "PT5S"),
                node.path("assetsPerRun").asInt(10), text(node, "errorType", "ACCESS_DENIED_EXCEPTION"),
                text(node, "errorDetail", "Insufficient permissions to read the data source"));
    }

    private static void requireObject(JsonNode node, String what, Set<String> knownFields) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "' in " + what);
            }
        }
    }

    private static String requiredText(JsonNode node, String field, String what) {
        if (!node.path(field).isTextual()) {
            throw new IllegalArgumentException(what + " needs a string '" + field + "'");
        }
        return node.get(field).asText();
    }

    private static String text(JsonNode node, String field, String fallback) {
        return node.has(field) ? node.get(field).asText() : fallback;
    }

    private static Duration duration(JsonNode node, String field, String fallback) {
        String value = text(node, field, fallback);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be an ISO-8601 duration such as PT5S, got '" + value
                    + "'", e);
        }
    }

    private static <T> List<T> list(JsonNode node, String field, Function<JsonNode, T> element) {
        JsonNode array = node.path(field);
        if (!array.isArray()) {
            throw new IllegalArgumentException("'" + field + "' must be a JSON array");
        }
        List<T> result = new ArrayList<>();
        array.forEach(item -> result.add(element.apply(item)));
        return result;
    }
}
