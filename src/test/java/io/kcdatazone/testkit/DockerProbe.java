package io.kcdatazone.testkit;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, for tests that could take Kafka from Testcontainers. Testcontainers logs an ERROR
 * with a stack trace when none does, the normal case on a developer machine or a CI runner without Docker, so its
 * loggers are silenced while it looks.
 */
final class DockerProbe {

    /** Set to {@code false} to never ask Docker, e.g. on a machine whose engine is too slow or shared. */
    static final String ENABLED_PROPERTY = "kcdatazone.test.docker";

    private static final String[] NOISY_LOGGERS = {"org.testcontainers", "com.github.dockerjava"};

    private DockerProbe() {
    }

    static boolean dockerAvailable() {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            return false;
        }
        Level[] previous = new Level[NOISY_LOGGERS.length];
        for (int i = 0; i < NOISY_LOGGERS.length; i++) {
            previous[i] = LogManager.getLogger(NOISY_LOGGERS[i]).getLevel();
            Configurator.setLevel(NOISY_LOGGERS[i], Level.OFF);
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } finally {
            for (int i = 0; i < NOISY_LOGGERS.length; i++) {
                Configurator.setLevel(NOISY_LOGGERS[i], previous[i]);
            }
        }
    }
}
