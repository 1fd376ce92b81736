package io.kcdatazone.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings that are each valid but do not go together, with every message kept on the key to fix, so that
 * {@code validate()} can show each one where it belongs while a connector or task start fails with all of them.
 * The messages name settings and limits, never a secret value.
 */
public final class InconsistentConfigException extends ConfigException {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<String>> problems;

    public InconsistentConfigException(Map<String, List<String>> problems) {
        super(problems.entrySet().stream()
                .flatMap(problem -> problem.getValue().stream().map(message -> problem.getKey() + ": " + message))
                .collect(Collectors.joining(" ", "Settings that do not go together: ", "")));
        this.problems = Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }

    /** The messages per key to fix, in the order the checks found them. */
    public Map<String, List<String>> problems() {
        return problems;
    }
}
