package io.kcdatazone.simulator;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Server-side input validation against the model's constraints. The SDK validates nothing on the client, so without
 * these checks a caller's bad input would succeed here and fail against AWS. Messages follow AWS's wording.
 */
final class Validation {
    private static final Pattern DOMAIN_ID = Pattern.compile("^dzd[-_][a-zA-Z0-9_-]{1,36}$");
    private static final Pattern RESOURCE_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,36}$");

    private Validation() {
    }

    static String domainId(String member, String value) {
        return matching(member, value, DOMAIN_ID);
    }

    /** Data source, run, project and environment ids share one pattern. */
    static String resourceId(String member, String value) {
        return matching(member, value, RESOURCE_ID);
    }

    static Optional<Integer> maxResults(Optional<String> value) {
        return value.map(text -> {
            int number;
            try {
                number = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw ApiException.validation("1 validation error detected: Value '" + text
                        + "' at 'maxResults' failed to satisfy constraint: Member must be an integer");
            }
            if (number < 1 || number > 50) {
                throw violation("maxResults", text, number < 1
                        ? "Member must have value greater than or equal to 1"
                        : "Member must have value less than or equal to 50");
            }
            return number;
        });
    }

    static Optional<String> nextToken(Optional<String> value) {
        value.ifPresent(token -> length("nextToken", token, 1, 8192));
        return value;
    }

    static Optional<String> enumValue(String member, Optional<String> value, Set<String> allowed) {
        value.ifPresent(text -> {
            if (!allowed.contains(text)) {
                throw violation(member, text, "Member must satisfy enum value set: " + allowed);
            }
        });
        return value;
    }

    static String length(String member, String value, int min, int max) {
        if (value.length() < min) {
            throw violation(member, value, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw violation(member, value, "Member must have length less than or equal to " + max);
        }
        return value;
    }

    static String required(String member, Optional<String> value) {
        return value.orElseThrow(() -> ApiException.validation("1 validation error detected: Value null at '"
                + member + "' failed to satisfy constraint: Member must not be null"));
    }

    private static String matching(String member, String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw violation(member, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return value;
    }

    private static ApiException violation(String member, String value, String constraint) {
        return ApiException.validation("1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }
}
