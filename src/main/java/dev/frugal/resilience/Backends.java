package dev.frugal.resilience;

import dev.frugal.routing.Attempt;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The state of every deployment the gateway has called, keyed by provider and upstream model. */
@ApplicationScoped
public class Backends {
    private final Map<String, BackendState> states = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final HealthProbes probes;

    public Backends() { this(System::nanoTime); }

    /** With an injected ticker, for tests that move time by hand. */
    public Backends(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.probes = new HealthProbes(nanoTime, java.time.Clock.systemUTC());
    }

    public BackendState of(Attempt a) {
        String key = a.provider().name() + "/" + a.deployment().upstreamModel();
        return states.computeIfAbsent(key, k -> new BackendState(k, a.provider().name(), nanoTime));
    }

    public Collection<BackendState> all() { return states.values(); }

    /** The providers' health from active probes (filled by {@link Prober}). */
    public HealthProbes probes() { return probes; }

    LongSupplier ticker() { return nanoTime; }
}
