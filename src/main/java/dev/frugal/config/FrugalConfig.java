package dev.frugal.config;

import java.util.Map;

/**
 * One compiled, validated and immutable snapshot of {@code frugal.yaml}. Requests read the
 * snapshot current when they started; a reload swaps in a new one atomically.
 */
public record FrugalConfig(ServerSettings server, Map<String, ProviderConfig> providers,
                           Map<String, ModelConfig> models, Map<String, TeamConfig> teams,
                           Map<String, TeamConfig> teamsByKeyHash, ResilienceSettings resilience,
                           Map<String, ResilienceSettings> providerResilience) {

    public ModelConfig model(String name) { return models.get(name); }

    /** The resilience settings of a provider: its own section, else the top-level defaults. */
    public ResilienceSettings resilienceFor(String provider) {
        return providerResilience.getOrDefault(provider, resilience);
    }

    public ProviderConfig provider(String name) { return providers.get(name); }
}
