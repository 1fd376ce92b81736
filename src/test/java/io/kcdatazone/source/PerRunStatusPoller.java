package io.kcdatazone.source;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.datazone.DataZoneAsyncClient;

/**
 * The status tracking a hand-written client would do, as the baseline of the connector's: every run polled on its
 * own with GetDataSourceRun, at a fixed interval from the previous answer, until it reaches a terminal status. Records
 * when it first saw each status.
 *
 * <p>The first poll of a run comes after a random part of the interval. The simulator's runs change status at fixed
 * times after their start, so runs started together and polled from their start would all be polled at the same
 * moments of their lifecycle, and the lag would show that alignment rather than the interval.
 */
final class PerRunStatusPoller implements AutoCloseable {

    private static final Set<String> IN_PROGRESS = Set.of("REQUESTED", "RUNNING");

    /** A status of a run, and when the poller first saw it. */
    record Change(String runId, String status, Instant seenAt) {
    }

    private final DataZoneAsyncClient client;
    private final long intervalMs;
    private final Clock clock;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "per-run-status-poller"));
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private final Random random = new Random(42);

    PerRunStatusPoller(DataZoneAsyncClient client, Duration interval, Clock clock) {
        this.client = client;
        this.intervalMs = interval.toMillis();
        this.clock = clock;
    }

    /** Starts polling a run; {@code status} is the one its start answer gave. */
    void track(String domainId, String runId, String status) {
        lastStatus.put(runId, status);
        long firstPollMs;
        synchronized (random) {
            firstPollMs = 1 + random.nextInt((int) intervalMs);
        }
        scheduler.schedule(() -> poll(domainId, runId), firstPollMs, TimeUnit.MILLISECONDS);
    }

    private void poll(String domainId, String runId) {
        calls.incrementAndGet();
        client.getDataSourceRun(b -> b.domainIdentifier(domainId).identifier(runId)).whenComplete((run, error) -> {
            String status = error == null ? run.statusAsString() : lastStatus.get(runId);
            if (!status.equals(lastStatus.put(runId, status))) {
                changes.add(new Change(runId, status, clock.instant()));
            }
            if (IN_PROGRESS.contains(status)) {
                scheduler.schedule(() -> poll(domainId, runId), intervalMs, TimeUnit.MILLISECONDS);
            } else {
                lastStatus.remove(runId);
            }
        });
    }

    /** Runs not yet seen in a terminal status. */
    int tracked() {
        return lastStatus.size();
    }

    /** GetDataSourceRun calls made so far. */
    long calls() {
        return calls.get();
    }

    /** The status changes seen so far, each with when it was seen. */
    List<Change> changes() {
        return List.copyOf(changes);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
