package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.ModelConfig;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Ollama's {@code GET /api/tags} list (provider-protocols.md §6.3) into models clients can
 * call: each tag's {@code name} becomes a model of that name, served by the box under the same
 * name, {@code owned_by} the provider, {@code created} its {@code modified_at} in Unix seconds.
 * Pure.
 */
final class OllamaTags {
    /** Longest model name the config accepts; longer ones cannot be allowed to a team, so are skipped. */
    private static final int MAX_NAME = 128;

    private OllamaTags() {}

    /** The models of one provider's tag list, in the order listed; entries without a usable name are skipped. */
    static Map<String, ModelConfig> toModels(String provider, JsonNode tags) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (JsonNode t : tags.path("models")) {
            String name = t.path("name").asText(t.path("model").asText(""));
            if (name.isBlank() || name.length() > MAX_NAME || out.containsKey(name)) continue;
            out.put(name, new ModelConfig(name, List.of(new ModelConfig.Deployment(provider, name, 1)),
                    ModelConfig.Strategy.ORDERED, provider, created(t.path("modified_at").asText(""))));
        }
        return out;
    }

    /**
     * Several boxes' models together, in provider order: a model more than one box serves gets one
     * deployment per box, in that order (the first, the others as fallbacks), and the first box as owner.
     */
    static Map<String, ModelConfig> merge(List<Map<String, ModelConfig>> perProvider) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (Map<String, ModelConfig> models : perProvider) {
            for (ModelConfig m : models.values()) {
                out.merge(m.name(), m, (a, b) -> {
                    List<ModelConfig.Deployment> all = new java.util.ArrayList<>(a.deployments());
                    all.addAll(b.deployments());
                    return new ModelConfig(a.name(), List.copyOf(all), a.strategy(), a.ownedBy(), a.created());
                });
            }
        }
        return out;
    }

    private static long created(String rfc3339) {
        try {
            return OffsetDateTime.parse(rfc3339).toEpochSecond();
        } catch (DateTimeParseException unreadable) {
            return 0;
        }
    }
}
