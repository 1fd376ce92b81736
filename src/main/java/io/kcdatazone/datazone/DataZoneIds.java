package io.kcdatazone.datazone;

import io.kcdatazone.logging.PrintableText;
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
        // Quoted in log lines and error headers: no control characters, and a long one cut short.
        String quoted = PrintableText.of(id, MAX_SHOWN)
                + (PrintableText.isLonger(id, MAX_SHOWN) ? " (" + id.length() + " chars)" : "");
        return Optional.of("'" + quoted + "' does not match DataZone's pattern " + shown);
    }
}
