package dev.frugal.routing.quality;

import dev.frugal.core.Price;
import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.Shortlist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learned router on real outcomes (src/test/resources/routing-eval, GSM8K: Mixtral against
 * GPT-4-1106): it learns from the first half and is scored on the second, which it never sees. The
 * embedding is the cheap hashed TF-IDF of {@link HashedEmbedding}, fitted on the examples only; the
 * benchmark (docs/benchmarks.md) runs the same with MiniLM.
 */
@Tag("unit")
class Gsm8kRoutingTest {
    static final String CHEAP = "mixtral-8x7b-instruct", STRONG = "gpt-4-1106-preview";
    static Evaluation evaluation;

    @BeforeAll
    static void evaluate() throws IOException {
        String csv;
        try (InputStream in = Gsm8kRoutingTest.class.getResourceAsStream("/routing-eval/routellm_gsm8k_mixtral_gpt4.csv")) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        OutcomeTable all = OutcomeTable.parse(csv, List.of(CHEAP, STRONG));
        int half = all.size() / 2;
        OutcomeTable examples = all.rows(QualityBench.range(0, half)), test = all.rows(QualityBench.range(half, all.size()));
        // $0.60/$0.60 and $10/$30 per million tokens; tokens from the table's estimates
        List<Price> prices = List.of(QualityBench.price(0.60, 0.60), QualityBench.price(10, 30));
        HashedEmbedding embedding = HashedEmbedding.fit(examples.prompts(), 1024);

        QualityEstimator estimator = QualityEstimator.of(examples, features(examples, embedding), new double[] {Double.NaN, Double.NaN},
                QualityEstimator.Settings.DEFAULT);
        Shortlist route = Shortlist.offline("auto", CheapestStrategy.INSTANCE, List.of(CHEAP, STRONG),
                QualityBench.meanCostMicros(examples.costsNanos(prices, QualityBench::quarterOfChars), 2, half));
        evaluation = OfflineEvaluation.evaluate(route, estimator, test, features(test, embedding),
                test.costsNanos(prices, QualityBench::quarterOfChars),
                null, new SplittableRandom(1)); // the sweep dense where the predictions are
    }

    @Test
    void theBaselinesAreTheHeldOutHalfs() {
        assertEquals(660, evaluation.rows());
        assertEquals(0.635, evaluation.candidates().get(CHEAP).accuracy(), 0.0005);
        assertEquals(0.871, evaluation.candidates().get(STRONG).accuracy(), 0.0005);
        assertEquals(0.938, evaluation.oracle().accuracy(), 0.0005);
    }

    @Test
    void theRouterBeatsRandomAtEqualCostAcrossTheCurve() {
        double cheapCost = cost(evaluation.candidates().get(CHEAP)), strongCost = cost(evaluation.candidates().get(STRONG));
        double gain = 0;
        int between = 0;
        for (int p = 0; p < evaluation.points().size(); p++) {
            Evaluation.Result router = evaluation.points().get(p).result();
            if (cost(router) <= cheapCost * 1.05 || cost(router) >= strongCost * 0.95) continue;
            gain += router.accuracy() - evaluation.random().get(p).result().accuracy();
            between++;
        }
        assertTrue(between >= 5, between + " operating points between the cheap and the strong candidate");
        assertTrue(gain / between > 0.01, "mean accuracy above random at equal cost: " + gain / between);
    }

    @Test
    void ninetyFivePercentOfTheStrongAccuracyCostsLessThanRandomMixingNeeds() {
        Evaluation.Result cheap = evaluation.candidates().get(CHEAP), strong = evaluation.candidates().get(STRONG);
        double target = 0.95 * strong.accuracy();
        Evaluation.Point p = evaluation.cheapestReaching(target);
        assertNotNull(p);
        double randomShare = (target - cheap.accuracy()) / (strong.accuracy() - cheap.accuracy()); // of strong calls
        double randomCost = cost(cheap) + randomShare * (cost(strong) - cost(cheap));
        assertTrue(cost(p.result()) < 0.95 * randomCost,
                "95% of the strong accuracy for " + cost(p.result()) + " USD a prompt; random mixing needs " + randomCost);
        assertTrue(p.result().share().get(CHEAP) > 0.25, "a quarter of the traffic or more on the cheap model: " + p.result().share());
    }

    @Test
    void theRouterBeatsAlwaysCheapForLittleMore() {
        Evaluation.Result cheap = evaluation.candidates().get(CHEAP), strong = evaluation.candidates().get(STRONG);
        boolean better = false;
        for (Evaluation.Point p : evaluation.points()) {
            better |= cost(p.result()) < 0.5 * cost(strong) && p.result().accuracy() > cheap.accuracy() + 0.12;
        }
        assertTrue(better, "at under half the strong model's cost, 12 points above always-cheap");
    }

    static List<PromptFeatures> features(OutcomeTable t, HashedEmbedding embedding) {
        List<PromptFeatures> out = new ArrayList<>(t.size());
        for (String p : t.prompts()) out.add(new PromptFeatures(embedding.embed(p), QualityBench.quarterOfChars(p)));
        return out;
    }

    static double cost(Evaluation.Result r) {
        return r.avgCostUsd().doubleValue();
    }
}
