package io.kcdatazone.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of this JVM at one moment, in total and per live thread, so a benchmark can tell how much CPU a stretch of
 * work cost and which component's threads spent it. Threads that end between two snapshots count only in the total,
 * as does the JVM's own work (JIT compiler, garbage collector), whose threads are not Java threads.
 */
public final class ProcessCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long totalNanos;
    private final Map<Long, Long> threadNanos;
    private final Map<Long, String> threadNames;

    private ProcessCpu(long totalNanos, Map<Long, Long> threadNanos, Map<Long, String> threadNames) {
        this.totalNanos = totalNanos;
        this.threadNanos = threadNanos;
        this.threadNames = threadNames;
    }

    public static ProcessCpu now() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    nanos.put(info.getThreadId(), cpu);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        return new ProcessCpu(OS.getProcessCpuTime(), nanos, names);
    }

    /** CPU nanoseconds of the whole process since {@code earlier}. */
    private long totalSince(ProcessCpu earlier) {
        return totalNanos - earlier.totalNanos;
    }

    /**
     * CPU nanoseconds since {@code earlier} by the group {@code groupOf} gives each thread's name, plus what the
     * threads alive now do not account for, under {@code unaccounted}.
     */
    public Map<String, Long> bySince(ProcessCpu earlier, Function<String, String> groupOf, String unaccounted) {
        Map<String, Long> groups = new LinkedHashMap<>();
        long accounted = 0;
        for (Map.Entry<Long, Long> thread : threadNanos.entrySet()) {
            long spent = thread.getValue() - earlier.threadNanos.getOrDefault(thread.getKey(), 0L);
            groups.merge(groupOf.apply(threadNames.get(thread.getKey())), spent, Long::sum);
            accounted += spent;
        }
        groups.merge(unaccounted, totalSince(earlier) - accounted, Long::sum);
        return groups;
    }
}
