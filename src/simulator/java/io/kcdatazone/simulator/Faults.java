package io.kcdatazone.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * Fault injection for tests. Scripted faults queue up per operation and are consumed one per request, in the order
 * they were added, so {@code failNext(START_DATA_SOURCE_RUN, THROTTLING, 2).resetNext(START_DATA_SOURCE_RUN, 1)}
 * answers the next three Starts with two throttles and a reset. When an operation's queue is empty, its error rates
 * (if any) apply, drawn from a seeded random source so a run of the tests is repeatable. Thread-safe.
 */
public final class Faults {
    private final Catalog catalog;
    private final RunStore runs;
    private final Random random;
    private final Map<Operation, Deque<Fault>> scripted = new EnumMap<>(Operation.class);
    private final Map<Operation, List<ErrorRate>> errorRates = new EnumMap<>(Operation.class);
    private int slowdown = 1;

    private record ErrorRate(ServiceError error, double probability) {
    }

    Faults(Catalog catalog, RunStore runs, long randomSeed) {
        this.catalog = catalog;
        this.runs = runs;
        this.random = new Random(randomSeed);
    }

    /** The next {@code times} calls of {@code operation} answer {@code error}. */
    public synchronized Faults failNext(Operation operation, ServiceError error, int times) {
        if (!operation.declaredErrors().contains(error)) {
            throw new IllegalArgumentException(operation.apiName() + " does not declare " + error.errorType());
        }
        return enqueue(operation, new Fault.Fail(error), times);
    }

    /** The next {@code times} calls of {@code operation} see their connection closed before anything happens. */
    public synchronized Faults resetNext(Operation operation, int times) {
        return enqueue(operation, new Fault.ResetBeforeHandling(), times);
    }

    /**
     * The next {@code times} calls of {@code operation} take effect (a Start starts its run) but the connection is
     * closed instead of answering: the client cannot tell whether its call did anything.
     */
    public synchronized Faults dropResponseNext(Operation operation, int times) {
        return enqueue(operation, new Fault.ResetAfterHandling(), times);
    }

    /** The next {@code times} calls of {@code operation} take effect, then answer only after {@code delay}. */
    public synchronized Faults delayNext(Operation operation, Duration delay, int times) {
        return enqueue(operation, new Fault.SlowResponse(Objects.requireNonNull(delay, "delay")), times);
    }

    /** From now on, each call of {@code operation} answers {@code error} with {@code probability}. */
    public synchronized Faults failRandomly(Operation operation, ServiceError error, double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be within 0..1, got " + probability);
        }
        if (!operation.declaredErrors().contains(error)) {
            throw new IllegalArgumentException(operation.apiName() + " does not declare " + error.errorType());
        }
        errorRates.computeIfAbsent(operation, op -> new ArrayList<>()).add(new ErrorRate(error, probability));
        return this;
    }

    /** Stops the error rates of {@code operation}; its scripted faults still apply. */
    public synchronized Faults stopFailingRandomly(Operation operation) {
        errorRates.remove(operation);
        return this;
    }

    /**
     * Every call's configured latency is multiplied by {@code factor} from now on: a service having a slow spell.
     * {@code slowDown(1)} restores the normal speed. Without configured latency there is nothing to multiply.
     */
    public synchronized Faults slowDown(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be at least 1, got " + factor);
        }
        slowdown = factor;
        return this;
    }

    /** The next run started for {@code dataSourceId} behaves as {@code script} says. Scripts queue up in order. */
    public Faults scriptNextRun(String dataSourceId, RunScript script) {
        runs.scriptNextRun(dataSourceId, Objects.requireNonNull(script, "script"));
        return this;
    }

    /**
     * From now on, a Start for {@code dataSourceId} while one of its runs is REQUESTED or RUNNING answers
     * ConflictException when {@code conflict} is true, and starts a run when it is false, whatever
     * {@link SimulatorOptions.Builder#conflictWhileRunInProgress(boolean)} says for the other data sources. Real
     * DataZone always refuses (true); a test switches it on for a few data sources to keep retries pending.
     */
    public Faults conflictWhileRunInProgress(String dataSourceId, boolean conflict) {
        runs.conflictWhileInProgress(Objects.requireNonNull(dataSourceId, "dataSourceId"), conflict);
        return this;
    }

    /** The run disappears: reads answer ResourceNotFoundException and listings leave it out. */
    public Faults vanishRun(String runId) {
        runs.vanish(runId);
        return this;
    }

    /**
     * The data source is deleted, as DataZone's DeleteDataSource does: ListDataSourceRuns, GetDataSource and
     * StartDataSourceRun for it answer ResourceNotFoundException, GetDataSourceRun for each of its runs too, and
     * ListDataSources leaves it out. It is not undone by {@link #clear()}.
     */
    public Faults deleteDataSource(String domainId, String dataSourceId) {
        catalog.delete(domainId, dataSourceId);
        runs.vanishRunsOf(dataSourceId);
        return this;
    }

    /**
     * Removes every scripted fault, error rate, run script not yet consumed and per-data-source conflict rule, and
     * restores the normal speed. Vanished runs stay vanished.
     */
    public synchronized void clear() {
        scripted.clear();
        errorRates.clear();
        slowdown = 1;
        runs.clearScriptedBehaviour();
    }

    /** The fault the next call of {@code operation} suffers, if any; consumes a scripted fault. */
    synchronized Optional<Fault> next(Operation operation) {
        Deque<Fault> queue = scripted.get(operation);
        if (queue != null && !queue.isEmpty()) {
            return Optional.of(queue.poll());
        }
        for (ErrorRate rate : errorRates.getOrDefault(operation, List.of())) {
            if (random.nextDouble() < rate.probability()) {
                return Optional.of(new Fault.Fail(rate.error()));
            }
        }
        return Optional.empty();
    }

    /** {@code latency} as the current slowdown stretches it. */
    synchronized Duration stretch(Duration latency) {
        return latency.multipliedBy(slowdown);
    }

    private Faults enqueue(Operation operation, Fault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        Deque<Fault> queue = scripted.computeIfAbsent(operation, op -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(fault);
        }
        return this;
    }
}
