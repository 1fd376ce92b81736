package io.kcdatazone.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All runs of the account, and the one place where a run is started. Starting is a single synchronised decision
 * (idempotent replay, token reuse, concurrent run, daily quota, creation), so "one key, one run" holds under any
 * number of concurrent callers.
 */
final class RunStore {
    private static final Duration MIN_SCHEDULE_INTERVAL = Duration.ofSeconds(1);
    private final Clock clock;
    private final RunLimits limits;
    private final RunFactory factory;

    private final Map<String, Run> runsById = new LinkedHashMap<>();
    private final Map<String, Run> runsByClientToken = new HashMap<>();
    /** Each data source's runs in creation order: a start reads only its own data source's, not the account's. */
    private final Map<String, List<Run>> runsPerDataSource = new HashMap<>();
    private final Map<String, Deque<RunScript>> scriptsPerDataSource = new HashMap<>();
    private final Set<String> vanished = new HashSet<>();
    /** The data sources' schedules, by data source id. */
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    /** Data sources whose conflict rule differs from {@link RunLimits#conflictWhileInProgress()}. */
    private final Map<String, Boolean> conflictOverrides = new HashMap<>();

    /**
     * A data source's own run-related state.
     *
     * @param status READY, or RUNNING while one of its runs is in progress
     * @param lastRun the latest run with its state, if any
     */
    record DataSourceState(String status, Optional<RunSnapshot> lastRun) {
    }

    /** A data source's schedule: its next firing, then one every {@code every}. */
    private record Schedule(Catalog.DataSourceEntry entry, Instant next, Duration every) {
    }

    /** A run together with its state at the moment it was read. */
    record RunSnapshot(Run run, RunState state) {
    }

    RunStore(Clock clock, RunLimits limits, RunFactory factory) {
        this.clock = clock;
        this.limits = limits;
        this.factory = factory;
    }

    /** Starts a run, or returns the run already started with the same idempotency key. */
    synchronized Run start(Catalog.DataSourceEntry entry, String clientToken) {
        Instant now = now();
        if (clientToken != null) {
            Run earlier = runsByClientToken.get(clientToken);
            if (earlier != null) {
                if (earlier.domainId().equals(entry.domain().id()) && earlier.dataSourceId().equals(entry.id())) {
                    return earlier;
                }
                throw ApiException.conflict("Client token " + clientToken
                        + " was already used to start a run of another data source");
            }
        }
        return create(entry, clientToken, RunType.PRIORITIZED, now);
    }

    /**
     * Starts a run the way DataZone does outside StartDataSourceRun (a schedule, or the console), so without a
     * client token, under the same rules as a Start.
     */
    synchronized Run startOutsideTheApi(Catalog.DataSourceEntry entry, RunType type) {
        return create(entry, null, type, now());
    }

    /**
     * From {@code firstAt} on, a SCHEDULED run of the data source starts every {@code every}, replacing any schedule
     * it had. A firing the rules refuse (a run in progress while conflicts are on, the daily quota) is skipped, as a
     * schedule cannot retry.
     */
    synchronized void schedule(Catalog.DataSourceEntry entry, Instant firstAt, Duration every) {
        Instant now = now();
        if (firstAt.isBefore(now)) {
            throw new IllegalArgumentException("a schedule cannot start in the past: " + firstAt + " < " + now);
        }
        if (every.compareTo(MIN_SCHEDULE_INTERVAL) < 0) {
            throw new IllegalArgumentException("a schedule fires at most once a second, not every " + every);
        }
        schedules.put(entry.id(), new Schedule(entry, firstAt, every));
    }

    synchronized void unschedule(String dataSourceId) {
        schedules.remove(dataSourceId);
    }

    /** The visible run with this id in this domain. */
    synchronized Optional<Run> find(String domainId, String runId) {
        now();
        return Optional.ofNullable(runsById.get(runId))
                .filter(run -> run.domainId().equals(domainId) && !vanished.contains(runId));
    }

    /** The visible runs of a data source, newest first. */
    synchronized List<Run> visibleRunsOf(String dataSourceId) {
        now();
        List<Run> runs = new ArrayList<>(runsOf(dataSourceId));
        runs.removeIf(run -> vanished.contains(run.id()));
        runs.sort(Comparator.comparingLong(Run::sequence).reversed());
        return runs;
    }

