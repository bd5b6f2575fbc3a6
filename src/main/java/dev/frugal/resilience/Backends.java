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

    public Backends() { this(System::nanoTime); }

    /** With an injected ticker, for tests that move time by hand. */
    public Backends(LongSupplier nanoTime) { this.nanoTime = nanoTime; }

    public BackendState of(Attempt a) {
        String key = a.provider().name() + "/" + a.deployment().upstreamModel();
        return states.computeIfAbsent(key, k -> new BackendState(k, nanoTime));
    }

    public Collection<BackendState> all() { return states.values(); }

    LongSupplier ticker() { return nanoTime; }
}
