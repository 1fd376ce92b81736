package io.kcdatazone.source;

import io.kcdatazone.ledger.LedgerEntry;
import io.kcdatazone.ledger.ProgressMark;
import io.kcdatazone.ledger.RequestCoordinates;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which requests of one ledger partition have their result event out, exactly, not within a window: per request
 * partition, what the sink's {@link ProgressMark progress marks} cover (every request below the latest mark's end
 * except the few still pending when the marks were made) plus the requests no mark covers yet whose result was
 * published ({@link RequestProgress}). The sink marks its progress at every offset commit, past slow requests too, so
 * that set holds about one commit interval of results; without marks (a sink older than marks, or one whose commits
 * are stuck) it is capped at {@value #MAX_RESULTS_ABOVE_MARKS}, beyond which the oldest are forgotten.
 *
 * <p>Stored in the ledger partition's offset ({@code progress}); its size depends on the sink's commit interval, never
 * on the runs tracked.
 */
public final class PublishedResults {

    /** How many published results no progress mark covers are remembered at most. */
    public static final int MAX_RESULTS_ABOVE_MARKS = 4_096;

    private final Map<Map.Entry<String, Integer>, RequestProgress> progress = new HashMap<>();
    /**
     * Result event ids that offsets written before progress marks remembered: honoured while this task runs (so an
     * upgrade republishes nothing), no longer stored.
     */
    private final Set<String> resultIdsBeforeMarks = new HashSet<>();
    private int resultsAboveMarks;

    public PublishedResults() {
    }

    PublishedResults(Collection<RequestProgress> stored, Collection<String> resultIdsBeforeMarks) {
        for (RequestProgress request : stored) {
            progress.put(Map.entry(request.topic(), request.partition()), request);
            resultsAboveMarks += request.size();
        }
        this.resultIdsBeforeMarks.addAll(resultIdsBeforeMarks);
    }

    /**
     * Takes an outcome entry in: its result is to be published unless the request's result is already out (below the
     * request partition's progress mark, published since, or, with offsets written before progress marks, its result
     * event id remembered).
     *
     * @param resultEventId the id of the result event the entry makes
     */
    public Verdict accept(LedgerEntry entry, String resultEventId) {
        RequestCoordinates request = entry.request();
        RequestProgress known = progressOf(request.topic(), request.partition());
        boolean revealsRun = entry.run() != null && entry.run().id() != null;
        if (known.covers(request.offset()) || resultIdsBeforeMarks.contains(resultEventId)) {
            // The same coordinates carry the same client token, so every outcome that revealed a run revealed this one.
            boolean sameRun = !revealsRun || known.revealedRun(request.offset());
            return new Verdict(false, !sameRun, false);
        }
        int before = known.size();
        known.remember(request.offset(), revealsRun);
        resultsAboveMarks += known.size() - before;
        return new Verdict(true, true, forgetBeyondCapacity());
    }

    /** Takes in one request partition's part of a sink's progress mark. */
    public void mark(ProgressMark.Below mark) {
        RequestProgress known = progressOf(mark.requestTopic(), mark.requestPartition());
        int before = known.size();
        known.mark(mark);
        resultsAboveMarks -= before - known.size();
    }

    private RequestProgress progressOf(String topic, int partition) {
        return progress.computeIfAbsent(Map.entry(topic, partition), key -> new RequestProgress(topic, partition));
    }

    /** Keeps the published results within {@value #MAX_RESULTS_ABOVE_MARKS}: reached only without progress marks. */
    private boolean forgetBeyondCapacity() {
        if (resultsAboveMarks <= MAX_RESULTS_ABOVE_MARKS) {
            return false;
        }
        Collections.max(progress.values(), Comparator.comparingInt(RequestProgress::size)).forgetLowest();
        resultsAboveMarks--;
        return true;
    }

    /** The {@code progress} field of the ledger partition's offset. */
    public String toJson() {
        return OffsetFields.toJson(progress.values());
    }

    /** What {@link #accept} decided about an outcome entry. */
    public static final class Verdict {

        private final boolean publish;
        private final boolean mayFollowRun;
        private final boolean forgotOlderResult;

        Verdict(boolean publish, boolean mayFollowRun, boolean forgotOlderResult) {
            this.publish = publish;
            this.mayFollowRun = mayFollowRun;
            this.forgotOlderResult = forgotOlderResult;
        }

        /** Whether the entry's result event is to be published: false for a second outcome of a request. */
        public boolean publish() {
            return publish;
        }

        /**
         * Whether the run the entry reveals may be one the request's published result did not reveal: a second outcome
         * can reveal a run the first did not (a start that failed in one sink task and succeeded in another).
         */
        public boolean mayFollowRun() {
            return mayFollowRun;
        }

        /** Whether an older published result was forgotten to stay bounded (see {@link #MAX_RESULTS_ABOVE_MARKS}). */
        public boolean forgotOlderResult() {
            return forgotOlderResult;
        }
    }
}
