package io.kcdatazone.datazone;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces every configured secret value that occurs in a text with {@value #MASK}.
 *
 * <p>Messages we do not write ourselves (AWS SDK exceptions, DataZone error messages, STS faults, Kafka client errors)
 * may echo what was sent, and what was sent is often encoded: so each secret is also masked in the forms it takes
 * URL-encoded (form encoding and RFC 3986, either hex case) and escaped inside a JSON string (with or without an
 * escaped solidus). Any such text passes through here before it reaches a log line, an exception message or an event.
 */
public final class SecretRedactor {

    /** What a secret is replaced with. */
    public static final String MASK = "[hidden]";

    private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-F]{2}");
    private static final Pattern SECRET_NAME =
            Pattern.compile("password|passwd|passphrase|secret|token", Pattern.CASE_INSENSITIVE);

    private final List<String> forms;

    private SecretRedactor(List<String> forms) {
        this.forms = forms;
    }

    /** A redactor for the given secret values; null and empty values are ignored. */
    public static SecretRedactor of(Collection<String> secrets) {
        return new SecretRedactor(secrets.stream()
                .filter(Objects::nonNull)
                .filter(s -> !s.isEmpty())
                .flatMap(secret -> forms(secret).stream())
                .distinct()
                // longest first, so a secret that contains another is masked whole
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .collect(Collectors.toUnmodifiableList()));
    }

    /**
     * Whether a setting whose type we cannot know (a custom credentials provider's setting, a JAAS login option) is
     * to be treated as a secret, judged by its name. A boolean value is never one: masking "true" everywhere would
     * garble every message.
     */
    public static boolean looksSecret(String name, Object value) {
        String text = value == null ? "" : value.toString();
        return SECRET_NAME.matcher(name).find() && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false");
    }

    /** A redactor that knows no secrets. */
    public static SecretRedactor none() {
        return new SecretRedactor(List.of());
    }

    /** The text with every secret masked; null stays null. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String form : forms) {
            result = result.replace(form, MASK);
        }
        return result;
    }

    /** The secret as configured and as it appears URL-encoded or inside a JSON string. */
    private static Set<String> forms(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        String formEncoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String uriEncoded = formEncoded.replace("+", "%20");
        for (String encoded : List.of(formEncoded, uriEncoded)) {
            forms.add(encoded);
            forms.add(lowerCaseHex(encoded));
        }
        String json = jsonEscaped(secret);
        forms.add(json);
        forms.add(json.replace("/", "\\/"));
        return forms;
    }

    private static String lowerCaseHex(String encoded) {
        Matcher escape = PERCENT_ESCAPE.matcher(encoded);
        StringBuilder result = new StringBuilder();
        while (escape.find()) {
            escape.appendReplacement(result, escape.group().toLowerCase(Locale.ROOT));
        }
        return escape.appendTail(result).toString();
    }

    /** The content of a JSON string holding {@code text}, escaped as JSON writers (Jackson among them) do. */
    private static String jsonEscaped(String text) {
        StringBuilder json = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"':
                    json.append("\\\"");
                    break;
                case '\\':
                    json.append("\\\\");
                    break;
                case '\n':
                    json.append("\\n");
                    break;
                case '\r':
                    json.append("\\r");
                    break;
                case '\t':
                    json.append("\\t");
                    break;
                case '\b':
                    json.append("\\b");
                    break;
                case '\f':
                    json.append("\\f");
                    break;
                default:
                    if (c < 0x20) {
                        json.append(String.format("\\u%04X", (int) c));
                    } else {
                        json.append(c);
                    }
            }
        }
        return json.toString();
    }
}
