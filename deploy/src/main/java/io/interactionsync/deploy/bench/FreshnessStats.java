package io.interactionsync.deploy.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Percentiles of freshness samples where a change never seen within the run's timeout (a miss) counts as infinitely
 * late: a miss can raise p95 and max, never lower them, so a figure is never flattered by what was lost.
 */
final class FreshnessStats {

    private FreshnessStats() {
    }

    /**
     * p50, p95 and max in seconds over {@code count} changes, {@code misses} of them never seen ({@link Double#POSITIVE_INFINITY}
     * where a percentile falls on a miss); NaN when there were no changes.
     */
    record Summary(int count, int misses, double p50, double p95, double max) {

        static final Summary EMPTY = new Summary(0, 0, Double.NaN, Double.NaN, Double.NaN);

        /** {@code p50 p95 max} as fixed-width seconds ({@code miss} for infinity, {@code -} for none). */
        String cells() {
            return cell(p50) + " " + cell(p95) + " " + cell(max);
        }

        static String cell(double seconds) {
            if (Double.isNaN(seconds)) {
                return String.format(Locale.ROOT, "%7s", "-");
            }
            return Double.isInfinite(seconds) ? String.format(Locale.ROOT, "%7s", "miss")
                    : String.format(Locale.ROOT, "%7.2f", seconds);
        }
    }

    /** The summary of these latencies (seconds) with {@code misses} changes never seen. */
    static Summary summarize(Collection<Double> seenSeconds, int misses) {
        int count = seenSeconds.size() + misses;
        if (count == 0) {
            return Summary.EMPTY;
        }
        List<Double> all = new ArrayList<>(seenSeconds);
        for (int i = 0; i < misses; i++) {
            all.add(Double.POSITIVE_INFINITY);
        }
        all.sort(Double::compare);
        return new Summary(count, misses, percentile(all, 50), percentile(all, 95), all.getLast());
    }

    /**
     * The nearest-rank percentile of sorted values: the smallest value with at least {@code p} % of the values at or
     * below it (rank ⌈p/100 · n⌉). No interpolation: every figure reported is one that was measured.
     */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    /** {@code a / b} as {@code 0.07×}; {@code -} when either is missing, {@code miss} when {@code a} is a miss. */
    static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0 || Double.isInfinite(b)) {
            return "-";
        }
        return Double.isInfinite(a) ? "miss" : String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
