package dev.frugal.resilience;

import dev.frugal.core.TimeSource;

/**
 * A deployment's circuit: closed while calls succeed; open after N consecutive failures, so
 * routing skips the deployment; after the cooldown one probe is let through (half-open); its
 * success closes the circuit, its failure opens it again. Time comes from an injected {@link TimeSource}.
 * Thread-safe (event loops share deployments).
 */
public final class CircuitBreaker {
    /** The states a circuit can be in. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final TimeSource time;
    private int consecutiveFailures;
    /** Outcomes of the most recent calls, as a ring (true = failed); resized when the window setting changes. */
    private boolean[] recent = new boolean[0];
    private int recorded;
    private int next;
    private int recentFailures;
    private State state = State.CLOSED;
    private long openedAt;
    private boolean probeInFlight;

    public CircuitBreaker(TimeSource time) { this.time = time; }

    /** Whether a call may go to this deployment now; in half-open state only one probe at a time. */
    public synchronized boolean tryAcquire(int threshold, long cooldownNanos) {
        if (state == State.OPEN && time.nanoTime() - openedAt >= cooldownNanos) {
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

    /**
     * Whether {@link #tryAcquire} would refuse a call now, without taking the half-open probe:
     * open and still cooling down, or half-open with its probe in flight. Lets a request skip
     * waiting for a slot of a deployment it could not call anyway.
     */
    public synchronized boolean wouldRefuse(long cooldownNanos) {
        return state == State.OPEN && time.nanoTime() - openedAt < cooldownNanos
                || state == State.HALF_OPEN && probeInFlight;
    }

    public synchronized void onSuccess(int window) {
        record(false, window);
        consecutiveFailures = 0;
        if (state != State.CLOSED) clearWindow(); // a recovered deployment starts with a clean record
        state = State.CLOSED;
        probeInFlight = false;
    }

    /** Opens the circuit after {@code threshold} consecutive failures, or when {@code ratio} of the last {@code window} calls failed. */
    public synchronized void onFailure(int threshold, double ratio, int window) {
        record(true, window);
        consecutiveFailures++;
        boolean tooMany = recorded >= window && recentFailures >= ratio * window;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold || tooMany) {
            state = State.OPEN;
            openedAt = time.nanoTime();
            probeInFlight = false;
        }
    }

    private void record(boolean failed, int window) {
        if (recent.length != window) {
            recent = new boolean[window];
            clearWindow();
        }
        if (recorded == window && recent[next]) recentFailures--;
        recent[next] = failed;
        if (failed) recentFailures++;
        next = (next + 1) % window;
        if (recorded < window) recorded++;
    }

    private void clearWindow() {
        java.util.Arrays.fill(recent, false);
        recorded = 0;
        next = 0;
        recentFailures = 0;
    }

    /** A call that was let through but never judged (e.g. the client left): frees the probe slot. */
    public synchronized void onAbandoned() { probeInFlight = false; }

    public synchronized State state() { return state; }

    public synchronized int consecutiveFailures() { return consecutiveFailures; }
}
