package io.kcdatazone.datazone;

import java.util.LinkedHashMap;
import java.util.Map;

/** Runs test code with some JVM system properties set (or cleared, for a null value) and restores them after. */
final class SystemProperties {

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private SystemProperties() {
    }

    /** @param keyValuePairs key, value, key, value...; a null value clears that property */
    static void with(Body body, String... keyValuePairs) throws Exception {
        Map<String, String> previous = new LinkedHashMap<>();
        try {
            for (int i = 0; i < keyValuePairs.length; i += 2) {
                String key = keyValuePairs[i];
                previous.put(key, System.getProperty(key));
                set(key, keyValuePairs[i + 1]);
            }
            body.run();
        } finally {
            previous.forEach(SystemProperties::set);
        }
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
