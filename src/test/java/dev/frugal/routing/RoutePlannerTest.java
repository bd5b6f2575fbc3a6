package dev.frugal.routing;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ModelConfig.Deployment;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.ServerSettings;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RoutePlannerTest {

    static final Predicate<ProviderConfig> ANY = p -> true;
    static final TeamConfig EVERY_MODEL = new TeamConfig("all", Set.of(), Set.of());

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
                plan(withoutSpread, EVERY_MODEL, "spread", ANY, new Random(1)));

        assertEquals(List.of(unknown.status(), unknown.type(), unknown.code(), unknown.param(), unknown.getMessage()),
                List.of(notAllowed.status(), notAllowed.type(), notAllowed.code(), notAllowed.param(), notAllowed.getMessage()));
        assertEquals(404, notAllowed.status());
    }

    @Test
    void noDeploymentCapableOfTheOperationIsA400() {
        Predicate<ProviderConfig> chatOnly = p -> p.kind() != ProviderKind.LOCAL;
        GatewayError e = assertThrows(GatewayError.class,
                () -> plan(config, EVERY_MODEL, "embed-only", chatOnly, new Random(1)));
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
        assertEquals("ordered", p.decision().strategy());
        assertEquals("ordered: chat [openai/gpt-4o-mini, ollama/llama3.2, sim/sim-chat]; dropped: chat [local-embed/minilm "
                + "unsupported_operation]", p.decision().compact(), "the deployments in configured order, and the one left out");
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
        Plan p = plan(c, EVERY_MODEL, "m", ANY, new Random(1));
        assertEquals(List.of("y"), upstreamModels(p));
        Candidate gone = p.decision().candidates().get(1);
        assertEquals(DropReason.UNKNOWN_PROVIDER, gone.dropped());
        assertEquals("gone", gone.detail());
        assertEquals("ordered: m [sim/y]; dropped: m [gone/x unknown_provider]", p.decision().compact());
    }

    // ---- weighted -------------------------------------------------------------------------

    @Test
    void weightedFirstPicksAreProportionalToWeight() {
        RandomGenerator random = new Random(1);
        Map<String, Integer> firsts = new HashMap<>();
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            Plan p = plan(config, EVERY_MODEL, "spread", ANY, random);
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
        Plan p = plan(config, EVERY_MODEL, "spread", ANY, new Random(seed));
        List<String> order = upstreamModels(p);
        assertEquals(Set.of("a", "b", "c", "z"), Set.copyOf(order));
        assertEquals(4, order.size());
        assertEquals("z", order.get(3));
        assertEquals("weighted", p.decision().strategy(), "a weighted draw, the others as fallbacks");
    }

    @Test
    void weightZeroDeploymentsKeepTheirConfiguredOrderAtTheEnd() {
        List<Candidate> options = Stream.of(attempt("z1", 0), attempt("a", 5), attempt("z2", 0), attempt("z3", 0))
                .map(a -> Candidate.kept(a, RoutePlanner.UNSCORED)).toList();
        List<Candidate> order = WeightedStrategy.INSTANCE.order(options, new Random(7));
        assertEquals(List.of("a", "z1", "z2", "z3"), order.stream().map(c -> c.attempt().deployment().upstreamModel()).toList());
    }

    @Test
    void weightedModelWithOneCapableDeploymentNeedsNoDraw() {
        Plan p = plan(config, EVERY_MODEL, "spread", prov -> prov.name().equals("sim"), NO_DRAW);
        assertEquals(List.of("c"), upstreamModels(p));
    }

    // ---- routes ---------------------------------------------------------------------------

    static final FrugalConfig ROUTED = dev.frugal.config.ConfigCompiler.compile("""
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
    static final ToLongFunction<Attempt> PRICES = a -> switch (a.deployment().upstreamModel()) {
        case "strong-a" -> 900;
        case "strong-b" -> 500;
        case "cheap-a" -> 100;
        default -> RoutePlanner.UNPRICED;
    };

    private static Plan route(TeamConfig team, String name, Predicate<ProviderConfig> capable) {
        return RoutePlanner.plan(ROUTED, team, name, capable, "chat completions", new Random(1), PRICES, false);
    }

    @Test
    void orderedRouteTriesCandidatesAsListedEachWithItsOwnDeploymentOrder() {
        Plan p = route(EVERY_MODEL, "auto", ANY);
        assertEquals(List.of("strong-a", "strong-b", "free-b", "cheap-a"), upstreamModels(p));
        assertEquals(List.of("strong", "strong", "free", "cheap"), p.attempts().stream().map(Attempt::model).toList());
        for (Attempt a : p.attempts()) assertEquals("auto", a.route());
        assertEquals("auto", p.decision().route());
        assertEquals("ordered: strong [a/strong-a, b/strong-b], free [b/free-b], cheap [a/cheap-a]", p.decision().compact(),
                "candidates as listed, no price read");
    }

    @Test
    void cheapestRouteOrdersCandidatesByTheirCheapestDeploymentUnpricedLast() {
        Plan p = route(EVERY_MODEL, "thrifty", ANY);
        assertEquals(List.of("cheap-a", "strong-a", "strong-b", "free-b"), upstreamModels(p),
                "cheap (100), then strong (500 on b) with its own deployment order, then free (unpriced)");
        assertEquals("cheapest: cheap [a/cheap-a cost=100], strong [a/strong-a cost=900, b/strong-b cost=500], "
                + "free [b/free-b cost=unpriced]", p.decision().compact());
    }

    @Test
    void cheapestRouteWithNoPricesKeepsTheListedOrder() {
        Plan p = RoutePlanner.plan(ROUTED, EVERY_MODEL, "thrifty", ANY, "chat completions", new Random(1),
                a -> RoutePlanner.UNPRICED, false);
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
    void aShadowPolicyOrdersTheSameCandidatesByItsOwnObjectiveAndChangesNothingOfThePlan() {
        RouteConfig auto = ROUTED.route("auto");
        RouteConfig shadowed = new RouteConfig("auto", auto.candidates(), RouteConfig.Objective.ORDERED, 0, Double.NaN, -1,
                Map.of(), Map.of(), dev.frugal.config.DataPolicy.ANY, null, null,
                new RouteConfig.Shadow(RouteConfig.Objective.CHEAPEST, Double.NaN, -1));
        FrugalConfig c = withRoute(ROUTED, shadowed);
        Plan p = RoutePlanner.plan(c, EVERY_MODEL, "auto", ANY, "chat completions", new Random(1), PRICES, false);
        assertEquals(List.of("strong-a", "strong-b", "free-b", "cheap-a"), upstreamModels(p), "the route's own order");
        assertEquals("ordered: strong [a/strong-a cost=900, b/strong-b cost=500], free [b/free-b cost=unpriced], cheap [a/cheap-a cost=100]",
                p.decision().compact(), "priced because the shadow reads cost");
        assertEquals("cheap", p.shadow().model(), "cheapest would have taken cheap (100)");
        assertEquals(100, p.shadow().costMicros());
        assertNull(route(EVERY_MODEL, "auto", ANY).shadow(), "no shadow without a shadow policy");
    }

    @Test
    void aModelPlanCarriesNoRoute() {
        for (Attempt a : route(EVERY_MODEL, "strong", ANY).attempts()) assertEquals(null, a.route());
    }

    // ---- filters: every deployment left out is in the decision, with why ---------------

    @Test
    void aRouteCandidateNamingNoModelIsDroppedAsUnknownModel() {
        FrugalConfig c = withRoute(ROUTED, new RouteConfig("ghostly", List.of("ghost", "cheap"), RouteConfig.Objective.ORDERED, 0));
        Plan p = RoutePlanner.plan(c, EVERY_MODEL, "ghostly", ANY, "chat completions", new Random(1), NO_PRICE, false);
        assertEquals(List.of("cheap-a"), upstreamModels(p));
        Candidate ghost = p.decision().candidates().get(1);
        assertEquals(DropReason.UNKNOWN_MODEL, ghost.dropped());
        assertEquals("ghost", ghost.model());
        assertEquals("ordered: cheap [a/cheap-a]; dropped: ghost [unknown_model]", p.decision().compact());
    }

    @Test
    void aDeploymentWhoseProviderCannotServeTheOperationIsDroppedWithTheOperation() {
        Plan p = route(EVERY_MODEL, "auto", prov -> prov.name().equals("b"));
        List<Candidate> dropped = p.decision().candidates().stream().filter(c -> !c.kept()).toList();
        assertEquals(List.of("strong-a", "cheap-a"), dropped.stream().map(c -> c.attempt().deployment().upstreamModel()).toList());
        for (Candidate c : dropped) {
            assertEquals(DropReason.UNSUPPORTED_OPERATION, c.dropped());
            assertEquals("chat completions", c.detail());
        }
        assertEquals("ordered: strong [b/strong-b], free [b/free-b]; dropped: strong [a/strong-a unsupported_operation], "
                + "cheap [a/cheap-a unsupported_operation]", p.decision().compact());
    }

    @Test
    void whenTheConfigRejectsUnpricedDeploymentsTheyAreDroppedAsUnpriced() {
        Plan p = RoutePlanner.plan(ROUTED, EVERY_MODEL, "auto", ANY, "chat completions", new Random(1), PRICES, true);
        assertEquals(List.of("strong-a", "strong-b", "cheap-a"), upstreamModels(p), "free has no price");
        assertEquals("ordered: strong [a/strong-a cost=900, b/strong-b cost=500], cheap [a/cheap-a cost=100]; "
                + "dropped: free [b/free-b unpriced]", p.decision().compact(), "the prices were read to filter: shown");
        Plan accepted = RoutePlanner.plan(ROUTED, EVERY_MODEL, "auto", ANY, "chat completions", new Random(1), NO_PRICE, false);
        assertEquals(4, accepted.attempts().size(), "without the setting, no price is even read");
    }

    @Test
    void whenEveryDeploymentThatCanServeIsUnpricedThePlanIsEmptyAndSaysWhy() {
        Plan p = RoutePlanner.plan(ROUTED, EVERY_MODEL, "free", ANY, "chat completions", new Random(1), PRICES, true);
        assertEquals(List.of(), p.attempts(), "the pipeline answers 403 model_unpriced");
        assertEquals("ordered: none; dropped: free [b/free-b unpriced]", p.decision().compact());
    }

    @Test
    void noDeploymentAbleToServeIsStillA400WhenTheConfigRejectsUnpriced() {
        GatewayError e = assertThrows(GatewayError.class, () -> RoutePlanner.plan(ROUTED, EVERY_MODEL, "embed-route",
                prov -> prov.kind() != ProviderKind.LOCAL, "chat completions", new Random(1), PRICES, true));
        assertEquals(400, e.status());
        assertEquals("No model of the route `embed-route` supports chat completions.", e.getMessage());
    }

    // ---- strategies -------------------------------------------------------------------------

    @Test
    void eachConfiguredObjectiveAndModelStrategyHasItsStrategy() {
        for (RouteConfig.Objective o : RouteConfig.Objective.values()) {
            assertEquals(o.name().toLowerCase(java.util.Locale.ROOT), Strategies.BUILT_IN.of(o).name());
        }
        for (ModelConfig.Strategy st : ModelConfig.Strategy.values()) {
            assertEquals(st.name().toLowerCase(java.util.Locale.ROOT), Strategies.BUILT_IN.of(st).name());
        }
    }

    @Test
    void anObjectiveNoStrategyServesIsAnErrorNotASilentDefault() {
        enum Objective { SMARTEST }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Strategies.BUILT_IN.of(Objective.SMARTEST));
        assertEquals("no routing strategy for smartest", e.getMessage());
    }

    @Test
    void aStrategyAddedReplacesTheOneOfItsNameInACopy() {
        Strategies replaced = Strategies.BUILT_IN.with(BEST_QUALITY);
        assertSame(BEST_QUALITY, replaced.of(RouteConfig.Objective.CHEAPEST));
        assertSame(CheapestStrategy.INSTANCE, Strategies.BUILT_IN.of(RouteConfig.Objective.CHEAPEST));
        assertSame(OrderedStrategy.INSTANCE, replaced.of(RouteConfig.Objective.ORDERED));
    }

    @Test
    void orderedKeepsTheListedOrder() {
        List<Candidate> options = options(300, 100, RoutePlanner.UNPRICED);
        assertSame(options, OrderedStrategy.INSTANCE.order(options, NO_DRAW));
    }

    @Test
    void cheapestSortsByCostStablyWithUnpricedAndUnscoredLast() {
        List<Candidate> options = options(RoutePlanner.UNPRICED, 300, 100, RoutePlanner.UNSCORED, 100, 0);
        List<Candidate> order = CheapestStrategy.INSTANCE.order(options, NO_DRAW);
        assertEquals(List.of(0L, 100L, 100L, 300L, RoutePlanner.UNPRICED, RoutePlanner.UNSCORED),
                order.stream().map(Candidate::costMicros).toList());
        assertEquals(List.of("d5", "d2", "d4", "d1", "d0", "d3"), order.stream().map(c -> c.attempt().deployment().upstreamModel()).toList(),
                "ties keep the listed order");
        assertEquals(List.of("d0", "d1", "d2", "d3", "d4", "d5"),
                options.stream().map(c -> c.attempt().deployment().upstreamModel()).toList(), "the options are not changed");
    }

    @Test
    void noStrategyDrawsWhenThereIsOneOption() {
        List<Candidate> one = options(5);
        for (RoutingStrategy st : List.of(OrderedStrategy.INSTANCE, CheapestStrategy.INSTANCE, WeightedStrategy.INSTANCE)) {
            assertEquals(one, st.order(one, NO_DRAW), st.name());
        }
    }

    // ---- the scorer seam: quality predicted off the loop, then a pure decision ---------

    /** Orders by predicted quality, best first: stands in for the {@code best} objective still to come. */
    static final RoutingStrategy BEST_QUALITY = new RoutingStrategy() {
        @Override public String name() { return "cheapest"; } // serves a configured objective; quality stands in for price
        @Override public boolean readsQuality() { return true; }
        @Override public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
            return options.stream().sorted(java.util.Comparator.comparingDouble(o -> -o.quality())).toList();
        }
    };

    @Test
    void aStrategyReadingQualityDecidesOnlyOnceTheScorerHasAnsweredAndOnTheCallersExecutor() {
        Strategies strategies = Strategies.BUILT_IN.with(BEST_QUALITY);
        Shortlist s = RoutePlanner.shortlist(ROUTED, EVERY_MODEL, "thrifty", ANY, "chat completions", NO_PRICE, false, strategies);
        CompletableFuture<double[]> scores = new CompletableFuture<>();
        List<Object> asked = new ArrayList<>();
        Scorer<String> scorer = (request, models) -> {
            asked.add(request);
            asked.add(models);
            return scores;
        };
        List<Runnable> loop = new ArrayList<>();
        CompletableFuture<Plan> planned = RoutePlanner.plan(s, "the request's features", scorer, loop::add, NO_DRAW)
                .toCompletableFuture();

        assertEquals(List.of("the request's features", List.of("strong", "free", "cheap")), asked);
        assertFalse(planned.isDone(), "nothing is decided before the scores arrive");
        scores.complete(new double[] {0.9, Double.NaN, 0.95});
        assertFalse(planned.isDone(), "the decision waits for the caller's executor");
        assertEquals(1, loop.size());
        loop.get(0).run();

        Plan p = planned.join();
        assertEquals(List.of("cheap-a", "strong-a", "strong-b", "free-b"), upstreamModels(p));
        assertEquals(0.95, p.decision().candidates().get(0).quality());
        assertTrue(Double.isNaN(p.decision().candidates().get(3).quality()), "no prediction for free");
        assertEquals("cheapest: cheap [a/cheap-a quality=0.95], strong [a/strong-a quality=0.90, b/strong-b quality=0.90], "
                + "free [b/free-b]", p.decision().compact());
    }

    @Test
    void aStrategyReadingNoQualityNeverCallsTheScorer() {
        Shortlist s = RoutePlanner.shortlist(ROUTED, EVERY_MODEL, "auto", ANY, "chat completions", NO_PRICE, false,
                Strategies.BUILT_IN);
        Scorer<String> scorer = (request, models) -> { throw new AssertionError("not needed"); };
        CompletableFuture<Plan> planned = RoutePlanner.plan(s, "request", scorer, r -> { throw new AssertionError("no hop"); },
                NO_DRAW).toCompletableFuture();
        assertTrue(planned.isDone(), "decided at once, on the caller's thread");
        assertEquals(List.of("strong-a", "strong-b", "free-b", "cheap-a"), upstreamModels(planned.join()));
    }

    @Test
    void scoresAlreadyThereAreDecidedOnAtOnceWithoutAHopToTheCallersExecutor() {
        Shortlist s = RoutePlanner.shortlist(ROUTED, EVERY_MODEL, "thrifty", ANY, "chat completions", NO_PRICE, false,
                Strategies.BUILT_IN.with(BEST_QUALITY));
        Scorer<String> prior = (request, models) -> CompletableFuture.completedFuture(new double[] {0.9, 0.1, 0.5});
        CompletableFuture<Plan> planned = RoutePlanner.plan(s, "request", prior, r -> { throw new AssertionError("no hop"); },
                NO_DRAW).toCompletableFuture();
        assertTrue(planned.isDone(), "a prior answers at once: no event-loop task for it");
        assertEquals(List.of("strong", "strong", "cheap", "free"), planned.join().attempts().stream().map(Attempt::model).toList());
    }

    @Test
    void aShortlistToBeExplainedIsScoredWhateverItsStrategyReads() {
        Shortlist s = RoutePlanner.shortlist(ROUTED, new Ask("auto", EVERY_MODEL, null, null, null, "chat completions", ANY, true),
                Facts.price(PRICES), Strategies.BUILT_IN);
        assertFalse(s.strategy().readsQuality(), "ordered reads no quality");
        Scorer<String> prior = (request, models) -> CompletableFuture.completedFuture(new double[] {0.9, 0.1, 0.5});
        Plan p = RoutePlanner.plan(s, "request", prior, Runnable::run, NO_DRAW).toCompletableFuture().join();
        assertEquals("ordered: strong [a/strong-a cost=900 quality=0.90, b/strong-b cost=500 quality=0.90], free [b/free-b "
                + "cost=unpriced quality=0.10], cheap [a/cheap-a cost=100 quality=0.50]", p.decision().compact(),
                "still in the listed order, with every score shown");
    }

    @Test
    void scoresMustMatchTheCandidateModels() {
        Shortlist s = RoutePlanner.shortlist(ROUTED, EVERY_MODEL, "auto", ANY, "chat completions", NO_PRICE, false,
                Strategies.BUILT_IN);
        assertThrows(IllegalArgumentException.class, () -> RoutePlanner.plan(s, new double[] {0.5}, NO_DRAW));
    }

    // ---- helpers -------------------------------------------------------------------------

    private Plan plan(TeamConfig team, String model, Predicate<ProviderConfig> capable) {
        return plan(config, team, model, capable, new Random(1));
    }

    /** A plan with no price read: the price function fails the test if called. */
    static Plan plan(FrugalConfig config, TeamConfig team, String model, Predicate<ProviderConfig> capable, RandomGenerator random) {
        return RoutePlanner.plan(config, team, model, capable, "chat completions", random, NO_PRICE, false);
    }

    static final ToLongFunction<Attempt> NO_PRICE = a -> {
        throw new AssertionError("no strategy reads a price, and unpriced deployments are accepted");
    };

    /** Fails the test if a strategy draws. */
    static final RandomGenerator NO_DRAW = new RandomGenerator() {
        @Override public long nextLong() { throw new AssertionError("no draw expected"); }
    };

    /** Kept candidates d0, d1, … with these costs. */
    private static List<Candidate> options(long... costs) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < costs.length; i++) out.add(Candidate.kept(attempt("d" + i, 1), costs[i]));
        return out;
    }

    private static FrugalConfig withRoute(FrugalConfig c, RouteConfig route) {
        return new FrugalConfig(c.server(), c.providers(), c.models(), c.teams(), c.teamsByKeyHash(), c.resilience(),
                c.pricing(), Map.of(route.name(), route));
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
