package dev.frugal.resilience;

import dev.frugal.config.ProviderConfig;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.Probeable;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Active health of each provider, from probes on an endpoint that costs nothing (its model list).
 * {@link #tick} starts the probes that are due — at most one in flight per provider — and their
 * results update the provider's {@link Health}. Two failures in a row mark the provider down,
 * which makes routing pass its deployments over; one success marks it up again. Time comes from
 * an injected {@link TimeSource}, so tests drive it by hand. Thread-safe.
 */
public final class HealthProbes {
    /** Failures in a row that mark a provider down. */
    public static final int FAILURES_TO_DOWN = 2;

    /** What the probes say of a provider. */
    public enum Status { UNKNOWN, UP, DOWN }

    /**
     * @param lastError  the last failure, as a status or an exception class (never a body, so never a key), or null
     * @param latencyMs  how long the last probe took, or -1
     * @param checkedAt  when the last probe ended, or null
     */
    public record Health(Status status, int consecutiveFailures, String lastError, long latencyMs, Instant checkedAt) {
        public static final Health UNKNOWN = new Health(Status.UNKNOWN, 0, null, -1, null);
    }

    private static final class Slot {
        volatile Health health = Health.UNKNOWN;
        boolean started;
        long lastStart;
        boolean inFlight;
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final TimeSource time;

    public HealthProbes(TimeSource time) { this.time = time; }

    /**
     * Starts a probe of each provider whose interval has passed since its last probe started.
     * A provider whose interval is zero, or which is gone from the config, forgets its health.
     *
     * @param interval the probe interval of a provider (zero = not probed)
     * @param adapter  the provider's adapter if it can be probed, else null
     */
    public void tick(Iterable<ProviderConfig> providers, Function<ProviderConfig, Duration> interval,
                     Function<ProviderConfig, Probeable> adapter) {
        Set<String> seen = new java.util.HashSet<>();
        for (ProviderConfig p : providers) {
            Duration every = interval.apply(p);
            Probeable probeable = every.isZero() || every.isNegative() ? null : adapter.apply(p);
            if (probeable == null) continue;
            seen.add(p.name());
            Slot slot = slots.computeIfAbsent(p.name(), n -> new Slot());
            long now = time.nanoTime();
            synchronized (slot) {
                if (slot.inFlight || (slot.started && now - slot.lastStart < every.toNanos())) continue;
                slot.started = true;
                slot.inFlight = true;
                slot.lastStart = now;
            }
            probeable.probe().onComplete(ar -> {
                long ms = (time.nanoTime() - now) / 1_000_000;
                synchronized (slot) {
                    slot.inFlight = false;
                    Health before = slot.health;
                    if (ar.succeeded()) {
                        slot.health = new Health(Status.UP, 0, null, ms, time.instant());
                    } else {
                        int failures = before.consecutiveFailures() + 1;
                        Status status = failures >= FAILURES_TO_DOWN ? Status.DOWN : before.status();
                        String error = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage();
                        slot.health = new Health(status, failures, error, ms, time.instant());
                    }
                }
            });
        }
        slots.keySet().retainAll(seen);
    }

    /** Whether the probes say this provider is down; one map look-up, on the request path. */
    public boolean down(String provider) {
        Slot slot = slots.get(provider);
        return slot != null && slot.health.status() == Status.DOWN;
    }

    public Health health(String provider) {
        Slot slot = slots.get(provider);
        return slot == null ? Health.UNKNOWN : slot.health;
    }
}
