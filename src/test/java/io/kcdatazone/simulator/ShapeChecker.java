package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a JSON document against a shape of the service model, recursively, the way a strict client would read it:
 * required members present, no member the shape does not define, JSON types matching the shape types, enum values,
 * length, range and pattern constraints, and restJson1 timestamp formats (ISO-8601 strings where the model says
 * {@code iso8601}, epoch-second numbers where it says nothing). Returns every problem found, each with its JSON path.
 */
final class ShapeChecker {
    private final ServiceModel model;

    ShapeChecker(ServiceModel model) {
        this.model = model;
    }

    List<String> check(JsonNode value, String shapeName) {
        List<String> problems = new ArrayList<>();
        check(value, shapeName, null, "$", problems);
        return problems;
    }

    private void check(JsonNode value, String shapeName, String memberTimestampFormat, String path,
            List<String> problems) {
        JsonNode shape = model.shape(shapeName);
        if (value.isNull()) {
            problems.add(path + ": null (AWS omits absent members)");
            return;
        }
        String type = shape.path("type").asText();
        switch (type) {
            case "structure" -> checkStructure(value, shapeName, shape, path, problems);
            case "list" -> checkList(value, shape, path, problems);
            case "map" -> checkMap(value, shape, path, problems);
            case "string" -> checkString(value, shape, path, problems);
            case "integer", "long" -> checkInteger(value, shape, type, path, problems);
            case "boolean" -> expect(value.isBoolean(), path, "a boolean", value, problems);
            case "double", "float" -> expect(value.isNumber(), path, "a number", value, problems);
            case "blob" -> expect(value.isTextual(), path, "a base64 string", value, problems);
            case "timestamp" -> checkTimestamp(value,
                    memberTimestampFormat != null ? memberTimestampFormat : shape.path("timestampFormat").asText(null),
                    path, problems);
            default -> problems.add(path + ": shape " + shapeName + " has type " + type + ", unknown to this checker");
        }
    }

    private void checkStructure(JsonNode value, String shapeName, JsonNode shape, String path,
            List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object (" + shapeName + "), got " + value.getNodeType());
            return;
        }
        JsonNode members = shape.path("members");
        shape.path("required").forEach(required -> {
            if (!value.has(required.asText())) {
                problems.add(path + ": required member '" + required.asText() + "' of " + shapeName + " missing");
            }
        });
        if (shape.path("union").asBoolean(false) && value.size() != 1) {
            problems.add(path + ": union " + shapeName + " must set exactly one member, has " + value.size());
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            JsonNode member = members.path(field.getKey());
            if (member.isMissingNode()) {
                problems.add(path + ": member '" + field.getKey() + "' is not defined by " + shapeName);
                continue;
            }
            if (member.has("location")) {
                problems.add(path + ": member '" + field.getKey() + "' belongs in the " + member.path("location")
                        .asText() + ", not the body");
                continue;
            }
            check(field.getValue(), member.path("shape").asText(), member.path("timestampFormat").asText(null),
                    path + "." + field.getKey(), problems);
        }
    }

    private void checkList(JsonNode value, JsonNode shape, String path, List<String> problems) {
        if (!value.isArray()) {
            problems.add(path + ": expected an array, got " + value.getNodeType());
            return;
        }
        checkSize(value.size(), shape, path, "entries", problems);
        String memberShape = shape.path("member").path("shape").asText();
        for (int i = 0; i < value.size(); i++) {
            check(value.get(i), memberShape, null, path + "[" + i + "]", problems);
        }
    }

    private void checkMap(JsonNode value, JsonNode shape, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object (map), got " + value.getNodeType());
            return;
        }
        checkSize(value.size(), shape, path, "entries", problems);
        String keyShape = shape.path("key").path("shape").asText();
        String valueShape = shape.path("value").path("shape").asText();
        value.properties().forEach(entry -> {
            checkString(TextNode.valueOf(entry.getKey()), model.shape(keyShape),
                    path + "{key " + entry.getKey() + "}", problems);
            check(entry.getValue(), valueShape, null, path + "." + entry.getKey(), problems);
        });
    }

    private void checkString(JsonNode value, JsonNode shape, String path, List<String> problems) {
        if (!value.isTextual()) {
            problems.add(path + ": expected a string, got " + value.getNodeType());
            return;
        }
        String text = value.asText();
        if (shape.has("enum")) {
            List<String> allowed = new ArrayList<>();
            shape.path("enum").forEach(option -> allowed.add(option.asText()));
            if (!allowed.contains(text)) {
                problems.add(path + ": '" + text + "' is not one of " + allowed);
            }
        }
        checkSize(text.codePointCount(0, text.length()), shape, path, "characters", problems);
        if (shape.has("pattern") && !Pattern.compile(shape.path("pattern").asText()).matcher(text).find()) {
            problems.add(path + ": '" + text + "' does not match " + shape.path("pattern").asText());
        }
    }

    private void checkInteger(JsonNode value, JsonNode shape, String type, String path, List<String> problems) {
        boolean fits = type.equals("integer") ? value.isIntegralNumber() && value.canConvertToInt()
                : value.isIntegralNumber() && value.canConvertToLong();
        if (!fits) {
            problems.add(path + ": expected a plain JSON " + type + ", got " + value);
            return;
        }
        if (shape.has("min") && value.asLong() < shape.path("min").asLong()) {
            problems.add(path + ": " + value + " is below the minimum " + shape.path("min"));
        }
        if (shape.has("max") && value.asLong() > shape.path("max").asLong()) {
            problems.add(path + ": " + value + " is above the maximum " + shape.path("max"));
        }
    }

    /** restJson1: a timestamp without a declared format is epoch seconds in a JSON body. */
    private void checkTimestamp(JsonNode value, String format, String path, List<String> problems) {
        String effective = format == null ? "unixTimestamp" : format;
        switch (effective) {
            case "iso8601" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": expected an ISO-8601 string, got " + value);
                    return;
                }
                try {
                    OffsetDateTime.parse(value.asText());
                } catch (DateTimeParseException e) {
                    problems.add(path + ": '" + value.asText() + "' is not an ISO-8601 date-time with offset");
                }
            }
            case "unixTimestamp" -> expect(value.isNumber(), path, "epoch seconds as a JSON number", value, problems);
            default -> problems.add(path + ": timestamp format " + effective + " is not expected in this API");
        }
    }

    private static void checkSize(int size, JsonNode shape, String path, String unit, List<String> problems) {
        if (shape.has("min") && size < shape.path("min").asInt()) {
            problems.add(path + ": " + size + " " + unit + ", fewer than the minimum " + shape.path("min"));
        }
        if (shape.has("max") && size > shape.path("max").asInt()) {
            problems.add(path + ": " + size + " " + unit + ", more than the maximum " + shape.path("max"));
        }
    }

    private static void expect(boolean condition, String path, String expected, JsonNode value,
            List<String> problems) {
        if (!condition) {
            problems.add(path + ": expected " + expected + ", got " + value);
        }
    }
}
