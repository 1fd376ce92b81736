package io.kcdatazone.logging;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Threads that log with the Connect logging context of the thread that made them.
 *
 * <p>Connect puts the connector name and task id in the SLF4J {@code MDC} of the task thread only ({@code
 * connector.context}); lines from our own threads would lose it, and an operator could not tell which connector wrote
 * them. Create these factories on the task thread, in {@code start()}.
 */
public final class ContextThreads {

    private ContextThreads() {
    }

    /** A factory of daemon threads named {@code prefix-N} carrying the calling thread's MDC. */
    public static ThreadFactory named(String prefix) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(() -> {
                if (context != null) {
                    MDC.setContextMap(context);
                }
                runnable.run();
            }, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
