package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static dev.frugal.config.ConfigReader.join;

/**
 * {@code routes[]}: virtual models over the models already compiled. A route's own
 * {@code resilience} section layers over each candidate's settings on each of its providers.
 */
final class RoutesCompiler {
    private final ConfigReader r;
    private final ResilienceCompiler resilience;

    RoutesCompiler(ConfigReader r, ResilienceCompiler resilience) {
        this.r = r;
        this.resilience = resilience;
    }

    /** The routes by name, in file order; every candidate must be a configured model. */
    Map<String, RouteConfig> compile(JsonNode list, Map<String, ModelConfig> models, ResilienceLayers.Builder layers) {
        Map<String, RouteConfig> out = new LinkedHashMap<>();
        r.eachMapping(list, "routes", (n, p) -> {
            RouteConfig route = route(n, p, models, true);
            if (r.putUnique(out, route.name(), route, p, "route")) layer(route, n, p, models, layers);
        });
        return out;
    }

    /**
     * One route at {@code p} (a path inside the file, or "" for an admin API body), not yet layered.
     * With {@code knownOnly} every candidate must be a configured model; without, an unknown one is
     * kept (a stored route whose model the file dropped since: routing drops it as {@code unknown_model}).
     * Its name is null when missing, bad or a model's.
     */
    RouteConfig one(JsonNode n, String p, Map<String, ModelConfig> models, boolean knownOnly) {
        return route(n, p, models, knownOnly);
    }

    /**
     * The route's own {@code resilience} section (at {@code p}) layered over its candidates' settings in
     * {@code layers}; a route without one takes theirs, even where a route of that name had one before.
     * Problems of the section are reported here.
     */
    void layer(RouteConfig route, JsonNode n, String p, Map<String, ModelConfig> models, ResilienceLayers.Builder layers) {
        UnaryOperator<ResilienceSettings> own = resilience.section(n.get("resilience"), join(p, "resilience"));
        if (own == null) {
            layers.withoutRoute(route.name());
            return;
        }
        Map<String, Set<String>> providersByCandidate = new LinkedHashMap<>();
        for (String m : route.candidates()) {
            if (models.containsKey(m)) providersByCandidate.put(m, ModelsCompiler.providersOf(models.get(m)));
        }
        layers.route(route.name(), providersByCandidate, own);
    }

    private RouteConfig route(JsonNode n, String p, Map<String, ModelConfig> models, boolean knownOnly) {
        r.allowOnly(n, p, "name", "candidates", "objective", "min-quality", "max-cost-usd", "data-policy", "resilience", "created",
                "cascade", "shadow");
        String name = r.name(n.get("name"), join(p, "name"));
        if (name != null && models.containsKey(name)) {
            r.error(join(p, "name"), "'" + name + "' is already a model name (a route needs a name of its own)");
            name = null;
        }
        RouteConfig.Objective objective = r.oneOf(n.get("objective"), join(p, "objective"), RouteConfig.Objective.class,
                RouteConfig.Objective.valueOf(Defaults.OBJECTIVE.toUpperCase(java.util.Locale.ROOT)));
        if (objective == null) objective = RouteConfig.Objective.ORDERED; // reported
        List<String> candidates = new ArrayList<>();
        Map<String, Integer> weights = new LinkedHashMap<>();
        Map<String, Double> quality = new LinkedHashMap<>();
        JsonNode cs = n.get("candidates");
        String cp = join(p, "candidates");
        if (cs == null || cs.isNull()) r.error(cp, "is required");
        else if (r.isList(cs, cp, false)) {
            if (cs.isEmpty()) r.error(cp, "must name at least one model");
            for (int j = 0; j < cs.size(); j++) {
                candidate(cs.get(j), cp + "[" + j + "]", knownOnly ? models : null, objective, candidates, weights, quality);
            }
            if (objective == RouteConfig.Objective.WEIGHTED && !candidates.isEmpty()
                    && candidates.stream().mapToInt(c -> weights.getOrDefault(c, Defaults.WEIGHT)).sum() == 0) {
                r.error(cp, "a weighted route needs at least one candidate with weight > 0");
            }
        }
        double minQuality = minQuality(n, p, objective);
        long maxCost = maxCost(n, p, objective);
        DataPolicy policy = TeamsCompiler.dataPolicy(r, n.get("data-policy"), join(p, "data-policy"));
        long created = (long) r.number(n.get("created"), join(p, "created"), Defaults.CREATED, 0, 4_102_444_800L);
        JsonNode section = n.get("resilience");
        return new RouteConfig(name, List.copyOf(candidates), objective, created, minQuality, maxCost, Map.copyOf(weights),
                Map.copyOf(quality), policy, section == null || section.isNull() ? null : section.deepCopy(),
                cascade(n.get("cascade"), join(p, "cascade")), shadow(n.get("shadow"), join(p, "shadow")));
    }

