package io.kcdatazone.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kcdatazone.ledger.OffsetRange;
import io.kcdatazone.ledger.ProgressMark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a source task knows of one request partition's results within one ledger partition: which requests the sink's
 * progress marks cover (every request below {@code below} except the {@code open} ranges has its outcome in the
 * ledger before the mark that covered it), and the requests no mark covers yet whose result it published, each with
 * whether that result revealed a run. Stored in the source offsets with short names.
 *
 * <p>A mark states a fact that stays true, so what the marks cover only grows: an offset stays open only while every
 * mark that reached past it listed it as pending. The published results a mark covers are forgotten, and only those:
 * an outcome can reach the ledger before the mark that still lists its request as pending, and its result must stay
 * known until a later mark covers it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
final class RequestProgress {

    private final String topic;
    private final int partition;
    private long below;
    /** The offsets below {@code below} no mark covers, in order. */
    private List<OffsetRange> open;
    /** Published results no mark covers yet, with whether each revealed a run. */
    private final TreeMap<Long, Boolean> published = new TreeMap<>();

    @JsonCreator
    RequestProgress(@JsonProperty("t") String topic,
                    @JsonProperty("p") int partition,
                    @JsonProperty("b") long below,
                    @JsonProperty("o") List<OffsetRange> open,
                    @JsonProperty("w") List<Long> withRun,
                    @JsonProperty("n") List<Long> withoutRun) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.below = below;
        this.open = open != null ? List.copyOf(open) : List.of();
        if (withRun != null) {
            withRun.forEach(offset -> published.put(offset, true));
        }
        if (withoutRun != null) {
            withoutRun.forEach(offset -> published.put(offset, false));
        }
    }

    RequestProgress(String topic, int partition) {
        this(topic, partition, 0, null, null, null);
    }

    @JsonProperty("t")
    String topic() {
        return topic;
    }

    @JsonProperty("p")
    int partition() {
        return partition;
    }

    @JsonProperty("b")
    long below() {
        return below;
    }

    @JsonProperty("o")
    List<OffsetRange> open() {
        return open;
    }

    @JsonProperty("w")
    List<Long> publishedWithRun() {
        return publishedWhere(true);
    }

    @JsonProperty("n")
    List<Long> publishedWithoutRun() {
        return publishedWhere(false);
    }

    private List<Long> publishedWhere(boolean revealedRun) {
        return published.entrySet().stream().filter(entry -> entry.getValue() == revealedRun)
                .map(Map.Entry::getKey).collect(Collectors.toList());
    }

    /** Whether the request at {@code offset} has its result out: covered by a mark, or published since. */
    boolean covers(long offset) {
        return markCovers(offset) || published.containsKey(offset);
    }

    private boolean markCovers(long offset) {
        if (offset >= below) {
            return false;
        }
        for (OffsetRange range : open) {
            if (range.contains(offset)) {
                return false;
            }
            if (range.from() > offset) {
                break;
            }
        }
        return true;
    }

    /** Whether the result published for the request at {@code offset} revealed a run. */
    boolean revealedRun(long offset) {
        return Boolean.TRUE.equals(published.get(offset));
    }

    void remember(long offset, boolean revealedRun) {
        published.put(offset, revealedRun);
    }

    /**
     * Takes a mark in: what it covers joins what earlier marks covered (a late mark of a task that lost the partition
     * covers less, and takes nothing away), and the published results now covered are forgotten.
     */
    void mark(ProgressMark.Below mark) {
        long covered = Math.max(below, mark.until());
        List<OffsetRange> uncoveredBefore = new ArrayList<>(open);
        uncoveredBefore.add(new OffsetRange(below, Long.MAX_VALUE));
        List<OffsetRange> uncoveredByMark = new ArrayList<>(mark.pending());
        uncoveredByMark.add(new OffsetRange(mark.until(), Long.MAX_VALUE));
        open = intersection(uncoveredBefore, uncoveredByMark, covered);
        below = covered;
        published.headMap(below).keySet().removeIf(this::markCovers);
    }

    /** The offsets below {@code limit} in both ordered range lists. */
    private static List<OffsetRange> intersection(List<OffsetRange> a, List<OffsetRange> b, long limit) {
        List<OffsetRange> both = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            long from = Math.max(a.get(i).from(), b.get(j).from());
            long to = Math.min(Math.min(a.get(i).to(), b.get(j).to()), limit);
            if (from < to) {
                both.add(new OffsetRange(from, to));
            }
            if (a.get(i).to() < b.get(j).to()) {
                i++;
            } else {
                j++;
            }
        }
        return List.copyOf(both);
    }

    /** Forgets the oldest result remembered, when there is one. */
    void forgetLowest() {
        published.pollFirstEntry();
    }

    int size() {
        return published.size();
    }
}
