package io.kcdatazone.datazone;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.LambdaValidator;
import org.apache.kafka.common.config.ConfigException;

/**
 * The checks of single connection and credentials settings. Each validator's {@code toString()} is the "valid values"
 * text of the generated configuration reference.
 */
final class ConfigValidators {

    private static final Pattern HTTP_SCHEME = Pattern.compile("https?://", Pattern.CASE_INSENSITIVE);

    private ConfigValidators() {
    }

    /** The value trimmed, or null when it is unset or blank: what the connection settings treat as not set. */
    static String trimmedOrNull(String value) {
        return value == null || value.trim().isEmpty() ? null : value.trim();
    }

    /** Accepts unset, or an absolute http(s) URI with a host. */
    static ConfigDef.Validator httpUri() {
        return LambdaValidator.with((name, value) -> {
            String text = trimmedOrNull((String) value);
            if (text == null) {
                return;
            }
            // checked before parsing: "127.0.0.1:8080" is the likely mistake, and would parse as scheme "127.0.0.1"
            if (!HTTP_SCHEME.matcher(text).lookingAt()) {
                throw new ConfigException(name, value, "the URI must start with http:// or https://");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a valid URI: " + e.getReason());
            }
            if (uri.getHost() == null) {
                throw new ConfigException(name, value, "the URI must name a host");
            }
        }, () -> "an absolute http:// or https:// URI");
    }

    /**
     * Accepts unset (blank included), or a value matching {@code pattern} whole.
     *
     * @param problem the message for a value that does not match
     * @param description what a valid value is, for the configuration reference
     */
    static ConfigDef.Validator unsetOrMatching(Pattern pattern, String problem, String description) {
        return LambdaValidator.with((name, value) -> {
            String text = trimmedOrNull((String) value);
            if (text != null && !pattern.matcher(text).matches()) {
                throw new ConfigException(name, value, problem);
            }
        }, () -> description);
    }

    /** Accepts only a value that matches {@code pattern} whole, as it is; {@code description} says what that is. */
    static ConfigDef.Validator matching(Pattern pattern, String description) {
        return LambdaValidator.with((name, value) -> {
            if (value == null || !pattern.matcher((String) value).matches()) {
                throw new ConfigException(name, value, "must be " + description);
            }
        }, () -> description);
    }

    /** Accepts unset, or a string that is not blank. */
    static ConfigDef.Validator nonBlankWhenSet() {
        return LambdaValidator.with((name, value) -> {
            if (value != null && ((String) value).trim().isEmpty()) {
                throw new ConfigException(name, value, "must not be blank when set");
            }
        }, () -> "a non-blank string");
    }

    /** Accepts unset, or a class that can be assigned to {@code type}. */
    static ConfigDef.Validator implementing(Class<?> type) {
        return LambdaValidator.with((name, value) -> {
            if (value != null && !type.isAssignableFrom((Class<?>) value)) {
                throw new ConfigException(name, ((Class<?>) value).getName(), "does not implement " + type.getName());
            }
        }, () -> "a class implementing " + type.getName());
    }
}
