package io.kcdatazone.config;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Replaces every configured secret value that occurs in a text with {@value #MASK}.
 *
 * <p>Messages we do not write ourselves (AWS SDK exceptions, DataZone error messages, STS faults) may echo what was
 * sent, so any such text passes through here before it reaches a log line, an exception message or an event.
 */
public final class SecretRedactor {

    /** What a secret is replaced with. */
    public static final String MASK = "[hidden]";

    private final List<String> secrets;

    private SecretRedactor(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A redactor for the given secret values; null and empty values are ignored. */
    public static SecretRedactor of(Collection<String> secrets) {
        return new SecretRedactor(secrets.stream()
                .filter(Objects::nonNull)
                .filter(s -> !s.isEmpty())
                .distinct()
                // longest first, so a secret that contains another is masked whole
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .collect(Collectors.toUnmodifiableList()));
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
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
