package dev.frugal.routing;

import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.TeamConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every route objective, table-driven, over four candidates of known cost, predicted quality and speed:
 * the choice and the fallbacks in the objective's order.
 */
@Tag("unit")
class ObjectivesTest {

    static final FrugalConfig CONFIG = ConfigCompiler.compile("""
            providers:
              - { name: a, kind: simulator }
              - { name: b, kind: simulator }
            models:
              - { name: local, deployments: [{ provider: a, model: local-8b }] }
              - { name: mid, deployments: [{ provider: a, model: mid-70b }] }
              - { name: frontier, deployments: [{ provider: b, model: frontier }] }
              - { name: mystery, deployments: [{ provider: b, model: mystery }] }
            routes:
              - { name: ordered, candidates: [frontier, mid, local, mystery] }
              - { name: cheap, objective: cheapest, candidates: [frontier, mid, local, mystery] }
              - { name: cheap-70, objective: cheapest, min-quality: 0.7, candidates: [frontier, mid, local, mystery] }
              - { name: cheap-92, objective: cheapest, min-quality: 0.92, candidates: [frontier, mid, local, mystery] }
              - { name: cheap-95, objective: cheapest, min-quality: 0.95, candidates: [frontier, mid, local, mystery] }
              - { name: best, objective: best, candidates: [mystery, local, mid, frontier] }
              - { name: best-200, objective: best, max-cost-usd: 0.0002, candidates: [frontier, mid, local, mystery] }
              - { name: best-5, objective: best, max-cost-usd: 0.000005, candidates: [frontier, mid, local, mystery] }
              - { name: fastest, objective: fastest, candidates: [frontier, mid, local, mystery] }
              - name: split
                objective: weighted
                candidates: [{ model: local, weight: 3 }, { model: frontier, weight: 1 }, { model: mid, weight: 0 }]
            """, v -> null);
    static final TeamConfig EVERYONE = new TeamConfig("all", Set.of(), Set.of());

    /** µUSD of the request on each; mystery has no price. */
    static final Map<String, Long> COST = Map.of("local-8b", 10L, "mid-70b", 100L, "frontier", 1000L);
    /** Moving averages of time to first token; mystery was never measured. */
    static final Map<String, Double> TTFT = Map.of("local-8b", 900.0, "mid-70b", 300.0, "frontier", 600.0);
    /** Predicted quality by model; mystery has no prediction. */
    static final Map<String, Double> QUALITY = Map.of("local", 0.5, "mid", 0.75, "frontier", 0.92);

    static final Facts FACTS = new Facts() {
        @Override public long cost(Attempt a) { return COST.getOrDefault(a.deployment().upstreamModel(), RoutePlanner.UNPRICED); }
        @Override public double firstTokenMs(Attempt a) { return TTFT.getOrDefault(a.deployment().upstreamModel(), Double.NaN); }
    };

    static Stream<Arguments> objectives() {
        return Stream.of(
                Arguments.of("ordered", "ordered", List.of("frontier", "mid", "local", "mystery")),
                Arguments.of("cheap", "cheapest", List.of("local", "mid", "frontier", "mystery")),
                Arguments.of("cheap-70", "cheapest min-quality=0.7", List.of("mid", "frontier", "local", "mystery")),
                Arguments.of("cheap-92", "cheapest min-quality=0.92", List.of("frontier", "mid", "local", "mystery")),
                Arguments.of("cheap-95", "cheapest min-quality=0.95", List.of("frontier", "mid", "local", "mystery")),
                Arguments.of("best", "best", List.of("frontier", "mid", "local", "mystery")),
                Arguments.of("best-200", "best max-cost-usd=0.0002", List.of("mid", "local", "frontier", "mystery")),
                Arguments.of("best-5", "best max-cost-usd=0.000005", List.of("local", "mid", "frontier", "mystery")),
                Arguments.of("fastest", "fastest", List.of("mystery", "mid", "frontier", "local")));
    }

