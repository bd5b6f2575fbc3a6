package dev.frugal.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The {@link ResilienceSettings} of every attempt, layered defaults ← provider ← model ← route
 * (docs/decisions/0006): each layer's {@code resilience} section overrides the fields it sets over the
 * settings beneath it. Every combination a section touches is computed when the file is compiled, so
 * a lookup is at most three hash lookups of names already held: it builds no string and allocates
 * nothing, which matters because it runs on every attempt. Immutable; thread-safe.
 */
public final class ResilienceLayers {
    private final ResilienceSettings defaults;
    /** provider → its own section over the defaults. */
    private final Map<String, ResilienceSettings> byProvider;
    /** model → provider → the model's section over the provider's settings; only models with a section. */
    private final Map<String, Map<String, ResilienceSettings>> byModel;
    /** route → candidate model → provider → the route's section over the model's; only routes with a section. */
    private final Map<String, Map<String, Map<String, ResilienceSettings>>> byRoute;

    private ResilienceLayers(ResilienceSettings defaults, Map<String, ResilienceSettings> byProvider,
                             Map<String, Map<String, ResilienceSettings>> byModel,
                             Map<String, Map<String, Map<String, ResilienceSettings>>> byRoute) {
        this.defaults = defaults;
        this.byProvider = byProvider;
        this.byModel = byModel;
        this.byRoute = byRoute;
    }

    /** The same settings for every attempt (tests, configs without overrides). */
    public static ResilienceLayers of(ResilienceSettings defaults) {
        return new ResilienceLayers(defaults, Map.of(), Map.of(), Map.of());
    }

    /** The top-level settings, under every provider's, model's and route's own. */
    public ResilienceSettings defaults() { return defaults; }

    /** A provider's settings: its own section, else the defaults. */
    public ResilienceSettings forProvider(String provider) {
        ResilienceSettings s = byProvider.get(provider);
        return s != null ? s : defaults;
    }

    /** One model's settings on one provider: the model's own section over the provider's settings. */
    public ResilienceSettings forModel(String model, String provider) {
        Map<String, ResilienceSettings> own = byModel.get(model);
        ResilienceSettings s = own == null ? null : own.get(provider);
        return s != null ? s : forProvider(provider);
    }

    /**
     * One attempt's settings: the route's own section over {@link #forModel}. A null route (the model
     * was called by its own name) is the model alone.
     */
    public ResilienceSettings forAttempt(String route, String model, String provider) {
        if (route != null) {
            Map<String, Map<String, ResilienceSettings>> byCandidate = byRoute.get(route);
            Map<String, ResilienceSettings> own = byCandidate == null ? null : byCandidate.get(model);
            ResilienceSettings s = own == null ? null : own.get(provider);
            if (s != null) return s;
        }
        return forModel(model, provider);
    }

    static Builder builder(ResilienceSettings defaults) { return new Builder(defaults); }

    /** A builder that starts from these layers, to layer more routes over them (routes made through the admin API). */
    Builder toBuilder() {
        Builder b = new Builder(defaults);
        b.byProvider.putAll(byProvider);
        b.byModel.putAll(byModel);
        b.byRoute.putAll(byRoute);
        return b;
    }

    /**
     * Collects the sections while the file is compiled, in the order of the layers: providers before
     * the models on them, models before the routes over them. A section is a function from the
     * settings beneath to the settings with the section's own fields set. Not thread-safe.
     */
    static final class Builder {
        private final Map<String, ResilienceSettings> byProvider = new HashMap<>();
        private final Map<String, Map<String, ResilienceSettings>> byModel = new HashMap<>();
        private final Map<String, Map<String, Map<String, ResilienceSettings>>> byRoute = new HashMap<>();
        /** The layers so far, over the builder's own maps: what the next section layers over. */
        private final ResilienceLayers sofar;

        private Builder(ResilienceSettings defaults) {
            sofar = new ResilienceLayers(defaults, byProvider, byModel, byRoute);
        }

        void provider(String provider, UnaryOperator<ResilienceSettings> section) {
            byProvider.put(provider, section.apply(sofar.defaults));
        }

        /** A model's section over the settings of each provider it is deployed on. */
        void model(String model, Collection<String> providers, UnaryOperator<ResilienceSettings> section) {
            Map<String, ResilienceSettings> own = new HashMap<>();
            for (String p : providers) own.put(p, section.apply(sofar.forProvider(p)));
            byModel.put(model, Map.copyOf(own));
        }

        /** A route's section over each candidate's settings on each provider that candidate is deployed on. */
        void route(String route, Map<String, ? extends Collection<String>> providersByCandidate,
                   UnaryOperator<ResilienceSettings> section) {
            Map<String, Map<String, ResilienceSettings>> byCandidate = new HashMap<>();
            providersByCandidate.forEach((model, providers) -> {
                Map<String, ResilienceSettings> own = new HashMap<>();
                for (String p : providers) own.put(p, section.apply(sofar.forModel(model, p)));
                byCandidate.put(model, Map.copyOf(own));
            });
            byRoute.put(route, Map.copyOf(byCandidate));
        }

        /** Drops a route's own section (a route of that name now has none). */
        void withoutRoute(String route) {
            byRoute.remove(route);
        }

        ResilienceLayers build() {
            return new ResilienceLayers(sofar.defaults, Map.copyOf(byProvider), Map.copyOf(byModel), Map.copyOf(byRoute));
        }
    }
}
