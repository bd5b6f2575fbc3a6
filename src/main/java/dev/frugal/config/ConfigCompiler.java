package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.frugal.wire.Json;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles the text of {@code frugal.yaml} into a {@link FrugalConfig}: interpolates
 * {@code ${VAR}} / {@code ${VAR:default}} ({@link Interpolation}), compiles each top-level section
 * with its own compiler, in the order their references need (providers, then the models deployed
 * on them, then the routes over those models, then the teams that may call either, and the cache
 * policy of models and routes; the rules over the routes come after them), and reports every
 * problem with the full path of the bad field
 * ({@code models[2].deployments[0].provider: unknown provider 'olama'}). Stateless; the environment
 * lookup is injected so tests need no real variables.
 */
public final class ConfigCompiler {
    private static final String[] SECTIONS = {"server", "providers", "models", "routes", "rules", "teams", "resilience", "pricing", "cache"};

    private ConfigCompiler() {}

    /** Compiles or throws {@link InvalidConfigException} listing every problem found. */
    public static FrugalConfig compile(String yaml, Function<String, String> env) {
        ConfigReader r = new ConfigReader();
        JsonNode root = new Interpolation(env, r).apply(parse(yaml));
        r.allowOnly(root, "", SECTIONS);

        ServerSettings server = new ServerCompiler(r).compile(root.path("server"));
        ResilienceCompiler resilience = new ResilienceCompiler(r);
        ResilienceLayers.Builder layers = ResilienceLayers.builder(resilience.compileDefaults(root.get("resilience")));
        Map<String, ProviderConfig> providers = new ProvidersCompiler(r, resilience).compile(root.path("providers"), layers);
        Map<String, ModelConfig> models = new ModelsCompiler(r, resilience).compile(root.path("models"), providers, layers);
        Map<String, RouteConfig> routes = new RoutesCompiler(r, resilience).compile(root.path("routes"), models, layers);
        List<RuleConfig> rules = new RulesCompiler(r).compile(root.path("rules"));
        Map<String, TeamConfig> teams = new TeamsCompiler(r).compile(root.path("teams"), callable(providers, models, routes));
        PricingSettings pricing = new PricingCompiler(r).compile(root.get("pricing"));
        CacheSettings cache = new CacheCompiler(r).compile(root.get("cache"), callable(providers, models, routes));
        r.throwIfErrors();

        Map<String, TeamConfig> byKeyHash = new HashMap<>();
        for (TeamConfig t : teams.values()) for (String h : t.keyHashes()) byKeyHash.put(h, t);
        return new FrugalConfig(server, Collections.unmodifiableMap(providers), Collections.unmodifiableMap(models),
                Collections.unmodifiableMap(teams), Map.copyOf(byKeyHash), layers.build(), pricing,
                Collections.unmodifiableMap(routes), rules, cache);
    }

    /** The file as a tree; an empty, unreadable or non-mapping file is the one problem reported. */
    private static JsonNode parse(String yaml) {
        if (yaml.isBlank()) throw new InvalidConfigException(List.of("(root): the file is empty"));
        JsonNode root;
        try {
            root = Json.parseYaml(yaml);
        } catch (IOException e) {
            throw new InvalidConfigException(List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        if (root == null || root.isMissingNode() || root.isNull()) root = JsonNodeFactory.instance.objectNode();
        if (!root.isObject()) throw new InvalidConfigException(List.of("(root): must be a mapping"));
        return root;
    }

    /**
     * The names a team may list: the models and routes; or null, accepting any, while some provider
     * discovers its models (a name the file does not configure can only be checked once discovered).
     */
    private static Set<String> callable(Map<String, ProviderConfig> providers, Map<String, ModelConfig> models,
                                        Map<String, RouteConfig> routes) {
        if (providers.values().stream().anyMatch(ProviderConfig::discoverModels)) return null;
        Set<String> names = new LinkedHashSet<>(models.keySet());
        names.addAll(routes.keySet());
        return names;
    }

    private static String firstLine(String s) { return s == null ? "" : s.lines().findFirst().orElse(""); }

    // ---- one team, as the admin API sends it -----------------------------------------------

    /**
     * Compiles one team as the admin API receives it — {@code name, models, budget, limits,
     * reference_model}, no keys (the API issues those) — with the rules of {@code teams[]}. No
     * {@code ${VAR}} interpolation: a client's text is never looked up in the environment.
     *
     * @param knownModels the model names the team may list (unknown ones are errors); null accepts any,
     *                    for teams read back from the database whose models may have gone since
     * @throws InvalidConfigException with one {@code path: message} per problem, the path relative to the
     *                                body ({@code budget[1].period: a budget for this period is already set})
     */
    public static TeamConfig compileTeam(JsonNode body, Set<String> knownModels) {
        ConfigReader r = new ConfigReader(true);
        TeamConfig team = null;
        if (r.isMap(body, "(root)")) {
            r.allowOnly(body, "", "name", "models", "budget", "limits", "reference_model", "data_policy");
            team = new TeamsCompiler(r).team(body, "", Set.of(), knownModels, "reference_model");
            DataPolicy policy = TeamsCompiler.dataPolicy(r, body.get("data_policy"), "data_policy");
            if (team != null && policy != DataPolicy.ANY) team = team.withDataPolicy(policy);
        }
        r.throwIfErrors();
        return team;
    }

    // ---- one route, as the admin API sends it ----------------------------------------------

    /**
     * Compiles one route as {@code PUT /admin/routes/{route}} receives it — the fields of a {@code routes[]}
     * item, keys as in the file — with the rules of the file, against the models of {@code base} (the
     * snapshot in force: its candidates must be configured models, its name none of theirs). No
     * {@code ${VAR}} interpolation; JSON types taken at their word.
     *
     * @throws InvalidConfigException with one {@code path: message} per problem, the path relative to the
     *                                body ({@code candidates[1]: unknown model 'gpt-4p' (did you mean 'gpt-4o'?)})
     */
    public static RouteConfig compileRoute(JsonNode body, FrugalConfig base) {
        ConfigReader r = new ConfigReader(true);
        RouteConfig route = null;
        if (r.isMap(body, "(root)")) {
            RoutesCompiler routes = new RoutesCompiler(r, new ResilienceCompiler(r));
            route = routes.one(body, "", base.models(), true);
            routes.layer(route, body, "", base.models(), base.resilience().toBuilder()); // checks the section
        }
        r.throwIfErrors();
        return route;
    }

    /** Compiles {@code {rpm, tpm, concurrent}} found at {@code path}; absent or null is {@link Limits#NONE}. */
    public static Limits compileLimits(JsonNode n, String path) {
        ConfigReader r = new ConfigReader(true);
        Limits limits = new TeamsCompiler(r).limits(n, path);
        r.throwIfErrors();
        return limits;
    }

    /** Compiles a {@code budget} (one {@code {usd, period, mode}} or a list) found at {@code path}; absent or null is none. */
    public static List<Budget> compileBudgets(JsonNode n, String path) {
        ConfigReader r = new ConfigReader(true);
        List<Budget> budgets = new TeamsCompiler(r).budgets(n, path);
        r.throwIfErrors();
        return budgets;
    }

    /** Whether {@code s} is a valid name of a provider, model or team. */
    public static boolean isName(String s) {
        return ConfigReader.isName(s);
    }
}
