package io.kcdatazone.metrics;

import io.kcdatazone.logging.ContextThreads;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's metrics, published through Connect's plugin metrics (KIP-877, Kafka 4.1+) where the worker has them, so they
 * appear in JMX under {@code kafka.connect:type=plugins,connector=...,task=...} next to Connect's own. On older workers
 * the task publishes the same metrics through its own JMX reporter under {@value #FALLBACK_JMX_PREFIX} instead.
 *
 * <p>The plugin is compiled against Connect 3.9, which has no {@code pluginMetrics()}: it is found reflectively, so the
 * same jar loads in both.
 */
public final class TaskMetrics implements AutoCloseable {

    public static final String FALLBACK_JMX_PREFIX = "kafka.connect.datazone";
    static final String GROUP = "datazone-task-metrics";

    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);

    private final Registry registry;
    /** Gauges whose names a previous instance of this task still holds; registered once it lets go. */
    private final Map<MetricName, MetricValueProvider<?>> pending = new LinkedHashMap<>();

    private TaskMetrics(Registry registry) {
        this.registry = registry;
    }

    /**
     * Metrics for a task.
     *
     * @param taskContext the task's {@code SinkTaskContext} or {@code SourceTaskContext}
     * @param connectorName the connector's name, used as a tag only by the fallback reporter
     */
    public static TaskMetrics forTask(Object taskContext, String connectorName) {
        Object pluginMetrics = pluginMetricsOf(taskContext);
        if (pluginMetrics != null) {
            return new TaskMetrics(new PluginMetricsRegistry(pluginMetrics));
        }
        LOG.info("This Connect worker has no plugin metrics (Kafka < 4.1): publishing task metrics through JMX under"
                + " {}", FALLBACK_JMX_PREFIX);
        return new TaskMetrics(new OwnJmxRegistry(connectorName, ContextThreads.scope("unknown")));
    }

    /** A value read when the metric is reported: a counter or the current size of something. */
    public void gauge(String name, String description, Supplier<? extends Number> value) {
        gauge(name, description, Collections.emptyMap(), value);
    }

    /** A gauge told apart from others of its name by tags, e.g. {@code error-type}. */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<? extends Number> value) {
        MetricValueProvider<Object> provider = (Gauge<Object>) (config, now) -> value.get();
        try {
            MetricName metricName = registry.metricName(name, description, tags);
            if (!tryAdd(metricName, provider)) {
                pending.put(metricName, provider);
            }
        } catch (RuntimeException e) {
            unavailable(name, e);
        }
    }

    /**
     * Registers the gauges a previous instance of this task still held when this one started (a restart that did not
     * wait for the old instance to stop). Cheap when there are none; tasks call it as they work.
     */
    public void registerPending() {
        if (!pending.isEmpty()) {
            pending.entrySet().removeIf(entry -> tryAdd(entry.getKey(), entry.getValue()));
        }
    }

    private boolean tryAdd(MetricName metricName, MetricValueProvider<?> provider) {
        try {
            registry.addMetric(metricName, provider);
            return true;
        } catch (IllegalArgumentException stillHeldByThePreviousInstance) {
            return false;
        }
    }

    /** A recorder of durations, published as {@code <name>-avg} and {@code <name>-max} in milliseconds. */
    public LatencyRecorder latency(String name, String description) {
        try {
            Sensor sensor = registry.addSensor(name);
            addStat(sensor, name + "-avg", "Average " + description + " in ms", new Avg());
            addStat(sensor, name + "-max", "Maximum " + description + " in ms", new Max());
            return millis -> sensor.record(millis);
        } catch (RuntimeException e) {
            unavailable(name, e);
            return millis -> { };
        }
    }

    private void addStat(Sensor sensor, String name, String description, MeasurableStat stat) {
        try {
            sensor.add(registry.metricName(name, description, Collections.emptyMap()), stat);
        } catch (IllegalArgumentException alreadyThere) {
            // The sensor is shared with a previous instance of this task, which registered the stat already.
        }
    }

    /** Metrics help operators but must never stop a task. */
    private static void unavailable(String name, RuntimeException e) {
        LOG.warn("Metric {} is not available: {}", name, e.toString());
    }

    @Override
    public void close() {
        registry.close();
    }

    /** Records durations into a latency metric. */
    @FunctionalInterface
    public interface LatencyRecorder {
        void record(double millis);

        /** Makes the call and records its duration once it completes, successfully or not. */
        default <T> CompletableFuture<T> timed(Supplier<CompletableFuture<T>> call) {
            long start = System.nanoTime();
            return call.get().whenComplete((result, error) -> record((System.nanoTime() - start) / 1e6));
        }
    }

    private static Object pluginMetricsOf(Object taskContext) {
        for (Class<?> type : taskContext.getClass().getInterfaces()) {
            try {
                Method method = type.getMethod("pluginMetrics");
                return method.invoke(taskContext);
            } catch (NoSuchMethodException e) {
                // Not on this interface: older Connect API, or another interface.
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException | LinkageError e) {
                LOG.debug("pluginMetrics() is not usable here", e);
            }
        }
        return null;
    }

    /** Where metrics go: Connect's plugin metrics, or our own registry. */
    private interface Registry {
        MetricName metricName(String name, String description, Map<String, String> tags);

        void addMetric(MetricName name, MetricValueProvider<?> provider);

        Sensor addSensor(String name);

        /** Releases what this task instance registered. */
        void close();
    }

    /** Calls {@code org.apache.kafka.common.metrics.PluginMetrics} reflectively (absent from Kafka 3.x clients). */
    private static final class PluginMetricsRegistry implements Registry {
        private final Object pluginMetrics;
        private final Method metricName;
        private final Method addMetric;
        private final Method addSensor;

        PluginMetricsRegistry(Object pluginMetrics) {
            this.pluginMetrics = pluginMetrics;
            try {
                Class<?> api = Class.forName("org.apache.kafka.common.metrics.PluginMetrics", true,
                        pluginMetrics.getClass().getClassLoader());
                metricName = api.getMethod("metricName", String.class, String.class, LinkedHashMap.class);
                addMetric = api.getMethod("addMetric", MetricName.class, MetricValueProvider.class);
                addSensor = api.getMethod("addSensor", String.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("PluginMetrics has an unexpected shape", e);
            }
        }

        @Override
        public MetricName metricName(String name, String description, Map<String, String> tags) {
            return (MetricName) call(metricName, name, description, new LinkedHashMap<>(tags));
        }

        @Override
        public void addMetric(MetricName name, MetricValueProvider<?> provider) {
            call(addMetric, name, provider);
        }

        @Override
        public Sensor addSensor(String name) {
            return (Sensor) call(addSensor, name);
        }

        @Override
        public void close() {
            // Connect removes a task's plugin metrics when it closes the task. Removing them here, by name, could
            // remove those of a newer instance of the same task that already replaced them.
        }

        private Object call(Method method, Object... args) {
            try {
                return method.invoke(pluginMetrics, args);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot call " + method.getName(), e);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException ? (RuntimeException) cause
                        : new IllegalStateException(method.getName() + " failed", cause);
            }
        }
    }

    /** Our own metrics registry with a JMX reporter, for workers older than Kafka 4.1. */
    private static final class OwnJmxRegistry implements Registry {
        private final Metrics metrics;
        private final Map<String, String> tags;

        OwnJmxRegistry(String connectorName, String taskId) {
            Map<String, String> context = new LinkedHashMap<>();
            context.put("connector", connectorName);
            this.metrics = new Metrics(new MetricConfig(), Collections.singletonList(new JmxReporter()), Time.SYSTEM,
                    new KafkaMetricsContext(FALLBACK_JMX_PREFIX, context));
            this.tags = new LinkedHashMap<>();
            tags.put("connector", connectorName);
            tags.put("task", taskId);
        }

        @Override
        public MetricName metricName(String name, String description, Map<String, String> extraTags) {
            Map<String, String> all = new LinkedHashMap<>(tags);
            all.putAll(extraTags);
            return metrics.metricName(name, GROUP, description, all);
        }

        @Override
        public void addMetric(MetricName name, MetricValueProvider<?> provider) {
            metrics.addMetric(name, provider);
        }

        @Override
        public Sensor addSensor(String name) {
            return metrics.sensor(name);
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
