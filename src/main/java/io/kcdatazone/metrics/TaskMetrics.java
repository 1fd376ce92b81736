package io.kcdatazone.metrics;

import io.kcdatazone.logging.ContextThreads;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.MetricValueProvider;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Meter;
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
    /**
     * Starts the names of this instance's sensors. Sensor names are worker-wide (unlike metric names, which carry the
     * task's tags), so each task instance needs names of its own, or tasks would record into each other's sensors.
     */
    private final String sensorPrefix = "kcdatazone-" + UUID.randomUUID() + "-";
    /** Registrations whose metric names a previous instance of this task still holds; done once it lets go. */
    private final List<BooleanSupplier> pending = new ArrayList<>();

    private TaskMetrics(Registry registry) {
        this.registry = registry;
    }

    /**
     * Metrics for a task.
     *
     * @param taskContext the task's {@code SinkTaskContext} or {@code SourceTaskContext}
     * @param connectorName the connector's name, used as a tag only by the fallback reporter
     * @param time the task's clock, for the fallback reporter's rates (Connect's plugin metrics have their own)
     */
    public static TaskMetrics forTask(Object taskContext, String connectorName, Time time) {
        Object pluginMetrics = pluginMetricsOf(taskContext);
        if (pluginMetrics != null) {
            return new TaskMetrics(new PluginMetricsRegistry(pluginMetrics));
        }
        LOG.info("This Connect worker has no plugin metrics (Kafka < 4.1): publishing task metrics through JMX under"
                + " {}", FALLBACK_JMX_PREFIX);
        return new TaskMetrics(new OwnJmxRegistry(connectorName, ContextThreads.scope("unknown"), time));
    }

    /** A value read when the metric is reported: a counter or the current size of something. */
    public void gauge(String name, String description, Supplier<? extends Number> value) {
        gauge(name, description, Collections.emptyMap(), value);
    }

    /** A gauge told apart from others of its name by tags, e.g. {@code error-type}. */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<? extends Number> value) {
        MetricValueProvider<Object> provider = (Gauge<Object>) (config, now) -> value.get();
        register(name, () -> {
            MetricName metricName = registry.metricName(name, description, tags);
            return () -> registry.addMetric(metricName, provider);
        });
    }

    /**
     * Publishes {@code events} as {@code <name>-total} and {@code <name>-rate} (per second, over Kafka's default
     * sample window), through a sensor with a {@link Meter}, as MirrorMaker's metrics do.
     *
     * @param description what one event is
     */
    public void meter(String name, String description, EventCounter events) {
        meter(name, description, Collections.emptyMap(), events);
    }

    /** Like {@link #meter(String, String, EventCounter)}, told apart from others of its name by tags. */
    public void meter(String name, String description, Map<String, String> tags, EventCounter events) {
        String sensorName = sensorPrefix + name + tags;
        register(name, () -> {
            MetricName rate = registry.metricName(name + "-rate", description + ", per second", tags);
            MetricName total = registry.metricName(name + "-total", description, tags);
            return () -> events.publishTo(addSensor(sensorName, sensor -> sensor.add(new Meter(rate, total))));
        });
    }

    /** A recorder of durations, published as {@code <name>-avg} and {@code <name>-max} in milliseconds. */
    public LatencyRecorder latency(String name, String description) {
        String sensorName = sensorPrefix + name;
        AtomicReference<Sensor> published = new AtomicReference<>();
        register(name, () -> {
            MetricName avg = registry.metricName(name + "-avg", "Average " + description + " in ms", Map.of());
            MetricName max = registry.metricName(name + "-max", "Maximum " + description + " in ms", Map.of());
            return () -> published.set(addSensor(sensorName, sensor -> {
                sensor.add(avg, new Avg());
                sensor.add(max, new Max());
            }));
        });
        return millis -> {
            Sensor sensor = published.get();
            if (sensor != null) {
                sensor.record(millis);
            }
        };
    }

    /**
     * A sensor of this instance with the stats {@code addStats} adds. When a previous instance of this task still
     * holds one of their names, the sensor is removed again and the {@link IllegalArgumentException} thrown.
     */
    private Sensor addSensor(String sensorName, Consumer<Sensor> addStats) {
        Sensor sensor = registry.addSensor(sensorName);
        try {
            addStats.accept(sensor);
            return sensor;
        } catch (IllegalArgumentException stillHeldByThePreviousInstance) {
            registry.removeSensor(sensorName);
            throw stillHeldByThePreviousInstance;
        }
    }

    /**
     * Prepares a registration ({@code prepare} names the metrics) and does it, now or, while a previous instance of
     * this task still holds the names, at a later {@link #registerPending()}.
     */
    private void register(String name, Supplier<Runnable> prepare) {
        Runnable registration;
        try {
            registration = prepare.get();
        } catch (RuntimeException e) {
            unavailable(name, e);
            return;
        }
        BooleanSupplier attempt = () -> {
            try {
                registration.run();
                return true;
            } catch (IllegalArgumentException stillHeldByThePreviousInstance) {
                return false;
            } catch (RuntimeException e) {
                unavailable(name, e);
                return true;
            }
        };
        if (!attempt.getAsBoolean()) {
            pending.add(attempt);
        }
    }

    /**
     * Registers the metrics a previous instance of this task still held when this one started (a restart that did
     * not wait for the old instance to stop). Cheap when there are none; tasks call it as they work.
     */
    public void registerPending() {
        if (!pending.isEmpty()) {
            pending.removeIf(BooleanSupplier::getAsBoolean);
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

        /** Makes the call and records its duration on {@code time} once it completes, successfully or not. */
        default <T> CompletableFuture<T> timed(Time time, Supplier<CompletableFuture<T>> call) {
            long start = time.nanoseconds();
            return call.get().whenComplete((result, error) -> record((time.nanoseconds() - start) / 1e6));
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

        void removeSensor(String name);

        /** Releases what this task instance registered. */
        void close();
    }

    /** Calls {@code org.apache.kafka.common.metrics.PluginMetrics} reflectively (absent from Kafka 3.x clients). */
    private static final class PluginMetricsRegistry implements Registry {
        private final Object pluginMetrics;
        private final Method metricName;
        private final Method addMetric;
        private final Method addSensor;
        private final Method removeSensor;

        PluginMetricsRegistry(Object pluginMetrics) {
            this.pluginMetrics = pluginMetrics;
            try {
                Class<?> api = Class.forName("org.apache.kafka.common.metrics.PluginMetrics", true,
                        pluginMetrics.getClass().getClassLoader());
                metricName = api.getMethod("metricName", String.class, String.class, LinkedHashMap.class);
                addMetric = api.getMethod("addMetric", MetricName.class, MetricValueProvider.class);
                addSensor = api.getMethod("addSensor", String.class);
                removeSensor = api.getMethod("removeSensor", String.class);
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
        public void removeSensor(String name) {
            call(removeSensor, name);
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

        OwnJmxRegistry(String connectorName, String taskId, Time time) {
            Map<String, String> context = new LinkedHashMap<>();
            context.put("connector", connectorName);
            this.metrics = new Metrics(new MetricConfig(), Collections.singletonList(new JmxReporter()), time,
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
        public void removeSensor(String name) {
            metrics.removeSensor(name);
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
