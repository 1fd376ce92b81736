package io.kcdatazone.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The request offsets from {@code from} (inclusive) to {@code to} (exclusive). Written as the two-number JSON array
 * {@code [from, to]}, because progress marks and source offsets hold lists of them.
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"from", "to"})
public final class OffsetRange {

    private final long from;
    private final long to;

    @JsonCreator
    public OffsetRange(@JsonProperty("from") long from, @JsonProperty("to") long to) {
        if (to <= from) {
            throw new IllegalArgumentException("empty offset range [" + from + ", " + to + ")");
        }
        this.from = from;
        this.to = to;
    }

    @JsonProperty
    public long from() {
        return from;
    }

    @JsonProperty
    public long to() {
        return to;
    }

    public boolean contains(long offset) {
        return from <= offset && offset < to;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OffsetRange)) {
            return false;
        }
        OffsetRange that = (OffsetRange) o;
        return from == that.from && to == that.to;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(from) * 31 + Long.hashCode(to);
    }

    @Override
    public String toString() {
        return "[" + from + ", " + to + ")";
    }
}
