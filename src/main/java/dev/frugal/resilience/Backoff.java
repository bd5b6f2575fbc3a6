package dev.frugal.resilience;

import java.util.random.RandomGenerator;

/** Delays between retries: full-jitter exponential backoff, or the upstream's Retry-After. Pure. */
public final class Backoff {
    private Backoff() {}

    /**
     * @param retry          1 for the first retry
     * @param retryAfterSecs the upstream's Retry-After, or -1
     * @return the delay in milliseconds, or -1 when the upstream asks for longer than {@code maxRetryAfterMs}
     */
    public static long delayMillis(int retry, long baseMs, long maxMs, long retryAfterSecs, long maxRetryAfterMs,
                                   RandomGenerator random) {
        if (retryAfterSecs >= 0) {
            long ms = retryAfterSecs * 1000;
            return ms > maxRetryAfterMs ? -1 : ms;
        }
        long ceiling = Math.min(maxMs, baseMs << Math.min(20, retry - 1));
        return ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
    }
}
