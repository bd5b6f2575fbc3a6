package dev.frugal.routing.quality;

import dev.frugal.core.Price;
import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.Shortlist;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Tag("unit")
class OfflineEvaluationTest {
    private static final List<String> AB = List.of("cheap", "strong");
    /** The route orders cheap before strong, as their nominal prices do. */
    private static final Shortlist ROUTE = Shortlist.offline("auto", CheapestStrategy.INSTANCE, AB, new long[] {1_000, 10_000});

    /**
     * Four test prompts; the predictor's qualities are fixed per row (cheap, strong):
     * row 0 (0.9, 0.95), row 1 (0.6, 0.9), row 2 (0.3, 0.8), row 3 (0.7, 0.6).
     */
    private static final double[][] PREDICTED = {{0.9, 0.95}, {0.6, 0.9}, {0.3, 0.8}, {0.7, 0.6}};
    private static final String TEST = """
            prompt,cheap_correct,strong_correct,cheap_cost_usd,strong_cost_usd
            r0,1,1,0.001,0.010
            r1,0,1,0.001,0.010
            r2,0,0,0.001,0.010
            r3,1,1,0.002,0.020
            """;

    /** Reads the row from the prompt's size, which the test gives as its row number. */
    private static final QualityPredictor FIXED = (prompt, models) -> {
        double[] q = PREDICTED[(int) prompt.tokens()];
        double[] out = new double[models.size()];
        for (int i = 0; i < out.length; i++) out[i] = q[AB.indexOf(models.get(i))];
        return out;
    };

    @Test
    void eachOperatingPointRoutesLikeLiveRoutingAndIsScoredOnTheLabels() {
        Evaluation e = evaluate(TEST, new double[] {0, 0.5, 0.85, 1});

        assertEquals(4, e.rows());
        // min-quality 0: every cheap prediction qualifies → all cheap
        assertPoint(e.points().get(0), 0, 0.5, "0.00125", 1, 0);
        // 0.5: row 2's cheap (0.3) fails, its strong (0.8) qualifies
        assertPoint(e.points().get(1), 0.5, 0.5, "0.0035", 0.75, 0.25);
        // 0.85: row 0 cheap; row 1 strong; rows 2 and 3 none qualifies → the best predicted (strong, cheap)
        assertPoint(e.points().get(2), 0.85, 0.75, "0.00575", 0.5, 0.5);
        // 1: none qualifies anywhere → the best predicted: strong, strong, strong, cheap
        assertPoint(e.points().get(3), 1, 0.75, "0.008", 0.25, 0.75);
    }

    @Test
    void baselinesEachCandidateTheOracleAndRandomAtEqualCost() {
        Evaluation e = evaluate(TEST, new double[] {0, 0.85});

        assertResult(e.candidates().get("cheap"), 0.5, "0.00125", 1, 0);
        assertResult(e.candidates().get("strong"), 0.75, "0.0125", 0, 1);
        // the oracle: rows 0, 2 (nobody right) and 3 the cheap answer, row 1 the strong one
        assertResult(e.oracle(), 0.75, "0.0035", 0.75, 0.25);
        // at 0.85's cost ($0.00575): 40% of the way from cheap ($0.00125) to strong ($0.0125)
        assertEquals(0.85, e.random().get(1).operatingPoint());
        assertResult(e.random().get(1).result(), 0.5 + 0.4 * 0.25, "0.00575", 0.6, 0.4);
        assertResult(e.random().get(0).result(), 0.5, "0.00125", 1, 0);
    }

    @Test
    void theChoicesNeverReadTheTestSetsLabelsOrCosts() {
        String flipped = """
                prompt,cheap_correct,strong_correct,cheap_cost_usd,strong_cost_usd
                r0,0,0,0.5,0.001
                r1,1,0,0.5,0.001
                r2,1,1,0.5,0.001
                r3,0,0,0.5,0.001
                """;
        double[] points = OfflineEvaluation.defaultPoints();
        Evaluation e = evaluate(TEST, points), f = evaluate(flipped, points);
        for (int p = 0; p < points.length; p++) {
            assertEquals(e.points().get(p).result().share(), f.points().get(p).result().share(), "point " + points[p]);
        }
        assertNotEquals(e.points().get(85).result().accuracy(), f.points().get(85).result().accuracy(), "the labels do differ");
    }

    @Test
    void withoutPointsTheSweepIsDenseWhereThePredictionsAre() {
        double[] points = OfflineEvaluation.sweep(new double[][] {{0.6123, 0.633}, {0.641, Double.NaN}});
        List<Double> expected = new ArrayList<>();
        for (int g = 0; g <= 20; g++) expected.add(g / 20.0);
        expected.addAll(List.of(0.612, 0.633, 0.641));
        expected.sort(null);
        assertEquals(expected, Arrays.stream(points).boxed().toList());

        Evaluation e = evaluate(TEST, null);
        assertEquals(List.of(0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
                0.9, 0.95, 1.0), e.points().stream().map(Evaluation.Point::operatingPoint).toList(),
                "the test's predictions all sit on the grid already");
    }

