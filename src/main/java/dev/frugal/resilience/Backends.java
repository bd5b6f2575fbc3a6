package dev.frugal.resilience;

import dev.frugal.core.TimeSource;
import dev.frugal.routing.Attempt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The state of every deployment the gateway has called, keyed by provider and upstream model. */
@ApplicationScoped
public class Backends {
    private final Map<String, BackendState> states = new ConcurrentHashMap<>();
    private final TimeSource time;
    private final HealthProbes probes;

    /** @param time the clock of breakers, cooldowns, probes and latencies (a fake one in tests) */
    @Inject
    public Backends(TimeSource time) {
        this.time = time;
        this.probes = new HealthProbes(time);
    }

    public BackendState of(Attempt a) {
        String key = a.provider().name() + "/" + a.deployment().upstreamModel();
        return states.computeIfAbsent(key, k -> new BackendState(k, a.provider().name(), time));
    }

    public Collection<BackendState> all() { return states.values(); }

    /** The providers' health from active probes (filled by {@link Prober}). */
    public HealthProbes probes() { return probes; }

    TimeSource time() { return time; }
}
