package io.kcdatazone.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of a chaos run, each at its offset from the start: the schedule is the experiment, not a way to wait
 * for something. Steps run on their own threads, so one that blocks (a worker starting) does not delay the others.
 */
final class ChaosSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosSchedule.class);

    /** What a step does; it may throw. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private record Step(Duration at, String name, Action action) {
    }

    /** When a step ran, by {@link System#nanoTime()}; {@code endNanos} is 0 while it runs. */
    record Window(String name, long startNanos, long endNanos) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<ScheduledFuture<?>> running = new ArrayList<>();
    private final List<Window> windows = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "chaos-schedule");
        thread.setDaemon(true);
        return thread;
    });
    private long startNanos;

    /** Adds a step {@code at} after the start. */
    ChaosSchedule at(Duration at, String name, Action action) {
        steps.add(new Step(at, name, action));
        return this;
    }

    void start() {
        startNanos = System.nanoTime();
        for (Step step : steps) {
            running.add(executor.schedule(() -> {
                LOG.info("Chaos at {} s: {}", elapsedSeconds(), step.name());
                long began = System.nanoTime();
                step.action().run();
                windows.add(new Window(step.name(), began, System.nanoTime()));
                LOG.info("Chaos at {} s: done: {}", elapsedSeconds(), step.name());
                return null;
            }, step.at().toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Whether every step has finished (or failed). */
    boolean isDone() {
        return running.stream().allMatch(ScheduledFuture::isDone);
    }

    /** When each step that finished ran. */
    List<Window> windows() {
        return List.copyOf(windows);
    }

    /** Waits for every step to finish; rethrows the first failure, naming its step. */
    void awaitDone(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("chaos step failed: " + steps.get(i).name(), e.getCause());
            }
        }
    }

    private String elapsedSeconds() {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
