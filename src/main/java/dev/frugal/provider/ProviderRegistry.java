package dev.frugal.provider;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import io.quarkus.arc.All;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adapters by provider config. An adapter is built once per distinct {@link ProviderConfig} and
 * reused across config reloads for as long as its settings do not change.
 */
@Singleton
public class ProviderRegistry {
    private final Map<ProviderKind, ProviderFactory> factories = new EnumMap<>(ProviderKind.class);
    private final Map<ProviderConfig, Object> adapters = new ConcurrentHashMap<>();

    @Inject
    public ProviderRegistry(@All List<ProviderFactory> factories) {
        for (ProviderFactory f : factories) this.factories.put(f.kind(), f);
    }

    /** The adapter for this provider; implements one or more capability interfaces. */
    public Object adapter(ProviderConfig config) {
        Object a = adapters.get(config);
        if (a != null) return a;
        if (adapters.size() > 1000) adapters.clear(); // old snapshots' adapters; rebuilt on demand
        return adapters.computeIfAbsent(config, c -> {
            ProviderFactory f = factories.get(c.kind());
            if (f == null) throw new IllegalStateException("no adapter for kind " + c.kind().id());
            return f.create(c);
        });
    }

    /** Whether this provider can serve the capability, e.g. {@code ChatCapable.class}. */
    public boolean supports(ProviderConfig config, Class<?> capability) {
        return capability.isInstance(adapter(config));
    }
}
