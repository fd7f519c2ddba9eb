package io.github.roleprobe.benchmarks.sim;

import java.util.Arrays;

/** Order statistics of a sample, nearest-rank percentiles. */
public final class Stats {

    private final double[] sorted;

    /** @param values the sample; copied */
    public Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    /** @return sample size */
    public int count() {
        return sorted.length;
    }

    /**
     * @param p percentile in (0, 100]
     * @return the nearest-rank percentile
     */
    public double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** @return the largest value */
    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /** @return the smallest value */
    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    /** @return the arithmetic mean */
    public double mean() {
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return sorted.length == 0 ? Double.NaN : sum / sorted.length;
    }
}