    /**
     * cheap-70: mid (0.75) and frontier (0.92) qualify, cheapest first; then the rest best predicted first.
     * cheap-92: only frontier qualifies (the bound is inclusive). cheap-95: none does, so the best predicted
     * first. best-200: mid and local fit $0.0002, best first; then frontier, over it; mystery's unknown price is
     * not known to fit. best-5: none fits, so the cheapest first. fastest: mystery was never measured, so
     * it is tried first; then by measured time.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("objectives")
    void eachObjectiveChoosesAndOrdersTheFallbacks(String route, String described, List<String> order) {
        Plan p = plan(route);
        assertEquals(order, p.attempts().stream().map(Attempt::model).toList(), route);
        assertEquals(described, p.decision().strategy());
        assertEquals(order.get(0), p.decision().chosen().model(), "the first is the choice");
    }

    @Test
    void theDecisionShowsTheScoresTheObjectiveRead() {
        assertEquals("cheapest min-quality=0.7: mid [a/mid-70b cost=100 quality=0.75], frontier [b/frontier cost=1000 quality=0.92], "
                + "local [a/local-8b cost=10 quality=0.50], mystery [b/mystery cost=unpriced]", plan("cheap-70").decision().compact());
        assertEquals("fastest: mystery [b/mystery], mid [a/mid-70b ttft=300ms], frontier [b/frontier ttft=600ms], "
                + "local [a/local-8b ttft=900ms]", RoutePlanner.plan(shortlist("fastest"), null, new Random(1)).decision().compact(),
                "ordered by speed, no price read");
    }

    @Test
    void aWeightedRouteSplitsTrafficByItsCandidatesWeightsWithWeightZeroAsAFallbackOnly() {
        Map<String, Integer> firsts = new HashMap<>();
        Random random = new Random(7);
        Shortlist s = shortlist("split");
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            Plan p = RoutePlanner.plan(s, null, random);
            firsts.merge(p.attempts().get(0).model(), 1, Integer::sum);
            assertEquals("mid", p.attempts().get(2).model(), "weight 0: last, a fallback only");
        }
        assertEquals(0.75, firsts.get("local") / (double) draws, 0.02);
        assertEquals(0.25, firsts.get("frontier") / (double) draws, 0.02);
        assertFalse(firsts.containsKey("mid"));
    }

    @Test
    void onlyObjectivesThatReadQualityAskTheScorer() {
        for (String route : List.of("cheap-70", "best", "best-200")) assertTrue(shortlist(route).strategy().readsQuality(), route);
        for (String route : List.of("ordered", "cheap", "fastest", "split")) assertFalse(shortlist(route).strategy().readsQuality(), route);
    }

    @Test
    void theOfflineEvaluationSweepsMinQualityOverOneShortlistThroughTheSameChoiceCode() {
        Shortlist s = shortlist("cheap");
        double[] q = scores(s);
        Map<Double, String> chosen = new java.util.LinkedHashMap<>();
        for (double point : new double[] {0, 0.5, 0.6, 0.75, 0.8, 0.92, 1}) {
            chosen.put(point, RoutePlanner.plan(s.with(CheapestStrategy.withMinQuality(point)), q, new Random(1)).attempts().get(0).model());
        }
        assertEquals(Map.of(0.0, "local", 0.5, "local", 0.6, "mid", 0.75, "mid", 0.8, "frontier", 0.92, "frontier", 1.0, "frontier"),
                chosen, "the cheapest good enough, else the best predicted");
        assertThrows(IllegalArgumentException.class, () -> CheapestStrategy.withMinQuality(1.5));
    }

    // ---- helpers -------------------------------------------------------------------------

    static Shortlist shortlist(String route) {
        return RoutePlanner.shortlist(CONFIG, Ask.of(route, EVERYONE, "chat completions", p -> true), FACTS, Strategies.BUILT_IN);
    }

    static Plan plan(String route) {
        Shortlist s = shortlist(route);
        return RoutePlanner.plan(s, scores(s), new Random(1));
    }

    /** The predicted quality of the shortlist's models, in its order. */
    static double[] scores(Shortlist s) {
        return s.models().stream().mapToDouble(m -> QUALITY.getOrDefault(m, Double.NaN)).toArray();
    }
}
