package io.kcdatazone.logging;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Threads, and Kafka client ids, that identify the connector and task of the thread that made them.
 *
 * <p>Connect puts the connector name and task id in the SLF4J {@code MDC} of the task thread only ({@code
 * connector.context}, holding {@code [name|task-0] }); lines from our own threads, and the AWS SDK's, would lose it,
 * and an operator could not tell which connector wrote them. Create these factories on the task thread, in {@code
 * start()}. Kafka clients create their threads themselves, so for them the context goes into the client id, which
 * they put at the start of each of their lines.
 */
public final class ContextThreads {

    /** The MDC key under which Connect keeps the logging context. */
    public static final String CONNECTOR_CONTEXT = "connector.context";

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

    /**
     * The calling thread's scope within its connector, from Connect's logging context: {@code task-0} on a task
     * thread, {@code worker} on a connector's, or {@code fallback} outside Connect.
     */
    public static String scope(String fallback) {
        String context = MDC.get(CONNECTOR_CONTEXT);
        if (context != null) {
            int bar = context.indexOf('|');
            int end = context.indexOf(']', bar + 1);
            if (bar >= 0 && end > bar + 1) {
                return context.substring(bar + 1, end).trim();
            }
        }
        return fallback;
    }

    /**
     * A Kafka client id {@code datazone-<role>-<connector>-<scope>}, such as {@code
     * datazone-ledger-writer-orders-task-0}: Kafka clients start each line they log with it, on every thread.
     */
    public static String kafkaClientId(String role, String connectorName) {
        return "datazone-" + role + "-" + connectorName + "-" + scope("unknown");
    }
}
