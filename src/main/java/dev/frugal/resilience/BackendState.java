package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.TimeSource;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway knows of one deployment right now: its circuit, the requests in flight and
 * waiting (the bulkhead), a cooldown after a 429 with Retry-After or an exhausted provider account, and recent outcomes.
 * Thread-safe: shared by every event loop.
 */
public final class BackendState {
    /** Whether a deployment may be called now: admitted, queued for a slot, or passed over (and why). */
    public enum Admission { ADMITTED, QUEUED, PROBE_DOWN, CIRCUIT_OPEN, COOLING_DOWN, AT_CAPACITY }

    private final String key;
    private final String provider;
    private final TimeSource time;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead = new Bulkhead();
    private final AtomicLong coolUntil = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile double latencyEwmaMs = -1;
    /** The breaker window of the settings last seen (a success carries no settings). */
    private volatile int window = ResilienceSettings.DEFAULT.breakerWindow();

    BackendState(String key, String provider, TimeSource time) {
        this.key = key;
        this.provider = provider;
        this.time = time;
        this.breaker = new CircuitBreaker(time);
    }

    /**
     * Takes a slot when the deployment may be called now (ADMITTED, to be followed by {@link #release}).
     * Checked in order of cost, and so that a refusal never holds a slot: the provider failing its
     * health probes, a cooldown after a 429, the bulkhead, then the circuit. When the bulkhead is
     * full, {@code waiter} (null = may not wait) is queued if {@code max-queue} leaves room and the
     * circuit would let it through (QUEUED): it is later either handed a slot — then
     * {@link #admitAfterWait} — or {@linkplain #withdraw withdrawn}.
     */
    Admission admit(ResilienceSettings s, boolean probeDown, Bulkhead.Waiter waiter) {
        window = s.breakerWindow();
        if (probeDown) return Admission.PROBE_DOWN;
        if (coolingDown()) return Admission.COOLING_DOWN;
        boolean mayWait = waiter != null && s.maxQueue() > 0 && s.queueTimeout().toMillis() > 0
                && !breaker.wouldRefuse(s.breakerCooldown().toNanos());
        return switch (bulkhead.acquire(s.maxConcurrent(), mayWait ? s.maxQueue() : 0, mayWait ? waiter : null)) {
            case FULL -> Admission.AT_CAPACITY;
            case QUEUED -> Admission.QUEUED;
            case GRANTED -> throughCircuit(s);
        };
    }

    /** For a waiter that was handed a slot: time has passed, so the checks again, then the circuit; a refusal gives the slot back. */
    Admission admitAfterWait(ResilienceSettings s, boolean probeDown) {
        Admission refusal = probeDown ? Admission.PROBE_DOWN : coolingDown() ? Admission.COOLING_DOWN : null;
        if (refusal == null) return throughCircuit(s);
        bulkhead.release();
        return refusal;
    }

    private Admission throughCircuit(ResilienceSettings s) {
        if (breaker.tryAcquire(s.breakerFailures(), s.breakerCooldown().toNanos())) return Admission.ADMITTED;
        bulkhead.release();
        return Admission.CIRCUIT_OPEN;
    }

    /** Whether the circuit would refuse a call now (open within its cooldown, or half-open with its trial in flight). */
    boolean circuitRefuses(ResilienceSettings s) {
        return breaker.wouldRefuse(s.breakerCooldown().toNanos());
    }

    /** See {@link Bulkhead#withdraw}: false means the waiter holds a slot it must release. */
    boolean withdraw(Bulkhead.Waiter waiter) { return bulkhead.withdraw(waiter); }

    void release() { bulkhead.release(); }

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
        if (retryAfterSeconds > 0) coolUntil.set(time.nanoTime() + retryAfterSeconds * 1_000_000_000L);
    }

    /**
     * The provider account is out of credit or quota: a failure in the counts, not the circuit's
     * (the cooldown already keeps requests away), and a cooldown of {@code cooldownSeconds}.
     */
    void onQuotaExhausted(long cooldownSeconds) {
        failures.incrementAndGet();
        breaker.onAbandoned();
        long until = time.nanoTime() + cooldownSeconds * 1_000_000_000L;
        coolUntil.accumulateAndGet(until, Math::max);
    }

    /** A call let through that ended for another reason (client error, client gone). */
    void onNeutral() { breaker.onAbandoned(); }

    public String key() { return key; }
    public String provider() { return provider; }
    public CircuitBreaker.State circuit() { return breaker.state(); }
    public int consecutiveFailures() { return breaker.consecutiveFailures(); }
    public int inFlight() { return bulkhead.inFlight(); }
    /** Requests waiting now for a slot of this deployment's bulkhead. */
    public int queued() { return bulkhead.queued(); }
    public boolean coolingDown() { return time.nanoTime() < coolUntil.get(); }
    public long successes() { return successes.get(); }
    public long failures() { return failures.get(); }
    /**
     * The moving average (weight 0.1 for each new answer) of the time from an attempt's start to its
     * first chunk (a stream) or its whole answer, in milliseconds; -1 before the first success. What
     * {@code objective: fastest} reads as time to first token.
     */
    public double latencyEwmaMs() { return latencyEwmaMs; }
}
