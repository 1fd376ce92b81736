package io.kcdatazone.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Matches a request's method and raw path against the operations' URI templates. Path segments are percent-decoded
 * one by one after splitting, so an encoded {@code /} inside a label stays inside that label (the SDK sends a space
 * as {@code %20} and a slash as {@code %2F}); a literal {@code +} stays a plus, as in any URI path.
 */
final class Router {

    /** An operation with the values of its path labels. */
    record Route(Operation operation, Map<String, String> labels) {
    }

    Optional<Route> route(String method, String rawPath) {
        String[] segments = rawPath.split("/", -1);
        for (Operation operation : Operation.values()) {
            if (operation.method().equals(method)) {
                Optional<Map<String, String>> labels = match(operation.uriTemplate().split("/", -1), segments);
                if (labels.isPresent()) {
                    return Optional.of(new Route(operation, labels.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Map<String, String>> match(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return Optional.empty();
        }
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String expected = template[i];
            if (expected.startsWith("{") && expected.endsWith("}")) {
                Optional<String> value = percentDecode(segments[i]);
                if (value.isEmpty() || value.get().isEmpty()) {
                    return Optional.empty();
                }
                labels.put(expected.substring(1, expected.length() - 1), value.get());
            } else if (!expected.equals(segments[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(labels);
    }

    /** RFC 3986 percent-decoding of one path segment (UTF-8); empty when the escapes are malformed. */
    static Optional<String> percentDecode(String segment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            } else if (i + 2 < segment.length() && isHex(segment.charAt(i + 1)) && isHex(segment.charAt(i + 2))) {
                bytes.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
