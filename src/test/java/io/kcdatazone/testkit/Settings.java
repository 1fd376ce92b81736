package io.kcdatazone.testkit;

import java.util.Map;

/** Connector settings as tests vary them. */
public final class Settings {

    private Settings() {
    }

    /** {@code overrides} as key, value pairs replace or add settings of {@code props}; a null value removes one. */
    public static Map<String, String> with(Map<String, String> props, String... overrides) {
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                props.remove(overrides[i]);
            } else {
                props.put(overrides[i], overrides[i + 1]);
            }
        }
        return props;
    }
}
