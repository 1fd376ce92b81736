package io.kcdatazone.testkit;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Heap and CPU of another JVM on this machine (a child Connect worker), through the attach API and the local JMX agent
 * it starts there: what the JVM itself reports, without options given at its launch.
 */
public final class RemoteJvm implements AutoCloseable {

    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final com.sun.management.OperatingSystemMXBean os;

    private RemoteJvm(JMXConnector connector, MemoryMXBean memory, com.sun.management.OperatingSystemMXBean os) {
        this.connector = connector;
        this.memory = memory;
        this.os = os;
    }

    public static RemoteJvm attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        MBeanServerConnection server = connector.getMBeanServerConnection();
        return new RemoteJvm(connector,
                ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                        MemoryMXBean.class),
                ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                        com.sun.management.OperatingSystemMXBean.class));
    }

    /** Runs a full collection, then reads the heap in use: what the JVM holds on to, not what awaits collection. */
    public long heapUsedAfterGcBytes() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** CPU time the whole process has used since it started. */
    public long processCpuNanos() {
        return os.getProcessCpuTime();
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
