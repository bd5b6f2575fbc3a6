package dev.frugal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compiled, validated and immutable snapshot of {@code frugal.yaml}, possibly with models
 * discovered on upstreams merged in ({@link #withDiscovered}). Requests read the snapshot
 * current when they started; a reload swaps in a new one atomically.
 *
 * @param resilience the resilience settings of every attempt, layered defaults ← provider ← model ← route
 * @param pricing    the top-level {@code pricing} section (models without a price)
 * @param routes     the virtual models of {@code routes[]}, by name (never the name of a model)
 * @param rules      {@code rules[]}: which requests go to which route, tried in order
 * @param cache      the top-level {@code cache} section (the exact response cache's policy)
 */
public record FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers,
                           Map<String, ModelConfig> models, Map<String, TeamConfig> teams,
                           Map<String, TeamConfig> teamsByKeyHash, ResilienceLayers resilience, PricingSettings pricing,
                           Map<String, RouteConfig> routes, List<RuleConfig> rules, CacheSettings cache) {

    /** A snapshot without rules (tests). */
    public FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                        Map<String, TeamConfig> teams, Map<String, TeamConfig> teamsByKeyHash, ResilienceLayers resilience,
                        PricingSettings pricing, Map<String, RouteConfig> routes, CacheSettings cache) {
        this(server, providers, models, teams, teamsByKeyHash, resilience, pricing, routes, List.of(), cache);
    }

    /** A snapshot without rules (tests). */
    public FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                        Map<String, TeamConfig> teams, Map<String, TeamConfig> teamsByKeyHash, ResilienceLayers resilience,
                        PricingSettings pricing, Map<String, RouteConfig> routes, List<RuleConfig> rules) {
        this(server, providers, models, teams, teamsByKeyHash, resilience, pricing, routes, rules, CacheSettings.OFF);
    }

    /** A snapshot without rules and without a {@code cache} section (tests). */
    public FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                        Map<String, TeamConfig> teams, Map<String, TeamConfig> teamsByKeyHash, ResilienceLayers resilience,
                        PricingSettings pricing, Map<String, RouteConfig> routes) {
        this(server, providers, models, teams, teamsByKeyHash, resilience, pricing, routes, List.of(), CacheSettings.OFF);
    }

    /** A snapshot without routes and with the default pricing (tests). */
    public FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                        Map<String, TeamConfig> teams, Map<String, TeamConfig> teamsByKeyHash, ResilienceLayers resilience) {
        this(server, providers, models, teams, teamsByKeyHash, resilience, PricingSettings.DEFAULT, Map.of());
    }

    public ModelConfig model(String name) { return models.get(name); }

    /** The route of this name, or null. */
    public RouteConfig route(String name) { return routes.get(name); }

    /** The resilience settings of a provider: its own section, else the top-level defaults. */
    public ResilienceSettings resilienceFor(String provider) {
        return resilience.forProvider(provider);
    }

    /** The settings for one model on one provider: the model's own {@code resilience} section over the provider's. */
    public ResilienceSettings resilienceFor(String model, String provider) {
        return resilience.forModel(model, provider);
    }

    /**
     * The settings of one attempt: the route's own {@code resilience} section over
     * {@link #resilienceFor(String, String)}; a null route is the model alone. Allocates nothing:
     * called per attempt.
     */
    public ResilienceSettings resilienceFor(String route, String model, String provider) {
        return resilience.forAttempt(route, model, provider);
    }

    public ProviderConfig provider(String name) { return providers.get(name); }

    /**
     * This snapshot plus models discovered on upstreams (an Ollama box's {@code /api/tags}), listed
     * after the configured ones. A configured model of the same name wins. Only deployments on
     * providers of this snapshot that still have {@code discover-models} on are kept, so a reload
     * that removes a provider or turns discovery off drops its models at once; a model left with
     * no deployment is left out. Returns this snapshot when nothing is added. Pure.
     */
    public FrugalConfig withDiscovered(Map<String, ModelConfig> discovered) {
        Map<String, ModelConfig> merged = null;
        for (ModelConfig m : discovered.values()) {
            if (models.containsKey(m.name())) continue;
            List<ModelConfig.Deployment> kept = new ArrayList<>(m.deployments().size());
            for (ModelConfig.Deployment d : m.deployments()) {
                ProviderConfig p = providers.get(d.provider());
                if (p != null && p.discoverModels()) kept.add(d);
            }
            if (kept.isEmpty()) continue;
            if (merged == null) merged = new LinkedHashMap<>(models);
            merged.put(m.name(), kept.size() == m.deployments().size() ? m
                    : new ModelConfig(m.name(), List.copyOf(kept), m.strategy(), m.ownedBy(), m.created(), m.price(), m.traits()));
        }
        if (merged == null) return this;
        return new FrugalConfig(server, providers, Collections.unmodifiableMap(merged), teams, teamsByKeyHash, resilience,
                pricing, routes, rules, cache);
    }
}
