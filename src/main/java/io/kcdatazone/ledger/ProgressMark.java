package io.kcdatazone.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The sink's progress mark: for each request partition listed, which request records have their outcome in the ledger
 * before this mark (see {@link Below}). The sink writes it to every ledger partition once those outcomes are
 * acknowledged, so in each ledger partition the mark follows them, and the source knows that any later entry for
 * coordinates it covers is a second outcome of a request whose result is already out. That lets the source remember
 * only the published results no mark covers yet, instead of a fixed number of ids. Marks list the requests still
 * pending above the contiguous prefix, so one slow request (a conflict retried for half an hour) does not hold back
 * the mark of every request after it.
 *
 * <p>Written with {@code "kind": "PROGRESS_MARK"} and no {@code outcome}: readers older than marks fail to read it as
 * an outcome entry, log an error and skip it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class ProgressMark implements LedgerRecord {

    /** The {@code kind} field's value. Outcome entries have no {@code kind}. */
    public static final String KIND = "PROGRESS_MARK";
    /** The record key: marks go to every partition explicitly, so the key only names what the record is. */
    public static final String LEDGER_KEY = "progress";

    private final int version;
    private final List<Below> marks;
    private final Instant recordedAt;

    @JsonCreator
    public ProgressMark(@JsonProperty("version") int version,
                        @JsonProperty("marks") List<Below> marks,
                        @JsonProperty("recordedAt") Instant recordedAt) {
        this.version = version;
        this.marks = List.copyOf(Objects.requireNonNull(marks, "marks"));
        this.recordedAt = recordedAt;
    }

    public static ProgressMark of(List<Below> marks, Instant now) {
        return new ProgressMark(LedgerEntry.FORMAT_VERSION, marks, now);
    }

    @JsonProperty
    public String kind() {
        return KIND;
    }

    @Override
    @JsonProperty
    public int version() {
        return version;
    }

    @JsonProperty
    public List<Below> marks() {
        return marks;
    }

    @JsonProperty
    public Instant recordedAt() {
        return recordedAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProgressMark)) {
            return false;
        }
        ProgressMark that = (ProgressMark) o;
        return version == that.version && marks.equals(that.marks) && Objects.equals(recordedAt, that.recordedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, marks, recordedAt);
    }

    @Override
    public String toString() {
        return "progress mark " + marks;
    }

    /**
     * How far the outcomes of one request partition are in the ledger: every request of {@code requestTopic}-{@code
     * requestPartition} below offset {@code below} has its outcome before this mark, and so has every one from {@code
     * below} to {@code until} except those in the {@code pending} ranges, which still waited for theirs when the mark
     * was made (their outcome may come before or after it). {@code until} and {@code pending} are left out when there
     * is nothing past {@code below}; readers that do not know them read a true, shorter mark.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Below {

        private final String requestTopic;
        private final int requestPartition;
        private final long below;
        private final long until;
        private final List<OffsetRange> pending;

        public Below(String requestTopic, int requestPartition, long below) {
            this(requestTopic, requestPartition, below, null, null);
        }

        /**
         * @param pending ranges in increasing order, within [{@code below}, {@code until})
         * @throws IllegalArgumentException when they are not
         */
        @JsonCreator
        public Below(@JsonProperty("requestTopic") String requestTopic,
                     @JsonProperty("requestPartition") int requestPartition,
                     @JsonProperty("below") long below,
                     @JsonProperty("until") Long until,
                     @JsonProperty("pending") List<OffsetRange> pending) {
            this.requestTopic = Objects.requireNonNull(requestTopic, "requestTopic");
            this.requestPartition = requestPartition;
            this.below = below;
            this.until = until != null ? Math.max(below, until) : below;
            this.pending = pending != null ? List.copyOf(pending) : List.of();
            long next = below;
            for (OffsetRange range : this.pending) {
                if (range.from() < next || range.to() > this.until) {
                    throw new IllegalArgumentException("pending ranges " + this.pending + " are not in order within ["
                            + below + ", " + this.until + ")");
                }
                next = range.to();
            }
        }

        @JsonProperty
        public String requestTopic() {
            return requestTopic;
        }

        @JsonProperty
        public int requestPartition() {
            return requestPartition;
        }

        @JsonProperty
        public long below() {
            return below;
        }

        /** The offset after the last request the mark speaks of; {@link #below()} when it says nothing past it. */
        public long until() {
            return until;
        }

        @JsonProperty("until")
        Long writtenUntil() {
            return until > below ? until : null;
        }

        /** The offsets from {@link #below()} to {@link #until()} whose outcome may still be to come. */
        @JsonProperty
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        public List<OffsetRange> pending() {
            return pending;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Below)) {
                return false;
            }
            Below that = (Below) o;
            return requestTopic.equals(that.requestTopic) && requestPartition == that.requestPartition
                    && below == that.below && until == that.until && pending.equals(that.pending);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestTopic, requestPartition, below, until, pending);
        }

        @Override
        public String toString() {
            return requestTopic + "-" + requestPartition + " below " + below
                    + (until > below ? " and until " + until + " but " + pending : "");
        }
    }
}
