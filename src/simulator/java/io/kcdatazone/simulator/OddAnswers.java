package io.kcdatazone.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Odd but legal ways to answer the run operations (StartDataSourceRun, GetDataSourceRun, ListDataSourceRuns), switched
 * on by tests at any time through {@link DataZoneSimulator#oddAnswers()}. All are off by default, so a simulator
 * answers as {@code reference/datazone-api.md} describes. Each mode is something a client must cope with:
 * <ul>
 *   <li>{@link #omit(OptionalRunMember...)}: optional members left out of run shapes (the model requires none of them);
 *   <li>{@link #limitRunsPerPage(int)} and {@link #leadWithEmptyPage(boolean)}: pages shorter than {@code maxResults}
 *       that still carry a {@code nextToken}, down to a first page with no items at all (the model sets no minimum
 *       length on {@code items});
 *   <li>{@link #skewTimestamps(Duration...)}: run timestamps from a clock that disagrees with the caller's, and with
 *       itself from one answer to the next;
 *   <li>{@link #addUnknownMembers(boolean)}: members the model does not define (a newer service version's), which the
 *       SDK ignores. The only mode whose answers deviate from the model, deliberately.
 * </ul>
 * Thread-safe.
 */
public final class OddAnswers {

    /** The name of the unknown member {@link #addUnknownMembers(boolean)} adds to every run and list output. */
    public static final String UNKNOWN_MEMBER = "simulatorUnknownMember";
    /** An unknown member holding a structure with nested members and a list, next to {@link #UNKNOWN_MEMBER}. */
    public static final String UNKNOWN_STRUCTURE = "simulatorUnknownStructure";
    /** The unknown member added inside {@code runStatisticsForAssets}. */
    public static final String UNKNOWN_STATISTIC = "deleted";
    /** The unknown member added inside {@code errorMessage}. */
    public static final String UNKNOWN_ERROR_MEMBER = "errorCode";

    /** The optional members of the run shapes that {@link #omit(OptionalRunMember...)} can leave out. */
    public enum OptionalRunMember {
        STARTED_AT("startedAt"),
        STOPPED_AT("stoppedAt"),
        RUN_STATISTICS_FOR_ASSETS("runStatisticsForAssets"),
        ERROR_MESSAGE("errorMessage"),
        /** {@code errorDetail} inside {@code errorMessage} ({@code errorType} is required there). */
        ERROR_DETAIL("errorDetail"),
        /** Only StartDataSourceRun and GetDataSourceRun carry it. */
        DATA_SOURCE_CONFIGURATION_SNAPSHOT("dataSourceConfigurationSnapshot"),
        /** Only GetDataSourceRun and ListDataSourceRuns carry it, for runs that import lineage. */
        LINEAGE_SUMMARY("lineageSummary");

        private final String memberName;

        OptionalRunMember(String memberName) {
            this.memberName = memberName;
        }

        /** The member's name on the wire. */
        public String memberName() {
            return memberName;
        }
    }

    private final Set<OptionalRunMember> omitted = EnumSet.noneOf(OptionalRunMember.class);
    private boolean unknownMembers;
    private int runsPerPage;
    private boolean emptyFirstPage;
    private List<Duration> skews = List.of();
    private int nextSkew;

    OddAnswers() {
    }

    /** Run shapes leave out {@code members} (replacing any earlier choice); none by default. */
    public synchronized OddAnswers omit(OptionalRunMember... members) {
        omitted.clear();
        omitted.addAll(List.of(members));
        return this;
    }

    /** Run shapes and ListDataSourceRuns' output carry members the model does not define; off by default. */
    public synchronized OddAnswers addUnknownMembers(boolean add) {
        unknownMembers = add;
        return this;
    }

    /**
     * ListDataSourceRuns returns at most {@code runs} runs per page, with a {@code nextToken} while more follow,
     * however large the caller's {@code maxResults}; 0 (the default) for no such limit.
     */
    public synchronized OddAnswers limitRunsPerPage(int runs) {
        if (runs < 0) {
            throw new IllegalArgumentException("runs per page must not be negative, got " + runs);
        }
        runsPerPage = runs;
        return this;
    }

    /** The first page of every ListDataSourceRuns listing has no items, only a {@code nextToken}; off by default. */
    public synchronized OddAnswers leadWithEmptyPage(boolean lead) {
        emptyFirstPage = lead;
        return this;
    }

    /**
     * Every run the simulator renders from now on reports its timestamps shifted by the next of {@code skews}, in
     * turn and round again (a positive skew is a clock ahead of the simulator's). One skew is a steady clock offset;
     * several make the reported times jump back and forth between answers. No skews (the default) for none.
     */
    public synchronized OddAnswers skewTimestamps(Duration... skews) {
        this.skews = List.of(skews);
        this.nextSkew = 0;
        return this;
    }

    /** Switches every mode off again. */
    public synchronized void clear() {
        omitted.clear();
        unknownMembers = false;
        runsPerPage = 0;
        emptyFirstPage = false;
        skews = List.of();
        nextSkew = 0;
    }

    synchronized boolean omits(OptionalRunMember member) {
        return omitted.contains(member);
    }

    synchronized boolean unknownMembers() {
        return unknownMembers;
    }

    /** The page size to serve, given the caller's {@code maxResults}. */
    synchronized Optional<Integer> pageSize(Optional<Integer> maxResults) {
        if (runsPerPage == 0) {
            return maxResults;
        }
        return Optional.of(Math.min(runsPerPage, maxResults.orElse(Pagination.DEFAULT_PAGE_SIZE)));
    }

    synchronized boolean emptyFirstPage() {
        return emptyFirstPage;
    }

    /** How to render the timestamps of the next run: shifted by the next skew in turn. */
    synchronized UnaryOperator<Instant> nextTimestampRenderer() {
        if (skews.isEmpty()) {
            return UnaryOperator.identity();
        }
        Duration skew = skews.get(nextSkew);
        nextSkew = (nextSkew + 1) % skews.size();
        return instant -> instant.plus(skew);
    }
}
