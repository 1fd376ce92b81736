package io.kcdatazone.testkit;

import java.lang.management.ManagementFactory;
import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Reads a connector's task metrics the way a JMX agent would: by attribute name, on the MBeans Connect publishes plugin
 * metrics under ({@code kafka.connect:type=plugins,connector=...,task=...}). Embedded workers share the test JVM's
 * platform MBean server.
 */
public final class JmxTaskMetrics {

    private JmxTaskMetrics() {
    }

    /**
     * The value of {@code attribute} on the connector's plugin MBean whose extra tags match {@code tags} (e.g.
     * {@code "event-type=RUN_STARTED"}, or empty), summed over its tasks; NaN when no MBean has it.
     */
    public static double read(String connector, String attribute, String tags) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String pattern = "kafka.connect:type=plugins,connector=" + connector + (tags.isEmpty() ? "" : "," + tags)
                + ",*";
        double sum = Double.NaN;
        try {
            for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
                if (tags.isEmpty() && name.getKeyPropertyList().size() > 3) {
                    continue; // A tagged metric of the same name; the caller asked for the untagged one.
                }
                try {
                    Object value = server.getAttribute(name, attribute);
                    if (value instanceof Number number) {
                        sum = (Double.isNaN(sum) ? 0 : sum) + number.doubleValue();
                    }
                } catch (AttributeNotFoundException e) {
                    // Another plugin of this connector (a converter, say) has no such metric.
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + connector + " over JMX", e);
        }
        return sum;
    }
}
