package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes made through the admin API laid over a snapshot of the file (docs/routing.md#routes-through-the-admin-api):
 * a route of the API wins over the file's route of the same name, with its own {@code resilience} section
 * or none; a rule whose route exists in neither is left out of the snapshot (skipped: the next rule is
 * tried). Pure; the result is a new immutable snapshot, or the base when nothing changes.
 *
 * <p>Stored routes are compiled with the file's rules but leniently about their candidates: a model the
 * file has dropped since is kept and dropped by routing as {@code unknown_model}, so a reload never
 * loses a route. A stored route that no longer compiles (its name is now a model's) is left out and
 * named in {@link Result#problems()}.
 *
 * @see ConfigHolder#apiRoutes
 */
public final class RouteOverlay {
    private RouteOverlay() {}

    /**
     * The snapshot with the API's routes over it.
     *
     * @param problems     route name → why it is left out (it does not compile over this snapshot)
     * @param skippedRules the names of the rules left out because their route exists nowhere
     */
    public record Result(FrugalConfig config, Map<String, String> problems, List<String> skippedRules) {}

    /** {@code specs}: route name → the route as stored (the admin API's JSON, keys as in the file). */
    public static Result apply(FrugalConfig base, Map<String, JsonNode> specs) {
        Map<String, RouteConfig> routes = base.routes();
        ResilienceLayers resilience = base.resilience();
        Map<String, String> problems = new LinkedHashMap<>();
        if (!specs.isEmpty()) {
            routes = new LinkedHashMap<>(base.routes());
            ResilienceLayers.Builder layers = resilience.toBuilder();
            for (Map.Entry<String, JsonNode> e : specs.entrySet()) {
                ConfigReader r = new ConfigReader(true);
                RoutesCompiler compiler = new RoutesCompiler(r, new ResilienceCompiler(r));
                RouteConfig route = r.isMap(e.getValue(), "(root)") ? compiler.one(e.getValue(), "", base.models(), false) : null;
                if (route != null && route.name() != null && !route.name().equals(e.getKey())) {
                    r.error("name", "'" + route.name() + "' is not the route's name '" + e.getKey() + "'");
                }
                if (route != null) compiler.layer(route, e.getValue(), "", base.models(), base.resilience().toBuilder());
                try {
                    r.throwIfErrors();
                } catch (InvalidConfigException invalid) {
                    problems.put(e.getKey(), String.join("; ", invalid.problems()));
                    continue;
                }
                compiler.layer(route, e.getValue(), "", base.models(), layers);
                routes.put(route.name(), route);
            }
            routes = Collections.unmodifiableMap(routes);
            resilience = layers.build();
        }
        List<RuleConfig> rules = base.rules();
        List<String> skipped = new ArrayList<>();
        for (RuleConfig rule : rules) if (!routes.containsKey(rule.route())) skipped.add(rule.name());
        if (!skipped.isEmpty()) {
            Map<String, RouteConfig> known = routes;
            rules = rules.stream().filter(rule -> known.containsKey(rule.route())).toList();
        }
        if (routes == base.routes() && rules == base.rules()) return new Result(base, Map.of(), List.of());
        FrugalConfig merged = new FrugalConfig(base.server(), base.providers(), base.models(), base.teams(), base.teamsByKeyHash(),
                resilience, base.pricing(), routes, rules, base.cache());
        return new Result(merged, Collections.unmodifiableMap(problems), List.copyOf(skipped));
    }
}
