package dev.frugal.resilience;

/**
 * Caps retries at a fraction of requests so a failing backend does not multiply the load on
 * itself (a retry storm): every request deposits {@code ratio} of a token, every retry takes a
 * whole one; the bucket holds at most {@code burst} tokens. Thread-safe.
 */
public final class RetryBudget {
    private final double burst;
    private double tokens;

    public RetryBudget(double burst) {
        this.burst = burst;
        this.tokens = burst;
    }

    public synchronized void onRequest(double ratio) { tokens = Math.min(burst, tokens + ratio); }

    public synchronized boolean tryRetry() {
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
