package dev.frugal.cache;

/**
 * What verification has taught about the semantic hits of one team (or key, or global scope) and
 * model or route: the last {@link #CAPACITY} labelled observations {@code (s, c)} — a request whose
 * nearest cached prompt had similarity {@code s} and passed the guards was answered by the upstream
 * anyway, and {@code c} says whether the cached answer was the same ({@link SameAnswer}).
 *
 * <p>The decision ({@link #servable}): serve a candidate at similarity {@code s} only when the
 * <b>upper confidence bound</b> (one-sided Wilson score at {@link #Z}, 95 %) of the false-hit rate
 * among the observations with similarity in {@code [s − window, s]} is at most the admin's
 * {@code max-false-hit-rate}. Assuming that a closer prompt is not more likely to need another answer
 * (the rate falls as {@code s} rises), the observations just below {@code s} over-estimate the rate at
 * {@code s}, so a served hit is wrong with probability at most the bound: the rate among served hits
 * stays under {@code max-false-hit-rate} (docs/cache.md explains it, decision 0017 why).
 * Thread-safe (short critical sections, no I/O).
 */
public final class FalseHitBound {
    /** Observations kept; older ones are overwritten, so the bound follows the traffic as it changes. */
    public static final int CAPACITY = 4096;
    /** The one-sided normal quantile of the bound's confidence (95 %). */
    static final double Z = 1.6449;

    private final float[] similarity = new float[CAPACITY];
    private final boolean[] correct = new boolean[CAPACITY];
    private int size;
    private int next;
    private long labelled;
    private long wrong;

    /** Records one verified observation. */
    public synchronized void add(double s, boolean c) {
        similarity[next] = (float) s;
        correct[next] = c;
        next = (next + 1) % CAPACITY;
        if (size < CAPACITY) size++;
        labelled++;
        if (!c) wrong++;
    }

    /** The upper bound of the false-hit rate at similarity {@code s}: 1 without observations in {@code [s − window, s]}. */
    public synchronized double upperRate(double s, double window) {
        int n = 0, errors = 0;
        float lo = (float) (s - window), hi = (float) s;
        for (int i = 0; i < size; i++) {
            float x = similarity[i];
            if (x >= lo && x <= hi) {
                n++;
                if (!correct[i]) errors++;
            }
        }
        return wilsonUpper(errors, n);
    }

    /** Whether a candidate at similarity {@code s} may be served under {@code maxRate}. */
    public boolean servable(double s, double window, double maxRate) {
        return upperRate(s, window) <= maxRate;
    }

    /** Observations ever labelled, and how many said the cached answer was wrong (metrics, tests). */
    public synchronized long labelled() { return labelled; }

    public synchronized long wrong() { return wrong; }

    /**
     * The one-sided Wilson score upper bound of a rate seen as {@code errors} in {@code n} trials (1 for
     * none). Without errors it is z²/(n + z²): at 95 %, about 270 correct observations bound the rate at 1 %.
     */
    static double wilsonUpper(long errors, long n) {
        if (n == 0) return 1;
        double p = (double) errors / n, z2 = Z * Z;
        double centre = p + z2 / (2 * n);
        double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return Math.min(1, (centre + spread) / (1 + z2 / n));
    }
}
