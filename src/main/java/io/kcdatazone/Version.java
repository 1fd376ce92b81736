package io.kcdatazone;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's version, as Maven wrote it into {@value #RESOURCE} at build time. Like Kafka's own
 * {@code AppInfoParser}, a missing resource gives {@value #UNKNOWN} rather than an error: a version string must never
 * keep a worker from loading the plugin.
 */
public final class Version {

    static final String RESOURCE = "/kafka-connect-datazone-version.properties";
    static final String UNKNOWN = "unknown";

    private static final Logger LOG = LoggerFactory.getLogger(Version.class);
    private static final String VERSION = load();

    private Version() {
    }

    /** The version of this plugin build, e.g. {@code 0.1.0}. */
    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                LOG.warn("{} is missing; reporting version {}", RESOURCE, UNKNOWN);
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", UNKNOWN).trim();
        } catch (IOException e) {
            LOG.warn("Cannot read {}; reporting version {}", RESOURCE, UNKNOWN, e);
            return UNKNOWN;
        }
    }
}
