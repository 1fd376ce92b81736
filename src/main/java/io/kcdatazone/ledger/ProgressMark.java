package io.kcdatazone.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The sink's progress mark: for each request partition listed, every request record below {@code below} has its
 * outcome in the ledger before this mark. The sink writes it to every ledger partition once those outcomes are
 * acknowledged, so in each ledger partition the mark follows them, and the source knows that any later entry for
 * coordinates below it is a second outcome of a request whose result is already out. That lets the source remember
 * published results only above the marks instead of for a fixed number of ids.
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

    /** Every request of {@code requestTopic}-{@code requestPartition} below offset {@code below} has its outcome. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class Below {

        private final String requestTopic;
        private final int requestPartition;
        private final long below;

        @JsonCreator
        public Below(@JsonProperty("requestTopic") String requestTopic,
                     @JsonProperty("requestPartition") int requestPartition,
                     @JsonProperty("below") long below) {
            this.requestTopic = Objects.requireNonNull(requestTopic, "requestTopic");
            this.requestPartition = requestPartition;
            this.below = below;
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

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Below)) {
                return false;
            }
            Below that = (Below) o;
            return requestTopic.equals(that.requestTopic) && requestPartition == that.requestPartition
                    && below == that.below;
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestTopic, requestPartition, below);
        }

        @Override
        public String toString() {
            return requestTopic + "-" + requestPartition + " below " + below;
        }
    }
}
