package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.Price;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code models[]}: the names clients call, each with its deployments on the providers already
 * compiled, its prices, and its own {@code resilience} section over each of its providers' settings.
 */
final class ModelsCompiler {
    private final ConfigReader r;
    private final ResilienceCompiler resilience;

    ModelsCompiler(ConfigReader r, ResilienceCompiler resilience) {
        this.r = r;
        this.resilience = resilience;
    }

    /** The models by name, in file order. */
    Map<String, ModelConfig> compile(JsonNode list, Map<String, ProviderConfig> providers, ResilienceLayers.Builder layers) {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        r.eachMapping(list, "models", (n, p) -> {
            ModelConfig model = model(n, p, providers);
            UnaryOperator<ResilienceSettings> own = resilience.section(n.get("resilience"), p + ".resilience");
            if (r.putUnique(out, model.name(), model, p, "model") && own != null) layers.model(model.name(), providersOf(model), own);
        });
        return out;
    }

    /** The providers a model is deployed on, each once. */
    static Set<String> providersOf(ModelConfig model) {
        Set<String> out = new LinkedHashSet<>();
        for (ModelConfig.Deployment d : model.deployments()) if (d.provider() != null) out.add(d.provider());
        return out;
    }

    /** One model; its name is null when missing or bad. */
    private ModelConfig model(JsonNode n, String p, Map<String, ProviderConfig> providers) {
        r.allowOnly(n, p, "name", "deployments", "strategy", "owned-by", "created", "resilience", "price", "capabilities",
                "context-window", "quality");
        String name = r.name(n.get("name"), p + ".name");
        String strategyText = r.optionalText(n.get("strategy"), p + ".strategy", Defaults.STRATEGY);
        ModelConfig.Strategy strategy = ModelConfig.Strategy.ORDERED;
        if ("weighted".equals(strategyText)) strategy = ModelConfig.Strategy.WEIGHTED;
        else if (strategyText != null && !"ordered".equals(strategyText)) {
            r.error(p + ".strategy", "must be 'ordered' or 'weighted', got '" + strategyText + "'");
        }
        List<ModelConfig.Deployment> deployments = new ArrayList<>();
        JsonNode ds = n.get("deployments");
        String dp = p + ".deployments";
        if (ds == null || ds.isNull()) r.error(dp, "is required");
        else if (r.isList(ds, dp, false)) {
            if (ds.isEmpty()) r.error(dp, "must name at least one deployment");
            for (int j = 0; j < ds.size(); j++) {
                String dj = dp + "[" + j + "]";
                JsonNode d = ds.get(j);
                if (r.isMap(d, dj)) deployments.add(deployment(d, dj, name, providers));
            }
            if (strategy == ModelConfig.Strategy.WEIGHTED && !deployments.isEmpty()
                    && deployments.stream().mapToInt(ModelConfig.Deployment::weight).sum() == 0) {
                r.error(dp, "weighted strategy needs at least one deployment with weight > 0");
            }
        }
        String ownedBy = r.optionalText(n.get("owned-by"), p + ".owned-by", null);
        if (ownedBy == null) {
            boolean allSimulated = !deployments.isEmpty() && deployments.stream().allMatch(d -> {
                ProviderConfig pc = providers.get(d.provider());
                return pc != null && pc.kind() == ProviderKind.SIMULATOR;
            });
            ownedBy = allSimulated ? Defaults.OWNED_BY_SIMULATOR : Defaults.OWNED_BY;
        }
        long created = (long) r.number(n.get("created"), p + ".created", Defaults.CREATED, 0, 4_102_444_800L);
        Price price = price(n.get("price"), p + ".price");
        return new ModelConfig(name, List.copyOf(deployments), strategy, ownedBy, created, price, traits(n, p));
    }

