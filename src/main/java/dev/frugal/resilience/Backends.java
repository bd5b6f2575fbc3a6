package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.TimeSource;
import dev.frugal.routing.Attempt;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The state of every deployment the gateway has called, keyed by provider and upstream model. */
@Singleton
public class Backends {
    private final Map<String, BackendState> states = new ConcurrentHashMap<>();
    private final TimeSource time;
    private final HealthProbes probes;
    private final MeterRegistry registry;

    /** @param time the clock of breakers, cooldowns, probes and latencies (a fake one in tests) */
    public Backends(TimeSource time) {
        this(time, null);
    }

    /** @param registry where each deployment's circuit state is exported ({@value #CIRCUIT_STATE}), or null */
    @Inject
    public Backends(TimeSource time, MeterRegistry registry) {
        this.time = time;
        this.probes = new HealthProbes(time);
        this.registry = registry;
    }

    /** A deployment's circuit: 0 closed, 1 half-open, 2 open; tags {@code provider}, {@code deployment} (provider/upstream model). */
    public static final String CIRCUIT_STATE = "frugal.circuit.state";

    public BackendState of(Attempt a) {
        BackendState s = states.get(key(a));
        return s != null ? s : states.computeIfAbsent(key(a), k -> {
            BackendState b = new BackendState(k, a.provider().name(), time);
            // deployments come from the config: a bounded set of series
            if (registry != null) Gauge.builder(CIRCUIT_STATE, b, Backends::circuitValue)
                    .description("A deployment's circuit breaker: 0 closed, 1 half-open, 2 open")
                    .tags("provider", b.provider(), "deployment", k).register(registry);
            return b;
        });
    }

    private static double circuitValue(BackendState b) {
        return switch (b.circuit()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    /** The state of a deployment the gateway has called (or tried to), or null: looking does not add it. */
    public BackendState peek(Attempt a) {
        return states.get(key(a));
    }

    /**
     * Why routing should pass a deployment over now, or null when it may be called: its provider fails its
     * health probes ({@code probe_down}), it cools down after a 429 ({@code cooling_down}), or its circuit
     * refuses calls ({@code circuit_open}: open and within its cooldown, or half-open with its one trial in
     * flight). The same checks {@link PlanExecutor} makes, without taking a slot; a bulkhead at capacity is
     * not one (a slot may free up before the attempt). Reads only memory.
     */
    public String unavailable(Attempt a, ResilienceSettings s) {
        if (probes.down(a.provider().name())) return "probe_down";
        BackendState b = peek(a);
        if (b == null) return null;
        if (b.coolingDown()) return "cooling_down";
        return b.circuitRefuses(s) ? "circuit_open" : null;
    }

    private static String key(Attempt a) {
        return a.provider().name() + "/" + a.deployment().upstreamModel();
    }

    public Collection<BackendState> all() { return states.values(); }

    /** The providers' health from active probes (filled by {@link Prober}). */
    public HealthProbes probes() { return probes; }

    TimeSource time() { return time; }
}
