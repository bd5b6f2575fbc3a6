package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the gateway knows of one deployment right now: its circuit, the requests in flight
 * (the bulkhead), a cooldown after a 429 with Retry-After, and recent outcomes. Thread-safe.
 */
public final class BackendState {
    /** Why a deployment was passed over. */
    public enum Refusal { NONE, PROBE_DOWN, CIRCUIT_OPEN, COOLING_DOWN, AT_CAPACITY }

    private final String key;
    private final String provider;
    private final LongSupplier nanoTime;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong coolUntil = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile double latencyEwmaMs = -1;
    /** The breaker window of the settings last seen (a success carries no settings). */
    private volatile int window = ResilienceSettings.DEFAULT.breakerWindow();

    BackendState(String key, String provider, LongSupplier nanoTime) {
        this.key = key;
        this.provider = provider;
        this.nanoTime = nanoTime;
        this.breaker = new CircuitBreaker(nanoTime);
    }

    /**
     * Takes a slot when the deployment may be called now. Every NONE must be followed by {@link #release}.
     * Checked in order of cost, and so that a refusal never holds a slot: the provider failing its
     * health probes, a cooldown after a 429, the bulkhead, then the circuit.
     */
    Refusal admit(ResilienceSettings s, boolean probeDown) {
        window = s.breakerWindow();
        if (probeDown) return Refusal.PROBE_DOWN;
        if (nanoTime.getAsLong() < coolUntil.get()) return Refusal.COOLING_DOWN;
        if (s.maxConcurrent() > 0) {
            if (inFlight.incrementAndGet() > s.maxConcurrent()) {
                inFlight.decrementAndGet();
                return Refusal.AT_CAPACITY;
            }
        } else {
            inFlight.incrementAndGet();
        }
        if (!breaker.tryAcquire(s.breakerFailures(), s.breakerCooldown().toNanos())) {
            inFlight.decrementAndGet();
            return Refusal.CIRCUIT_OPEN;
        }
        return Refusal.NONE;
    }

    void release() { inFlight.decrementAndGet(); }

    void onSuccess(long latencyNanos) {
        successes.incrementAndGet();
        breaker.onSuccess(window);
        double ms = latencyNanos / 1e6;
        double prev = latencyEwmaMs;
        latencyEwmaMs = prev < 0 ? ms : prev * 0.9 + ms * 0.1;
    }

    void onFailure(ResilienceSettings s, long retryAfterSeconds) {
        failures.incrementAndGet();
        window = s.breakerWindow();
        breaker.onFailure(s.breakerFailures(), s.breakerFailureRatio(), s.breakerWindow());
        if (retryAfterSeconds > 0) coolUntil.set(nanoTime.getAsLong() + retryAfterSeconds * 1_000_000_000L);
    }

    /** A call let through that ended for another reason (client error, client gone). */
    void onNeutral() { breaker.onAbandoned(); }

    public String key() { return key; }
    public String provider() { return provider; }
    public CircuitBreaker.State circuit() { return breaker.state(); }
    public int consecutiveFailures() { return breaker.consecutiveFailures(); }
    public int inFlight() { return inFlight.get(); }
    public boolean coolingDown() { return nanoTime.getAsLong() < coolUntil.get(); }
    public long successes() { return successes.get(); }
    public long failures() { return failures.get(); }
    public double latencyEwmaMs() { return latencyEwmaMs; }
}