    /** {@code min-quality} of the objective's mapping at {@code p} (a route or its shadow), only for {@code cheapest}. */
    private double minQuality(JsonNode n, String p, RouteConfig.Objective objective) {
        double minQuality = r.number(n.get("min-quality"), join(p, "min-quality"), Double.NaN, 0, 1);
        if (present(n, "min-quality") && objective != RouteConfig.Objective.CHEAPEST) {
            r.error(join(p, "min-quality"), "only for objective 'cheapest' (got '" + objective.name().toLowerCase(java.util.Locale.ROOT) + "')");
        }
        return minQuality;
    }

    /** {@code max-cost-usd} of the objective's mapping at {@code p}, only for {@code best}. */
    private long maxCost(JsonNode n, String p, RouteConfig.Objective objective) {
        long maxCost = r.usdMicros(n.get("max-cost-usd"), join(p, "max-cost-usd"), -1);
        if (present(n, "max-cost-usd") && objective != RouteConfig.Objective.BEST) {
            r.error(join(p, "max-cost-usd"), "only for objective 'best' (got '" + objective.name().toLowerCase(java.util.Locale.ROOT) + "')");
        }
        return maxCost;
    }

    /** {@code cascade}: {@code true}, {@code false} (or absent: none) or {@code {buffer-streams: bool}}. */
    private RouteConfig.Cascade cascade(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (n.isBoolean()) return n.booleanValue() ? new RouteConfig.Cascade(false) : null;
        if (!n.isObject()) {
            r.error(p, "must be true, false or a mapping {buffer-streams}");
            return null;
        }
        r.allowOnly(n, p, "buffer-streams");
        return new RouteConfig.Cascade(r.bool(n.get("buffer-streams"), join(p, "buffer-streams"), false));
    }

    /** {@code shadow}: {@code {objective, min-quality, max-cost-usd}} over the route's candidates, or none. */
    private RouteConfig.Shadow shadow(JsonNode n, String p) {
        if (n == null || n.isNull()) return null;
        if (!r.isMap(n, p)) return null;
        r.allowOnly(n, p, "objective", "min-quality", "max-cost-usd");
        if (!n.has("objective")) r.error(join(p, "objective"), "is required");
        RouteConfig.Objective objective = r.oneOf(n.get("objective"), join(p, "objective"), RouteConfig.Objective.class,
                RouteConfig.Objective.ORDERED);
        if (objective == null) return null; // reported
        return new RouteConfig.Shadow(objective, minQuality(n, p, objective), maxCost(n, p, objective));
    }

    /** Whether the field is given a value ({@code null}, as the admin API may send it, is no value). */
    private static boolean present(JsonNode n, String field) {
        return !ConfigReader.isAbsent(n.get(field));
    }

    /** One candidate: a model name, or {@code {model, weight, quality}}; with {@code models} null any name is taken. */
    private void candidate(JsonNode c, String cj, Map<String, ModelConfig> models, RouteConfig.Objective objective,
                           List<String> candidates, Map<String, Integer> weights, Map<String, Double> quality) {
        String m;
        int weight = Defaults.WEIGHT;
        double q = Double.NaN;
        if (c != null && c.isObject()) {
            r.allowOnly(c, cj, "model", "weight", "quality");
            m = r.requiredText(c.get("model"), cj + ".model");
            weight = (int) r.number(c.get("weight"), cj + ".weight", Defaults.WEIGHT, 0, 1_000_000);
            if (present(c, "weight") && objective != RouteConfig.Objective.WEIGHTED) {
                r.error(cj + ".weight", "only for objective 'weighted'");
            }
            q = r.number(c.get("quality"), cj + ".quality", Double.NaN, 0, 1);
        } else {
            m = r.requiredText(c, cj);
        }
        if (m == null) return;
        if (models != null && !models.containsKey(m)) {
            r.error(cj, "unknown model '" + m + "'" + ConfigReader.suggest(m, models.keySet()));
            return;
        }
        if (candidates.contains(m)) {
            r.error(cj, "model '" + m + "' is already a candidate");
            return;
        }
        candidates.add(m);
        if (weight != Defaults.WEIGHT) weights.put(m, weight);
        if (!Double.isNaN(q)) quality.put(m, q);
    }
}
