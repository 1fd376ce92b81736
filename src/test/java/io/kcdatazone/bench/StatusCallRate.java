package io.kcdatazone.bench;

import io.kcdatazone.simulator.Introspection;
import io.kcdatazone.simulator.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How fast the DataZone simulator received status calls (ListDataSourceRuns and GetDataSourceRun), from its call record
 * sampled once a second on a thread of its own: the simulator records calls without a time, so the rate over any
 * stretch of a benchmark comes from the samples nearest its ends.
 */
public final class StatusCallRate implements AutoCloseable {

    private static final Set<Operation> STATUS_CALLS = EnumSet.of(Operation.LIST_DATA_SOURCE_RUNS,
            Operation.GET_DATA_SOURCE_RUN);

    private final Introspection simulator;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
            runnable -> new Thread(runnable, "status-call-rate"));
    /** {System.nanoTime(), status calls received so far}, oldest first. */
    private final List<long[]> samples = new ArrayList<>();

    public StatusCallRate(Introspection simulator) {
        this.simulator = simulator;
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        long calls = simulator.calls().stream().filter(call -> STATUS_CALLS.contains(call.operation())).count();
        synchronized (samples) {
            samples.add(new long[] {System.nanoTime(), calls});
        }
    }

    /** Calls per second between two {@link System#nanoTime()} instants; NaN without two samples in between. */
    public double mean(long fromNanos, long toNanos) {
        List<long[]> within = within(fromNanos, toNanos);
        return within.size() < 2 ? Double.NaN : rate(within.get(0), within.get(within.size() - 1));
    }

    /** The highest rate over {@code window} (or the samples' nearest longer span) between two instants. */
    public double peak(long fromNanos, long toNanos, Duration window) {
        List<long[]> within = within(fromNanos, toNanos);
        double peak = Double.NaN;
        int end = 0;
        for (int start = 0; start < within.size(); start++) {
            end = Math.max(end, start + 1);
            while (end < within.size() && within.get(end)[0] - within.get(start)[0] < window.toNanos()) {
                end++;
            }
            if (end == within.size()) {
                break;
            }
            double rate = rate(within.get(start), within.get(end));
            peak = Double.isNaN(peak) ? rate : Math.max(peak, rate);
        }
        return peak;
    }

    private List<long[]> within(long fromNanos, long toNanos) {
        synchronized (samples) {
            return samples.stream().filter(s -> s[0] >= fromNanos && s[0] <= toNanos).toList();
        }
    }

    private static double rate(long[] from, long[] to) {
        return (to[1] - from[1]) * 1e9 / (to[0] - from[0]);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
