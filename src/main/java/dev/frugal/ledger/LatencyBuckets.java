package dev.frugal.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The latency histogram kept in the daily rollups, so that p50/p95 can be read from rollups without
 * the raw rows. Bucket {@code i} counts latencies in {@code (UPPER[i-1], UPPER[i]]} ms; the last one
 * counts everything above the last bound. Its columns are {@code lat_le_<bound>} and {@code lat_gt_<last>}
 * in {@code ledger_daily} (migration V2; a test checks that the two agree).
 *
 * <p>Resolution: a percentile is interpolated linearly inside its bucket, so it is off by less
 * than the bucket's width (the bounds grow by ~1.3–2× per step: within 10 ms below 100 ms, within
 * 25–50 % above).
 */
public final class LatencyBuckets {
    /** Upper bounds in milliseconds, ascending. Changing them needs a migration of {@code ledger_daily}. */
    static final long[] UPPER = {10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000,
            5000, 7500, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 300_000};

    /** Number of buckets: one per bound plus the overflow bucket. */
    public static final int COUNT = UPPER.length + 1;

    /** The column names, in bucket order. */
    public static final List<String> COLUMNS;

    static {
        List<String> c = new ArrayList<>();
        for (long u : UPPER) c.add("lat_le_" + u);
        c.add("lat_gt_" + UPPER[UPPER.length - 1]);
        COLUMNS = Collections.unmodifiableList(c);
    }

    private LatencyBuckets() {}

    /** The bucket a latency falls in. */
    public static int bucket(long latencyMs) {
        for (int i = 0; i < UPPER.length; i++) if (latencyMs <= UPPER[i]) return i;
        return UPPER.length;
    }

    /**
     * The {@code q} quantile (0 &lt; q ≤ 1) of the latencies counted in {@code counts}, interpolated
     * inside its bucket; the overflow bucket answers its lower bound. -1 when nothing was counted.
     */
    public static long percentile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) total += c;
        if (total == 0) return -1;
        double rank = q * total; // the rank-th smallest latency, 1-based, as a real number
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) continue;
            if (seen + counts[i] >= rank) {
                if (i == UPPER.length) return UPPER[i - 1];
                long lower = i == 0 ? 0 : UPPER[i - 1];
                double fraction = (rank - seen) / counts[i];
                return Math.round(lower + fraction * (UPPER[i] - lower));
            }
            seen += counts[i];
        }
        return UPPER[UPPER.length - 1];
    }
}
