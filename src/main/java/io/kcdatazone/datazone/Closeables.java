package io.kcdatazone.datazone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing of resources on paths that must carry on when one close fails (shutdown, cleanup after a failure). */
final class Closeables {

    private static final Logger log = LoggerFactory.getLogger(Closeables.class);

    private Closeables() {
    }

    /** Closes {@code resource} if it is {@link AutoCloseable} (null is ignored); a failure is logged, not thrown. */
    static void closeQuietly(Object resource) {
        if (resource instanceof AutoCloseable) {
            try {
                ((AutoCloseable) resource).close();
            } catch (Exception e) {
                log.warn("Failed to close {}", resource.getClass().getName(), e);
            }
        }
    }
}