    /**
     * The model's own {@code capabilities: {tools, vision, json}}, {@code context-window} (tokens) and
     * {@code quality} (0..1): each optional, each over what the catalog says.
     */
    private ModelTraits traits(JsonNode n, String p) {
        Boolean tools = null, vision = null, json = null;
        JsonNode caps = n.get("capabilities");
        String cp = p + ".capabilities";
        if (!ConfigReader.isAbsent(caps) && r.isMap(caps, cp)) {
            r.allowOnly(caps, cp, "tools", "vision", "json");
            tools = caps.has("tools") ? r.bool(caps.get("tools"), cp + ".tools", false) : null;
            vision = caps.has("vision") ? r.bool(caps.get("vision"), cp + ".vision", false) : null;
            json = caps.has("json") ? r.bool(caps.get("json"), cp + ".json", false) : null;
        }
        int context = (int) r.number(n.get("context-window"), p + ".context-window", 0, 1, 100_000_000);
        if (ConfigReader.isFractional(n.get("context-window"))) r.error(p + ".context-window", "must be a whole number of tokens");
        double quality = r.number(n.get("quality"), p + ".quality", Double.NaN, 0, 1);
        ModelTraits t = new ModelTraits(tools, vision, json, context, quality, Double.isNaN(quality) ? null : "config");
        return t.isUnknown() ? ModelTraits.UNKNOWN : t;
    }

    private ModelConfig.Deployment deployment(JsonNode d, String dj, String modelName, Map<String, ProviderConfig> providers) {
        r.allowOnly(d, dj, "provider", "model", "weight", "reasoning", "think-prefilled", "price", "gpu");
        String provider = r.requiredText(d.get("provider"), dj + ".provider");
        if (provider != null && !providers.containsKey(provider)) {
            r.error(dj + ".provider", "unknown provider '" + provider + "'" + ConfigReader.suggest(provider, providers.keySet()));
        }
        String upstream = r.optionalText(d.get("model"), dj + ".model", modelName);
        int weight = (int) r.number(d.get("weight"), dj + ".weight", Defaults.WEIGHT, 0, 1_000_000);
        String reasoningText = r.optionalText(d.get("reasoning"), dj + ".reasoning", Defaults.REASONING);
        ModelConfig.Reasoning reasoning = ModelConfig.Reasoning.SPLIT;
        switch (reasoningText == null ? Defaults.REASONING : reasoningText) {
            case "split" -> reasoning = ModelConfig.Reasoning.SPLIT;
            case "pass" -> reasoning = ModelConfig.Reasoning.PASS;
            case "strip" -> reasoning = ModelConfig.Reasoning.STRIP;
            default -> r.error(dj + ".reasoning", "must be 'split', 'pass' or 'strip', got '" + reasoningText + "'");
        }
        boolean prefilled = r.bool(d.get("think-prefilled"), dj + ".think-prefilled", false);
        Price price = price(d.get("price"), dj + ".price");
        ModelConfig.Gpu gpu = gpu(d.get("gpu"), dj + ".gpu");
        if (d.has("price") && d.has("gpu")) r.error(dj, "set either price or gpu, not both");
        return new ModelConfig.Deployment(provider, upstream, weight, reasoning, prefilled, price, gpu);
    }

    /** {@code price: {input, cached-input, output}} in USD per million tokens; cached-input defaults to input. */
    private Price price(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (!r.isMap(n, p)) return null;
        r.allowOnly(n, p, "input", "cached-input", "output");
        long input = r.requiredUsd(n, "input", p);
        long output = r.requiredUsd(n, "output", p);
        long cached = r.usdMicros(n.get("cached-input"), p + ".cached-input", input);
        if (input < 0 || output < 0 || cached < 0) return null;
        return Price.of(Price.Source.CONFIG, input, cached, output); // USD per Mtok x 10^6 = micro-USD per Mtok
    }

    /** {@code gpu: {usd-per-hour, output-tokens-per-second, input-tokens-per-second}}; input defaults to a multiple of output. */
    private ModelConfig.Gpu gpu(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (!r.isMap(n, p)) return null;
        r.allowOnly(n, p, "usd-per-hour", "output-tokens-per-second", "input-tokens-per-second");
        long perHour = r.requiredUsd(n, "usd-per-hour", p);
        if (n.get("output-tokens-per-second") == null) r.error(p + ".output-tokens-per-second", "is required");
        double out = r.number(n.get("output-tokens-per-second"), p + ".output-tokens-per-second", -1, 0.1, 1e9);
        double in = r.number(n.get("input-tokens-per-second"), p + ".input-tokens-per-second",
                out * Defaults.GPU_INPUT_SPEEDUP, 0.1, 1e10);
        if (perHour < 0 || out <= 0 || in <= 0) return null;
        return new ModelConfig.Gpu(perHour, out, in);
    }
}
