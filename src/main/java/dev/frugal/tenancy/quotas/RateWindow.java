package dev.frugal.tenancy.quotas;

/**
 * The arithmetic of a per-minute limit, shared with the Redis script ({@code quota-admit.lua}):
 * a token bucket holding {@code limit} units that refills continuously at {@code limit} per
 * minute. Its fill level is kept in units × 60 000 (millis per minute) so that refilling
 * {@code limit} units a minute is exactly {@code limit} scaled units a millisecond: integer
 * arithmetic, no rounding drift. Pure.
 */
final class RateWindow {
    /** Millis per minute: the scale of a stored level. */
    static final long SCALE = 60_000;

    private RateWindow() {}

    /** The level at {@code now} of a bucket stored as {@code level} at {@code at} (drained since). */
    static long level(long level, long at, long now, long limit) {
        long elapsed = Math.max(0, now - at);
        if (elapsed >= ceilDiv(level, limit)) return 0;
        return level - elapsed * limit;
    }

    /** Whether {@code amount} more units fit. */
    static boolean fits(long level, long amount, long limit) {
        return level + amount * SCALE <= limit * SCALE;
    }

    /** Whole units left. */
    static long remaining(long level, long limit) {
        return Math.max(0, (limit * SCALE - level) / SCALE);
    }

    /** Millis until the bucket is empty again (the window is back to its full limit). */
    static long resetMillis(long level, long limit) {
        return ceilDiv(level, limit);
    }

    /** Millis until {@code amount} more units fit, or -1 if they never can (more than the limit). */
    static long waitMillis(long level, long amount, long limit) {
        if (amount > limit) return -1;
        return Math.max(0, ceilDiv(level + amount * SCALE - limit * SCALE, limit));
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
