package dev.frugal.routing;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ModelConfig.Deployment;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.ServerSettings;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoutePlannerTest {

    private static final Predicate<ProviderConfig> ANY = p -> true;
    private static final TeamConfig EVERY_MODEL = new TeamConfig("all", Set.of(), Set.of());

    private final FrugalConfig config = config(
            model("chat", ModelConfig.Strategy.ORDERED,
                    new Deployment("openai", "gpt-4o-mini", 1),
                    new Deployment("local-embed", "minilm", 1),
                    new Deployment("ollama", "llama3.2", 1),
                    new Deployment("sim", "sim-chat", 1)),
            model("spread", ModelConfig.Strategy.WEIGHTED,
                    new Deployment("openai", "a", 1),
                    new Deployment("spare", "z", 0),
                    new Deployment("ollama", "b", 3),
                    new Deployment("sim", "c", 6)),
            model("embed-only", ModelConfig.Strategy.ORDERED,
                    new Deployment("local-embed", "minilm", 1)));

    // ---- refusals -------------------------------------------------------------------------

    @Test
    void unknownModelIsA404ModelNotFound() {
        GatewayError e = assertThrows(GatewayError.class, () -> plan(EVERY_MODEL, "gpt-5", ANY));
        assertEquals(404, e.status());
        assertEquals("model_not_found", e.code());
        assertEquals("invalid_request_error", e.type());
        assertEquals("model", e.param());
        assertEquals("The model `gpt-5` does not exist or you do not have access to it.", e.getMessage());
    }

    @Test
    void modelOfAnotherTeamLooksExactlyLikeAnUnknownModel() {
        TeamConfig narrow = new TeamConfig("narrow", Set.of(), Set.of("chat"));
        GatewayError notAllowed = assertThrows(GatewayError.class, () -> plan(narrow, "spread", ANY));
        FrugalConfig withoutSpread = config(config.model("chat"));
        GatewayError unknown = assertThrows(GatewayError.class, () ->
                RoutePlanner.plan(withoutSpread, EVERY_MODEL, "spread", ANY, "chat completions", new Random(1)));

        assertEquals(List.of(unknown.status(), unknown.type(), unknown.code(), unknown.param(), unknown.getMessage()),
                List.of(notAllowed.status(), notAllowed.type(), notAllowed.code(), notAllowed.param(), notAllowed.getMessage()));
        assertEquals(404, notAllowed.status());
    }

    @Test
    void noDeploymentCapableOfTheOperationIsA400() {
        Predicate<ProviderConfig> chatOnly = p -> p.kind() != ProviderKind.LOCAL;
        GatewayError e = assertThrows(GatewayError.class,
                () -> RoutePlanner.plan(config, EVERY_MODEL, "embed-only", chatOnly, "chat completions", new Random(1)));
        assertEquals(400, e.status());
        assertEquals("unsupported_parameter", e.code());
        assertEquals("model", e.param());
        assertEquals("The model `embed-only` does not support chat completions.", e.getMessage());
    }

    // ---- ordered --------------------------------------------------------------------------

    @Test
    void orderedPlanKeepsTheConfiguredOrderOfCapableDeployments() {
        Plan p = plan(EVERY_MODEL, "chat", prov -> prov.kind() != ProviderKind.LOCAL);
        assertEquals(List.of("gpt-4o-mini", "llama3.2", "sim-chat"), upstreamModels(p));
        assertEquals("deployments in configured order", p.reason());
        for (Attempt a : p.attempts()) {
            assertEquals("chat", a.model());
            assertEquals(a.deployment().provider(), a.provider().name());
        }
    }

    @Test
    void teamRestrictedToTheModelGetsItsPlan() {
        TeamConfig team = new TeamConfig("narrow", Set.of(), Set.of("chat"));
        assertEquals(4, plan(team, "chat", ANY).attempts().size());
    }

    @Test
    void deploymentOfAProviderMissingFromTheSnapshotIsSkipped() {
        FrugalConfig c = config(model("m", ModelConfig.Strategy.ORDERED,
                new Deployment("gone", "x", 1), new Deployment("sim", "y", 1)));
        Plan p = RoutePlanner.plan(c, EVERY_MODEL, "m", ANY, "chat completions", new Random(1));
        assertEquals(List.of("y"), upstreamModels(p));
    }

    // ---- weighted -------------------------------------------------------------------------

    @Test
    void weightedFirstPicksAreProportionalToWeight() {
        RandomGenerator random = new Random(1);
        Map<String, Integer> firsts = new HashMap<>();
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            Plan p = RoutePlanner.plan(config, EVERY_MODEL, "spread", ANY, "chat completions", random);
            firsts.merge(p.attempts().get(0).deployment().upstreamModel(), 1, Integer::sum);
        }
        // weights a:1, b:3, c:6 out of 10; z has weight 0
        assertEquals(0.1, firsts.getOrDefault("a", 0) / (double) draws, 0.02);
        assertEquals(0.3, firsts.getOrDefault("b", 0) / (double) draws, 0.02);
        assertEquals(0.6, firsts.getOrDefault("c", 0) / (double) draws, 0.02);
        assertEquals(0, firsts.getOrDefault("z", 0));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void weightedPlanHoldsEveryDeploymentOnceWithWeightZeroLast(long seed) {
        Plan p = RoutePlanner.plan(config, EVERY_MODEL, "spread", ANY, "chat completions", new Random(seed));
        List<String> order = upstreamModels(p);
        assertEquals(Set.of("a", "b", "c", "z"), Set.copyOf(order));
        assertEquals(4, order.size());
        assertEquals("z", order.get(3));
        assertEquals("weighted draw, others as fallback", p.reason());
    }

    @Test
    void weightZeroDeploymentsKeepTheirConfiguredOrderAtTheEnd() {
        List<Attempt> attempts = List.of(attempt("z1", 0), attempt("a", 5), attempt("z2", 0), attempt("z3", 0));
        List<Attempt> order = RoutePlanner.weightedOrder(attempts, new Random(7));
        assertEquals(List.of("a", "z1", "z2", "z3"), order.stream().map(a -> a.deployment().upstreamModel()).toList());
    }

    @Test
    void weightedModelWithOneCapableDeploymentNeedsNoDraw() {
        RandomGenerator noRandomness = new RandomGenerator() {
            @Override public long nextLong() { throw new AssertionError("no draw expected"); }
        };
        Plan p = RoutePlanner.plan(config, EVERY_MODEL, "spread", prov -> prov.name().equals("sim"), "chat completions",
                noRandomness);
        assertEquals(List.of("c"), upstreamModels(p));
    }

    // ---- routes ---------------------------------------------------------------------------

    private static final FrugalConfig ROUTED = dev.frugal.config.ConfigCompiler.compile("""
            providers:
              - { name: a, kind: simulator }
              - { name: b, kind: simulator }
              - { name: embed, kind: local }
            models:
              - { name: strong, deployments: [{ provider: a, model: strong-a }, { provider: b, model: strong-b }] }
              - { name: free, deployments: [{ provider: b, model: free-b }] }
              - { name: cheap, deployments: [{ provider: a, model: cheap-a }] }
              - { name: minilm, deployments: [{ provider: embed }] }
            routes:
              - { name: auto, candidates: [strong, free, cheap] }
              - { name: thrifty, candidates: [strong, free, cheap], objective: cheapest }
              - { name: embed-route, candidates: [minilm] }
            """, v -> null);
    /** strong costs 900 on a and 500 on b (its cheapest), cheap 100, free is unpriced. */
    private static final java.util.function.ToLongFunction<Attempt> PRICES = a -> switch (a.deployment().upstreamModel()) {
        case "strong-a" -> 900;
        case "strong-b" -> 500;
        case "cheap-a" -> 100;
        default -> RoutePlanner.UNPRICED;
    };

    private static Plan route(TeamConfig team, String name, Predicate<ProviderConfig> capable) {
        return RoutePlanner.plan(ROUTED, team, name, capable, "chat completions", new Random(1), PRICES);
    }

    @Test
    void orderedRouteTriesCandidatesAsListedEachWithItsOwnDeploymentOrder() {
        Plan p = route(EVERY_MODEL, "auto", ANY);
        assertEquals(List.of("strong-a", "strong-b", "free-b", "cheap-a"), upstreamModels(p));
        assertEquals(List.of("strong", "strong", "free", "cheap"), p.attempts().stream().map(Attempt::model).toList());
        for (Attempt a : p.attempts()) assertEquals("auto", a.route());
        assertEquals("route auto, candidates as listed: strong free cheap", p.reason());
    }

    @Test
    void cheapestRouteOrdersCandidatesByTheirCheapestDeploymentUnpricedLast() {
        Plan p = route(EVERY_MODEL, "thrifty", ANY);
        assertEquals(List.of("cheap-a", "strong-a", "strong-b", "free-b"), upstreamModels(p),
                "cheap (100), then strong (500 on b) with its own deployment order, then free (unpriced)");
        assertEquals("route thrifty, cheapest first: cheap (100 µUSD) strong (500 µUSD) free (unpriced)", p.reason());
    }

    @Test
    void cheapestRouteWithNoPricesKeepsTheListedOrder() {
        Plan p = RoutePlanner.plan(ROUTED, EVERY_MODEL, "thrifty", ANY, "chat completions", new Random(1),
                a -> RoutePlanner.UNPRICED);
        assertEquals(List.of("strong-a", "strong-b", "free-b", "cheap-a"), upstreamModels(p));
    }

    @Test
    void routeSkipsCandidatesThatCannotServeTheOperation() {
        Plan p = route(EVERY_MODEL, "auto", prov -> prov.name().equals("b"));
        assertEquals(List.of("strong-b", "free-b"), upstreamModels(p));
        GatewayError e = assertThrows(GatewayError.class, () -> route(EVERY_MODEL, "embed-route", prov -> prov.kind() != ProviderKind.LOCAL));
        assertEquals(400, e.status());
        assertEquals("No model of the route `embed-route` supports chat completions.", e.getMessage());
    }

    @Test
    void aTeamNamingTheRouteMayCallItButNotItsCandidatesDirectly() {
        TeamConfig routeOnly = new TeamConfig("route-only", Set.of(), Set.of("auto"));
        assertEquals(4, route(routeOnly, "auto", ANY).attempts().size());
        GatewayError direct = assertThrows(GatewayError.class, () -> route(routeOnly, "strong", ANY));
        assertEquals(404, direct.status());
        assertEquals("model_not_found", direct.code());
    }

    @Test
    void aRouteTheTeamDoesNotNameLooksExactlyLikeAnUnknownModel() {
        TeamConfig modelsOnly = new TeamConfig("models-only", Set.of(), Set.of("strong", "free", "cheap"));
        GatewayError notAllowed = assertThrows(GatewayError.class, () -> route(modelsOnly, "auto", ANY));
        GatewayError unknown = assertThrows(GatewayError.class, () -> route(EVERY_MODEL, "nope", ANY));
        assertEquals(404, notAllowed.status());
        assertEquals("model_not_found", notAllowed.code());
        assertEquals(unknown.getMessage().replace("nope", "auto"), notAllowed.getMessage());
    }

    @Test
    void aModelPlanCarriesNoRoute() {
        for (Attempt a : route(EVERY_MODEL, "strong", ANY).attempts()) assertEquals(null, a.route());
    }

    // ---- helpers -------------------------------------------------------------------------

    private Plan plan(TeamConfig team, String model, Predicate<ProviderConfig> capable) {
        return RoutePlanner.plan(config, team, model, capable, "chat completions", new Random(1));
    }

    private static List<String> upstreamModels(Plan p) {
        return p.attempts().stream().map(a -> a.deployment().upstreamModel()).toList();
    }

    private static Attempt attempt(String upstream, int weight) {
        return new Attempt("m", new Deployment("sim", upstream, weight), provider("sim", ProviderKind.SIMULATOR));
    }

    private static ModelConfig model(String name, ModelConfig.Strategy strategy, Deployment... deployments) {
        return new ModelConfig(name, List.of(deployments), strategy, "frugal", 0);
    }

    private static ProviderConfig provider(String name, ProviderKind kind) {
        URI url = kind == ProviderKind.OPENAI ? URI.create("http://127.0.0.1/v1") : null;
        return new ProviderConfig(name, kind, url, null, Map.of(), kind == ProviderKind.OPENAI ? "openai" : null,
                ProviderConfig.Timeouts.DEFAULT, null, kind == ProviderKind.LOCAL ? "all-minilm-l6-v2" : null, null, 4096, false, null);
    }

    private static FrugalConfig config(ModelConfig... models) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        for (ProviderConfig p : List.of(provider("openai", ProviderKind.OPENAI), provider("ollama", ProviderKind.OPENAI),
                provider("spare", ProviderKind.OPENAI), provider("sim", ProviderKind.SIMULATOR),
                provider("local-embed", ProviderKind.LOCAL))) {
            providers.put(p.name(), p);
        }
        Map<String, ModelConfig> byName = new LinkedHashMap<>();
        Arrays.stream(models).forEach(m -> byName.put(m.name(), m));
        return new FrugalConfig(new ServerSettings(dev.frugal.config.Defaults.MAX_BODY_BYTES, 0), providers, byName, Map.of(), Map.of(),
                dev.frugal.config.ResilienceLayers.of(dev.frugal.config.ResilienceSettings.DEFAULT));
    }
}
