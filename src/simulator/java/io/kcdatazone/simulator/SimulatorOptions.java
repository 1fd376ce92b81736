package io.kcdatazone.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link DataZoneSimulator} is set up. The defaults behave like a real account with the default seed: no
 * added latency, a ConflictException for a Start while a run is in progress, 25 runs per data source per day, and no
 * request-rate quota.
 */
public final class SimulatorOptions {
    private final int port;
    private final Seed seed;
    private final Clock clock;
    private final Duration fixedLatency;
    private final Duration latencyJitter;
    private final RunLimits runLimits;
    private final Map<Operation, RateLimit> rateLimits;
    private final long randomSeed;

    private SimulatorOptions(Builder builder) {
        this.port = builder.port;
        this.seed = builder.seed;
        this.clock = builder.clock;
        this.fixedLatency = builder.fixedLatency;
        this.latencyJitter = builder.latencyJitter;
        this.runLimits = new RunLimits(builder.conflictWhileRunInProgress, builder.runsPerDataSourcePerDay);
        this.rateLimits = Map.copyOf(builder.rateLimits);
        this.randomSeed = builder.randomSeed;
    }

    /** Options with every default. */
    public static SimulatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    int port() {
        return port;
    }

    Seed seed() {
        return seed;
    }

    Clock clock() {
        return clock;
    }

    LatencyModel latencyModel() {
        return new LatencyModel(fixedLatency, latencyJitter, randomSeed);
    }

    RunLimits runLimits() {
        return runLimits;
    }

    Map<Operation, RateLimit> rateLimits() {
        return rateLimits;
    }

    long randomSeed() {
        return randomSeed;
    }

    /** Builds {@link SimulatorOptions}. */
    public static final class Builder {
        private int port;
        private Seed seed = Seed.defaultSeed();
        private Clock clock = Clock.systemUTC();
        private Duration fixedLatency = Duration.ZERO;
        private Duration latencyJitter = Duration.ZERO;
        private boolean conflictWhileRunInProgress = true;
        private int runsPerDataSourcePerDay = 25;
        private final Map<Operation, RateLimit> rateLimits = new EnumMap<>(Operation.class);
        private long randomSeed = 42;

        private Builder() {
        }

        /** The loopback port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The account's content; {@link Seed#defaultSeed()} by default. */
        public Builder seed(Seed seed) {
            this.seed = Objects.requireNonNull(seed, "seed");
            return this;
        }

        /** The time source for run lifecycles, quotas and rate limits; a {@link ManualClock} in tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Every call waits {@code fixed} plus a uniform random part of {@code jitter} before it is handled. */
        public Builder latency(Duration fixed, Duration jitter) {
            if (fixed.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative");
            }
            this.fixedLatency = fixed;
            this.latencyJitter = jitter;
            return this;
        }

        /** Whether a Start while a run of the data source is in progress is a ConflictException (default true). */
        public Builder conflictWhileRunInProgress(boolean conflict) {
            this.conflictWhileRunInProgress = conflict;
            return this;
        }

        /**
         * Every Start starts a run: no ConflictException while one is in progress and no daily quota, for tests about
         * the connector rather than about DataZone's limits.
         */
        public Builder startsEveryRun() {
            return conflictWhileRunInProgress(false).runsPerDataSourcePerDay(0);
        }

        /** Runs a data source may start per UTC day before ServiceQuotaExceededException; 0 for no limit. */
        public Builder runsPerDataSourcePerDay(int runs) {
            if (runs < 0) {
                throw new IllegalArgumentException("runs per day must not be negative");
            }
            this.runsPerDataSourcePerDay = runs;
            return this;
        }

        /** A request-rate quota for {@code operation}; calls beyond it answer ThrottlingException. */
        public Builder rateLimit(Operation operation, RateLimit limit) {
            rateLimits.put(Objects.requireNonNull(operation, "operation"), Objects.requireNonNull(limit, "limit"));
            return this;
        }

        /** Seeds run ids, latency jitter and random faults, so a simulator behaves the same on every start. */
        public Builder randomSeed(long randomSeed) {
            this.randomSeed = randomSeed;
            return this;
        }

        public SimulatorOptions build() {
            return new SimulatorOptions(this);
        }
    }
}
