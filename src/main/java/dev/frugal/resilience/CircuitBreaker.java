package dev.frugal.resilience;

import java.util.function.LongSupplier;

/**
 * A deployment's circuit: closed while calls succeed; open after N consecutive failures, so
 * routing skips the deployment; after the cooldown one probe is let through (half-open); its
 * success closes the circuit, its failure opens it again. Time comes from an injected ticker.
 * Thread-safe (event loops share deployments).
 */
public final class CircuitBreaker {
    /** The states a circuit can be in. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final LongSupplier nanoTime;
    private int consecutiveFailures;
    private State state = State.CLOSED;
    private long openedAt;
    private boolean probeInFlight;

    public CircuitBreaker(LongSupplier nanoTime) { this.nanoTime = nanoTime; }

    /** Whether a call may go to this deployment now; in half-open state only one probe at a time. */
    public synchronized boolean tryAcquire(int threshold, long cooldownNanos) {
        if (state == State.OPEN && nanoTime.getAsLong() - openedAt >= cooldownNanos) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                if (probeInFlight) yield false;
                probeInFlight = true;
                yield true;
            }
        };
    }

    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        state = State.CLOSED;
        probeInFlight = false;
    }

    public synchronized void onFailure(int threshold) {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = nanoTime.getAsLong();
            probeInFlight = false;
        }
    }

    /** A call that was let through but never judged (e.g. the client left): frees the probe slot. */
    public synchronized void onAbandoned() { probeInFlight = false; }

    public synchronized State state() { return state; }

    public synchronized int consecutiveFailures() { return consecutiveFailures; }
}
