package io.kcdatazone.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median and spread of repeated measurements of one figure. */
public record BenchmarkStats(double median, double min, double max, List<Double> samples) {

    public static BenchmarkStats of(List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new BenchmarkStats(median, sorted.get(0), sorted.get(n - 1), List.copyOf(samples));
    }

    /** The spread as a percentage of the median: (max - min) / median. */
    double spreadPercent() {
        return median == 0 ? 0 : 100 * (max - min) / median;
    }
}