    @Test
    void cheapestReachingIsTheCallPerformanceThreshold() {
        Evaluation e = evaluate(TEST, new double[] {0, 0.5, 0.85, 1});
        assertEquals(0.85, e.cheapestReaching(0.7).operatingPoint(), "0.85 and 1 both reach 0.75; 0.85 costs less");
        assertEquals(0, e.cheapestReaching(0.5).operatingPoint());
        assertNull(e.cheapestReaching(0.8));
    }

    @Test
    void theJsonFormHasThePointsAndTheBaselines() {
        Evaluation e = evaluate(TEST, new double[] {0.85});
        assertEquals("{\"rows\":4,"
                + "\"points\":[{\"operating_point\":0.85,\"accuracy\":0.75,\"avg_cost_usd\":0.00575,\"share\":{\"cheap\":0.5,\"strong\":0.5}}],"
                + "\"baselines\":{"
                + "\"candidates\":{\"cheap\":{\"accuracy\":0.5,\"avg_cost_usd\":0.00125},\"strong\":{\"accuracy\":0.75,\"avg_cost_usd\":0.0125}},"
                + "\"oracle\":{\"accuracy\":0.75,\"avg_cost_usd\":0.0035,\"share\":{\"cheap\":0.75,\"strong\":0.25}},"
                + "\"random\":[{\"operating_point\":0.85,\"accuracy\":0.6,\"avg_cost_usd\":0.00575,\"share\":{\"cheap\":0.6,\"strong\":0.4}}]}}",
                Json.write(e.toJson()));
    }

    @Test
    void theHullSkipsACandidateThatCostsMoreAndIsNoBetterOrLiesBelowTheLine() {
        Map<String, Evaluation.Result> single = Map.of(
                "a", result(0.40, "1"), "b", result(0.45, "5"), "c", result(0.60, "3"), "d", result(0.55, "4"), "e", result(0.90, "10"));
        List<String> models = List.of("a", "b", "c", "d", "e");
        // b and d cost more than c and are worse; c lies above the line from a to e
        assertEquals(List.of(0, 2, 4), OfflineEvaluation.hull(models, single));
        Map<String, Evaluation.Result> below = Map.of("a", result(0.40, "1"), "c", result(0.45, "3"), "e", result(0.90, "10"));
        assertEquals(List.of(0, 2), OfflineEvaluation.hull(List.of("a", "c", "e"), below), "c lies below the line from a to e");
    }

    @Test
    void aRouteModelMissingFromTheTestSetIsRefused() {
        Shortlist other = Shortlist.offline("auto", CheapestStrategy.INSTANCE, List.of("cheap", "other"), new long[] {1, 2});
        OutcomeTable t = OutcomeTable.parse(TEST, AB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OfflineEvaluation.evaluate(other, FIXED, t,
                prompts(4), t.costsNanos(nulls(), s -> 1), new double[] {0.5}, new SplittableRandom(1)));
        assertEquals("the test set has no outcomes for other", e.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Evaluation evaluate(String csv, double[] points) {
        OutcomeTable t = OutcomeTable.parse(csv, AB);
        return OfflineEvaluation.evaluate(ROUTE, FIXED, t, prompts(t.size()), t.costsNanos(nulls(), s -> 1), points, new SplittableRandom(1));
    }

    private static List<PromptFeatures> prompts(int n) {
        List<PromptFeatures> out = new ArrayList<>();
        for (int r = 0; r < n; r++) out.add(new PromptFeatures(new float[] {1, 0}, r));
        return out;
    }

    private static List<Price> nulls() {
        List<Price> out = new ArrayList<>();
        out.add(null);
        out.add(null);
        return out;
    }

    private static Evaluation.Result result(double accuracy, String usd) {
        return new Evaluation.Result(accuracy, new BigDecimal(usd), Map.of());
    }

    private static void assertPoint(Evaluation.Point p, double at, double accuracy, String usd, double cheap, double strong) {
        assertEquals(at, p.operatingPoint());
        assertResult(p.result(), accuracy, usd, cheap, strong);
    }

    private static void assertResult(Evaluation.Result r, double accuracy, String usd, double cheap, double strong) {
        assertEquals(accuracy, r.accuracy(), 1e-9);
        assertEquals(0, new BigDecimal(usd).compareTo(r.avgCostUsd()), r.avgCostUsd() + " USD");
        assertEquals(cheap, r.share().get("cheap"), 1e-9);
        assertEquals(strong, r.share().get("strong"), 1e-9);
    }
}