    synchronized DataSourceState dataSourceState(String dataSourceId) {
        Instant now = now();
        List<RunSnapshot> snapshots = visibleRunsOf(dataSourceId).stream()
                .map(run -> new RunSnapshot(run, run.stateAt(now)))
                .toList();
        boolean running = snapshots.stream().anyMatch(snapshot -> snapshot.state().inProgress());
        return new DataSourceState(running ? "RUNNING" : "READY", snapshots.stream().findFirst());
    }

    /** Every run ever started, including vanished ones, in creation order. */
    synchronized List<Run> allRuns() {
        now();
        return List.copyOf(runsById.values());
    }

    synchronized void scriptNextRun(String dataSourceId, RunScript script) {
        scriptsPerDataSource.computeIfAbsent(dataSourceId, id -> new ArrayDeque<>()).add(script);
    }

    synchronized void vanish(String runId) {
        if (!runsById.containsKey(runId)) {
            throw new IllegalArgumentException("no run " + runId);
        }
        vanished.add(runId);
    }

    /** The data source was deleted: its runs vanish and its schedule stops. */
    synchronized void vanishRunsOf(String dataSourceId) {
        schedules.remove(dataSourceId);
        runsOf(dataSourceId).forEach(run -> vanished.add(run.id()));
    }

    synchronized void conflictWhileInProgress(String dataSourceId, boolean conflict) {
        conflictOverrides.put(dataSourceId, conflict);
    }

    /** Drops the run scripts not yet used and the per-data-source conflict rules. */
    synchronized void clearScriptedBehaviour() {
        scriptsPerDataSource.clear();
        conflictOverrides.clear();
    }

    /** Creates a run at {@code at} if the account's rules allow it, else throws the error DataZone answers. */
    private Run create(Catalog.DataSourceEntry entry, String clientToken, RunType type, Instant at) {
        List<Run> runs = runsOf(entry.id());
        if (conflictOverrides.getOrDefault(entry.id(), limits.conflictWhileInProgress())
                && runs.stream().anyMatch(run -> !vanished.contains(run.id()) && run.stateAt(at).inProgress())) {
            throw ApiException.conflict("A data source run is already in progress for data source " + entry.id());
        }
        if (limits.runsPerDataSourcePerDay() > 0 && startedToday(runs, at) >= limits.runsPerDataSourcePerDay()) {
            throw new ApiException(ServiceError.SERVICE_QUOTA_EXCEEDED, "The maximum number of data source runs per "
                    + "data source per day (" + limits.runsPerDataSourcePerDay() + ") has been reached");
        }
        RunScript script = Optional.ofNullable(scriptsPerDataSource.get(entry.id()))
                .map(Deque::poll)
                .orElse(RunScript.NONE);
        Run run;
        do {
            run = factory.create(runsById.size(), entry, clientToken, type, at, runs.size(), script);
        } while (runsById.containsKey(run.id()));
        runsById.put(run.id(), run);
        runsPerDataSource.computeIfAbsent(entry.id(), id -> new ArrayList<>()).add(run);
        if (clientToken != null) {
            runsByClientToken.put(clientToken, run);
        }
        return run;
    }

    /**
     * The simulator's time, after starting every scheduled run due by then. Runs are immutable functions of time, so
     * a schedule fires lazily: each due firing creates its run at its own instant, in time order across data sources,
     * before anything reads or starts runs, so no read can tell it from a schedule that fired on time.
     */
    private Instant now() {
        // Millisecond precision, as in AWS's own examples; the lifecycle is computed from this instant.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        while (true) {
            Optional<Schedule> due = schedules.values().stream().filter(schedule -> !schedule.next().isAfter(now))
                    .min(Comparator.comparing(Schedule::next));
            if (due.isEmpty()) {
                return now;
            }
            Schedule firing = due.get();
            schedules.put(firing.entry().id(), new Schedule(firing.entry(), firing.next().plus(firing.every()),
                    firing.every()));
            try {
                create(firing.entry(), null, RunType.SCHEDULED, firing.next().truncatedTo(ChronoUnit.MILLIS));
            } catch (ApiException refused) {
                // DataZone's scheduler does not retry a refused firing; the next one comes at its time.
            }
        }
    }

    private List<Run> runsOf(String dataSourceId) {
        return runsPerDataSource.getOrDefault(dataSourceId, List.of());
    }

    /** Runs started today (UTC), newest last: counted from the end, since a data source's runs are in time order. */
    private static long startedToday(List<Run> runs, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long count = 0;
        for (int i = runs.size() - 1; i >= 0 && LocalDate.ofInstant(runs.get(i).createdAt(), ZoneOffset.UTC)
                .equals(today); i--) {
            count++;
        }
        return count;
    }
}
