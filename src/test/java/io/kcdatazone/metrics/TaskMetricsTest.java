package io.kcdatazone.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.apache.kafka.common.metrics.Metrics;
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
            metrics.rate("calls", "Calls").record();
            started.incrementAndGet();

            ObjectName name = new ObjectName(TaskMetrics.FALLBACK_JMX_PREFIX + ":type=" + TaskMetrics.GROUP
                    + ",connector=old-worker,task=task-3");
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "runs-started-total"))
                    .isEqualTo(42L);
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "call-latency-max"))
                    .isEqualTo(12.5);
            assertThat((Double) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "calls-rate"))
                    .isPositive();
        }
    }

    @Test
    void aRestartedTaskTakesOverItsGaugesOnceThePreviousInstanceLetsGo() throws Exception {
        // Connect 4.x gives each task instance its own PluginMetrics over the worker's registry; the runtime classes
        // are looked up by name because the main code compiles against the Connect 3.9 API, which has none.
        Metrics registry = new Metrics();
        Class<?> impl = Class.forName("org.apache.kafka.common.metrics.internals.PluginMetricsImpl");
        Map<String, String> taskTags = Map.of("connector", "restarted", "task", "0");
        AutoCloseable previousPluginMetrics = (AutoCloseable) impl.getConstructor(Metrics.class, Map.class)
                .newInstance(registry, taskTags);
        Object nextPluginMetrics = impl.getConstructor(Metrics.class, Map.class).newInstance(registry, taskTags);

        TaskMetrics previous = TaskMetrics.forTask((PluginMetricsContext) () -> previousPluginMetrics, "restarted");
        TaskMetrics next = TaskMetrics.forTask((PluginMetricsContext) () -> nextPluginMetrics, "restarted");
        previous.gauge("runs-started-total", "Runs started", () -> 1);
        next.gauge("runs-started-total", "Runs started", () -> 2);
        assertThat(gaugeValue(registry, "runs-started-total")).isEqualTo(1);

        previousPluginMetrics.close(); // what Connect does when the old instance has stopped
        next.registerPending();

        assertThat(gaugeValue(registry, "runs-started-total")).isEqualTo(2);
        registry.close();
    }

    private static Object gaugeValue(Metrics registry, String name) {
        return registry.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue())
                .findFirst().orElse(null);
    }

    /** The shape of a Connect 4.1+ task context, as far as metrics go. */
    interface PluginMetricsContext {
        Object pluginMetrics();
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
