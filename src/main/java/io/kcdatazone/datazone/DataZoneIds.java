package io.kcdatazone.datazone;

import java.util.Optional;
import java.util.regex.Pattern;

/** DataZone's identifier patterns (service model shapes {@code DomainId} and {@code DataSourceId}). */
public final class DataZoneIds {

    private static final Pattern DOMAIN_ID = Pattern.compile("dzd[-_][a-zA-Z0-9_-]{1,36}");
    private static final Pattern RESOURCE_ID = Pattern.compile("[a-zA-Z0-9_-]{1,36}");
    private static final int MAX_SHOWN = 80;

    private DataZoneIds() {
    }

    /** Returns what is wrong with a domain id, or empty when it matches {@code ^dzd[-_][a-zA-Z0-9_-]{1,36}$}. */
    public static Optional<String> checkDomainId(String id) {
        return check(id, DOMAIN_ID, "^dzd[-_][a-zA-Z0-9_-]{1,36}$");
    }

    /** Returns what is wrong with a data source id, or empty when it matches {@code ^[a-zA-Z0-9_-]{1,36}$}. */
    public static Optional<String> checkDataSourceId(String id) {
        return check(id, RESOURCE_ID, "^[a-zA-Z0-9_-]{1,36}$");
    }

    private static Optional<String> check(String id, Pattern pattern, String shown) {
        if (pattern.matcher(id).matches()) {
            return Optional.empty();
        }
        String quoted = id.length() > MAX_SHOWN ? id.substring(0, MAX_SHOWN) + "... (" + id.length() + " chars)" : id;
        return Optional.of("'" + printable(quoted) + "' does not match DataZone's pattern " + shown);
    }

    /** Keeps control characters and the like out of log lines and error headers. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (!Character.isISOControl(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("\\u%04x", cp));
            }
        });
        return out.toString();
    }
}
