package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

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

    /** The routes by name, in file order. */
    Map<String, RouteConfig> compile(JsonNode list, Map<String, ModelConfig> models, ResilienceLayers.Builder layers) {
        Map<String, RouteConfig> out = new LinkedHashMap<>();
        r.eachMapping(list, "routes", (n, p) -> {
            RouteConfig route = route(n, p, models);
            UnaryOperator<ResilienceSettings> own = resilience.section(n.get("resilience"), p + ".resilience");
            if (!r.putUnique(out, route.name(), route, p, "route") || own == null) return;
            Map<String, Set<String>> providersByCandidate = new LinkedHashMap<>();
            for (String m : route.candidates()) providersByCandidate.put(m, ModelsCompiler.providersOf(models.get(m)));
            layers.route(route.name(), providersByCandidate, own);
        });
        return out;
    }

    /** One route; its name is null when missing, bad or a model's. */
    private RouteConfig route(JsonNode n, String p, Map<String, ModelConfig> models) {
        r.allowOnly(n, p, "name", "candidates", "objective", "resilience", "created");
        String name = r.name(n.get("name"), p + ".name");
        if (name != null && models.containsKey(name)) {
            r.error(p + ".name", "'" + name + "' is already a model name (a route needs a name of its own)");
            name = null;
        }
        List<String> candidates = new ArrayList<>();
        JsonNode cs = n.get("candidates");
        String cp = p + ".candidates";
        if (cs == null || cs.isNull()) r.error(cp, "is required");
        else if (r.isList(cs, cp, false)) {
            if (cs.isEmpty()) r.error(cp, "must name at least one model");
            for (int j = 0; j < cs.size(); j++) {
                String m = r.requiredText(cs.get(j), cp + "[" + j + "]");
                if (m == null) continue;
                if (!models.containsKey(m)) {
                    r.error(cp + "[" + j + "]", "unknown model '" + m + "'" + ConfigReader.suggest(m, models.keySet()));
                } else if (candidates.contains(m)) r.error(cp + "[" + j + "]", "model '" + m + "' is already a candidate");
                else candidates.add(m);
            }
        }
        String objectiveText = r.optionalText(n.get("objective"), p + ".objective", Defaults.OBJECTIVE);
        RouteConfig.Objective objective = RouteConfig.Objective.ORDERED;
        if ("cheapest".equals(objectiveText)) objective = RouteConfig.Objective.CHEAPEST;
        else if (objectiveText != null && !"ordered".equals(objectiveText)) {
            r.error(p + ".objective", "must be 'ordered' or 'cheapest', got '" + objectiveText
                    + "' (best and fastest come with the routing policy)");
        }
        long created = (long) r.number(n.get("created"), p + ".created", Defaults.CREATED, 0, 4_102_444_800L);
        return new RouteConfig(name, List.copyOf(candidates), objective, created);
    }
}
