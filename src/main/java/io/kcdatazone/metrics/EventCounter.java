package io.kcdatazone.metrics;

import org.apache.kafka.common.metrics.Sensor;

/**
 * Counts one kind of event of a task, for its log lines and, once {@linkplain TaskMetrics#meter published}, as a
 * metric's total and rate. The count is kept here, so log lines stay right when metrics are unavailable, and a sensor
 * published late (while a previous instance of the task held the names) is brought up to it. Thread-safe.
 */
public final class EventCounter {

    private long count;
    private Sensor sensor;

    /** One more event. */
    public synchronized void record() {
        count++;
        if (sensor != null) {
            sensor.record();
        }
    }

    /** The events so far. */
    public synchronized long count() {
        return count;
    }

    /** From now on events go to {@code sensor} too, which first gets those counted before. */
    synchronized void publishTo(Sensor sensor) {
        this.sensor = sensor;
        if (count > 0) {
            sensor.record(count);
        }
    }
}
