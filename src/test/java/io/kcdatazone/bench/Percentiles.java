package io.kcdatazone.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of one set of measurements. */
public final class Percentiles {

    private final List<Double> sorted;

    public Percentiles(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        this.sorted = new ArrayList<>(values);
        Collections.sort(sorted);
    }

    /** The smallest value at least {@code percent} % of the values do not exceed. */
    public double at(double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
