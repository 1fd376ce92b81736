package io.kcdatazone.simulator;

import java.time.Instant;
import java.util.Random;

/**
 * Creates runs for a data source: assigns ids and picks each run's outcome from the data source's outcome mix in turn,
 * so a seeded simulator behaves the same on every start. Not thread-safe; {@link RunStore} serialises calls.
 */
final class RunFactory {
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int ID_LENGTH = 14;

    private final Seed seed;
    private final Random random;

    RunFactory(Seed seed, long randomSeed) {
        this.seed = seed;
        this.random = new Random(randomSeed);
    }

    /**
     * A new run.
     *
     * @param clientToken the client token of a StartDataSourceRun, or null for a run started outside the API
     * @param ordinal how many runs this data source started before this one
     */
    Run create(long sequence, Catalog.DataSourceEntry entry, String clientToken, RunType type, Instant now,
            int ordinal, RunScript script) {
        Seed.DataSource dataSource = entry.dataSource();
        Outcome outcome = script.outcome()
                .orElse(dataSource.outcomes().get(ordinal % dataSource.outcomes().size()));
        AssetCounts assets = script.assets().map(AssetCounts::new)
                .orElseGet(() -> AssetCounts.of(RunStatistics.of(outcome, dataSource.assetsPerRun())));
        String detail = outcome == Outcome.PARTIALLY_SUCCEEDED
                ? assets.statistics().failed() + " of " + assets.total() + " assets failed: "
                        + dataSource.errorDetail()
                : dataSource.errorDetail();
        String snapshot = DataSourceConfiguration.of(dataSource, seed).map(Object::toString).orElse("{}");
        return new Run(sequence, newId(), entry.domain().id(), entry.project().id(), dataSource.id(), clientToken,
                type, now, dataSource.requestedFor(), dataSource.runningFor(), outcome, assets,
                new RunError(dataSource.errorType(), detail), script, snapshot);
    }

    private String newId() {
        char[] id = new char[ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }
}
