package io.kcdatazone.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
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
        try (TaskMetrics metrics = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "old-worker", Time.SYSTEM)) {
            metrics.gauge("runs-started-total", "Runs started", started::get);
            metrics.gauge("start-failures-total", "Failures", Map.of("error-type", "THROTTLING_EXCEPTION"), () -> 2);
            metrics.latency("call-latency", "call latency").record(12.5);
            EventCounter calls = new EventCounter();
            metrics.meter("calls", "Calls", calls);
            calls.record();
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
        Metrics registry = new Metrics();
        AutoCloseable previousPluginMetrics = pluginMetrics(registry, "restarted", "0");
        TaskMetrics previous = TaskMetrics.forTask((PluginMetricsContext) () -> previousPluginMetrics, "restarted",
                Time.SYSTEM);
        TaskMetrics next = forTask(registry, "restarted", "0");
        previous.gauge("runs-started-total", "Runs started", () -> 1);
        next.gauge("runs-started-total", "Runs started", () -> 2);
        assertThat(metricValue(registry, "runs-started-total", "restarted")).isEqualTo(1);

        previousPluginMetrics.close(); // what Connect does when the old instance has stopped
        next.registerPending();

        assertThat(metricValue(registry, "runs-started-total", "restarted")).isEqualTo(2);
        registry.close();
    }

    @Test
    void aMeterPublishesTheTotalAndTheRateOfItsEvents() {
        Metrics registry = new Metrics();
        TaskMetrics metrics = forTask(registry, "metered", "0");
        EventCounter requests = new EventCounter();
        metrics.meter("requests-received", "Requests received", requests);

        requests.record();
        requests.record();
        requests.record();

        assertThat(requests.count()).isEqualTo(3);
        assertThat(metricValue(registry, "requests-received-total", "metered")).isEqualTo(3.0);
        assertThat((Double) metricValue(registry, "requests-received-rate", "metered")).isPositive();
        registry.close();
    }

    @Test
    void aRestartedTaskPublishesItsMetersAndLatenciesOnceThePreviousInstanceLetsGoWithWhatItCountedMeanwhile()
            throws Exception {
        Metrics registry = new Metrics();
        AutoCloseable previousPluginMetrics = pluginMetrics(registry, "restarted", "0");
        TaskMetrics previous = TaskMetrics.forTask((PluginMetricsContext) () -> previousPluginMetrics, "restarted",
                Time.SYSTEM);
        TaskMetrics next = forTask(registry, "restarted", "0");
        previous.meter("runs-started", "Runs started", new EventCounter());
        previous.latency("call-latency", "call latency").record(1);
        EventCounter started = new EventCounter();
        next.meter("runs-started", "Runs started", started);
        TaskMetrics.LatencyRecorder latency = next.latency("call-latency", "call latency");
        started.record();
        started.record();

        previousPluginMetrics.close();
        next.registerPending();
        started.record();
        latency.record(7);

        assertThat(metricValue(registry, "runs-started-total", "restarted")).isEqualTo(3.0);
        assertThat(metricValue(registry, "call-latency-max", "restarted")).isEqualTo(7.0);
        registry.close();
    }

    @Test
    void twoTasksOfAWorkerKeepTheirLatenciesApart() {
        // Connect 4.x gives each task its own PluginMetrics over the worker's one registry, where sensors are named
        // worker-wide: two tasks once recorded into one shared sensor, and each showed the other's latencies.
        Metrics registry = new Metrics();
        TaskMetrics task0 = forTask(registry, "a", "0");
        TaskMetrics task1 = forTask(registry, "b", "0");

        task0.latency("call-latency", "call latency").record(5);
        task1.latency("call-latency", "call latency").record(100);

        assertThat(metricValue(registry, "call-latency-max", "a")).isEqualTo(5.0);
        assertThat(metricValue(registry, "call-latency-max", "b")).isEqualTo(100.0);
        registry.close();
    }

    private static TaskMetrics forTask(Metrics registry, String connector, String task) {
        Object pluginMetrics = pluginMetrics(registry, connector, task);
        return TaskMetrics.forTask((PluginMetricsContext) () -> pluginMetrics, connector, Time.SYSTEM);
    }

    /**
     * A task instance's PluginMetrics over the worker's registry. The runtime class is looked up by name because the
     * main code compiles against the Connect 3.9 API, which has none.
     */
    private static AutoCloseable pluginMetrics(Metrics registry, String connector, String task) {
        try {
            return (AutoCloseable) Class.forName("org.apache.kafka.common.metrics.internals.PluginMetricsImpl")
                    .getConstructor(Metrics.class, Map.class)
                    .newInstance(registry, Map.of("connector", connector, "task", task));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object metricValue(Metrics registry, String name, String connector) {
        return registry.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && connector.equals(e.getKey().tags().get("connector")))
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
        try (TaskMetrics previous = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "restarted", Time.SYSTEM);
             TaskMetrics next = TaskMetrics.forTask(OLD_WORKER_CONTEXT, "restarted", Time.SYSTEM)) {
            previous.gauge("runs-started-total", "Runs started", () -> 1);
            assertThatCode(() -> {
                next.gauge("runs-started-total", "Runs started", () -> 2);
                next.latency("call-latency", "call latency").record(1);
            }).doesNotThrowAnyException();
        }
    }
}
