package io.kcdatazone.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The fallback for workers without plugin metrics (Kafka before 4.1), which the embedded Kafka 4.3 never takes. */
class TaskMetricsTest {

    private static final Object OLD_WORKER_CONTEXT = new Object();

    @AfterEach
    void clearContext() {
        MDC.clear();
    }

    @Test
    void publishesThroughItsOwnJmxReporterWhenTheWorkerHasNoPluginMetrics() throws Exception {
        MDC.put("connector.context", "[old-worker|task-3] ");
        AtomicLong started = new AtomicLong(41);
        try (TaskMetrics metrics = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "old-worker")) {
            metrics.gauge("runs-started-total", "Runs started", started::get);
            metrics.gauge("start-failures-total", "Failures", Map.of("error-type", "THROTTLING_EXCEPTION"), () -> 2);
            metrics.latency("call-latency", "call latency").record(12.5);
            started.incrementAndGet();

            ObjectName name = new ObjectName(TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.GROUP
                    + ",connector=old-worker,task=task-3");
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "runs-started-total"))
                    .isEqualTo(42L);
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "call-latency-max"))
                    .isEqualTo(12.5);
        }
    }

    @Test
    void aRestartedTaskRegistersAgainWhileItsPreviousInstanceStillHoldsTheNames() {
        MDC.put("connector.context", "[restarted|task-0] ");
        try (TaskMetrics previous = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "restarted");
             TaskMetrics next = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "restarted")) {
            previous.gauge("runs-started-total", "Runs started", () -> 1);
            assertThatCode(() -> {
                next.gauge("runs-started-total", "Runs started", () -> 2);
                next.latency("call-latency", "call latency").record(1);
            }).doesNotThrowAnyException();
        }
    }
}
