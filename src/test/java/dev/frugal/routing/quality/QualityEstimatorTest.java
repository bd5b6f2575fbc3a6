package dev.frugal.routing.quality;

import dev.frugal.routing.quality.QualityEstimator.Settings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class QualityEstimatorTest {
    private static final double EPS = 1e-6;
    private static final List<String> AB = List.of("cheap", "strong");
    private static final double[] NO_PRIOR = {Double.NaN, Double.NaN};

    /** k=1, no pull toward the base, equal weights, size ignored: the nearest example's own scores. */
    private static final Settings NEAREST = new Settings(1, 0, 10, 0, 0);

    // ---- the base: prior and examples' mean ----------------------------------------------------

    static Stream<Arguments> bases() {
        return Stream.of(
                // priors, cheap's scores over the examples, tablePrior, expected base of cheap
                Arguments.of("prior only, no examples", 0.7, new double[] {}, 10, 0.7),
                Arguments.of("no prior, no examples: no estimate", Double.NaN, new double[] {}, 10, Double.NaN),
                Arguments.of("no prior: the examples' mean", Double.NaN, new double[] {1, 0, 0, 1}, 10, 0.5),
                Arguments.of("prior worth 2 examples", 0.9, new double[] {0, 0}, 2, (2 * 0.9) / 4),
                Arguments.of("prior worth nothing", 0.9, new double[] {1, 0, 0, 0}, 0, 0.25),
                Arguments.of("fractional scores", 0.5, new double[] {0.25, 0.75, 1}, 1, (0.5 + 2) / 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bases")
    void theBaseShrinksThePriorTowardTheExamplesMean(String name, double prior, double[] scores, double tablePrior, double expected) {
        Settings s = new Settings(3, 0, tablePrior, 0, 0);
        QualityEstimator est = scores.length == 0 ? QualityEstimator.priorsOnly(AB, new double[] {prior, 0.5})
                : estimator(s, new double[] {prior, 0.5}, examples(scores));
        assertEquals(expected, est.base()[0], EPS);
        assertEquals(expected, est.estimate(new PromptFeatures(vec(0, 0), 0))[0], EPS, "a prompt with no direction gets the base");
    }

    @Test
    void withNoExamplesEveryPromptGetsThePriorsWhateverItsEmbedding() {
        QualityEstimator est = QualityEstimator.priorsOnly(AB, new double[] {0.4, Double.NaN});
        for (float[] e : List.of(vec(1, 0), new float[384], new float[] {Float.NaN})) {
            double[] q = est.estimate(new PromptFeatures(e, 100));
            assertEquals(0.4, q[0]);
            assertTrue(Double.isNaN(q[1]), "neither prior nor examples");
        }
        assertEquals(0, est.examples());
        assertEquals(0, est.dimensions());
    }

    // ---- neighbours ----------------------------------------------------------------------------

    static Stream<Arguments> neighbourhoods() {
        return Stream.of(
                // settings, query, expected cheap estimate; examples: (1,0)→cheap 1, (0.8,0.6)→cheap 0, (0,1)→cheap 0
                Arguments.of("the nearest alone", NEAREST, vec(1, 0.1f), 1.0),
                Arguments.of("the nearest alone, from the other side", NEAREST, vec(0.1f, 1), 0.0),
                Arguments.of("two nearest, equal weights", new Settings(2, 0, 10, 0, 0), vec(1, 0.1f), 0.5),
                Arguments.of("two nearest, the nearer weighs more", new Settings(2, 0, 10, 50, 0), vec(1, 0.1f),
                        1 / (1 + Math.exp(-50 * (cos(vec(1, 0.1f), vec(1, 0)) - cos(vec(1, 0.1f), vec(0.8f, 0.6f)))))),
                Arguments.of("k larger than the examples: all three", new Settings(10, 0, 10, 0, 0), vec(1, 0.1f), 1 / 3.0),
                Arguments.of("pulled toward the base by one pseudo-example", new Settings(1, 1, 0, 0, 0), vec(1, 0.1f), (1 / 3.0 + 1) / 2),
                Arguments.of("no usable embedding: the base", NEAREST, new float[] {0, 0}, 1 / 3.0),
                Arguments.of("NaN in the embedding: the base", NEAREST, new float[] {Float.NaN, 1}, 1 / 3.0),
                Arguments.of("need not be normalised", NEAREST, vec(10, 1), 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neighbourhoods")
    void theNearestExamplesDecide(String name, Settings s, float[] query, double expected) {
        QualityEstimator est = estimator(s, NO_PRIOR, List.of(
                example(vec(1, 0), 0, 1, 1),
                example(vec(0.8f, 0.6f), 0, 0, 1),
                example(vec(0, 1), 0, 0, 0)));
        double[] q = est.estimate(new PromptFeatures(query, 0));
        assertEquals(expected, q[0], EPS);
    }

    @Test
    void aTieInSimilarityGoesToTheEarlierExample() {
        float[] same = vec(0.6f, 0.8f);
        QualityEstimator est = estimator(NEAREST, NO_PRIOR, List.of(
                example(vec(1, 0), 0, 0, 0), example(same, 0, 1, 0), example(same, 0, 0, 1), example(same, 0, 0, 0)));
        assertArrayEquals(new double[] {1, 0}, est.estimate(new PromptFeatures(same, 0)), EPS);
        QualityEstimator two = estimator(new Settings(2, 0, 10, 0, 0), NO_PRIOR, List.of(
                example(vec(1, 0), 0, 0, 0), example(same, 0, 1, 0), example(same, 0, 0, 1), example(same, 0, 0, 0)));
        assertArrayEquals(new double[] {0.5, 0.5}, two.estimate(new PromptFeatures(same, 0)), EPS, "the first two of three ties");
    }

    @Test
    void thePromptsSizeSeparatesExamplesOfTheSameSubject() {
        float[] subject = vec(1, 1);
        List<Example> ex = List.of(example(subject, 20, 1, 1), example(subject, 400, 0, 1));
        QualityEstimator sized = estimator(new Settings(1, 0, 10, 0, 1), NO_PRIOR, ex);
        QualityEstimator blind = estimator(NEAREST, NO_PRIOR, ex);

        assertEquals(0.0, sized.estimate(new PromptFeatures(subject, 350))[0], "the long example is nearer");
        assertEquals(1.0, sized.estimate(new PromptFeatures(subject, 25))[0]);
        assertEquals(1.0, blind.estimate(new PromptFeatures(subject, 350))[0], "size ignored: the tie goes to the first");
        assertEquals(1.0, sized.estimate(new PromptFeatures(subject, 0))[0], "an unknown size costs nothing: a tie again");
    }

    @Test
    void oneCandidateAndScoresBetweenZeroAndOne() {
        OutcomeTable t = OutcomeTable.parse("prompt,only_correct\na,0.25\nb,0.75\n", List.of("only"));
        QualityEstimator est = QualityEstimator.of(t, List.of(new PromptFeatures(vec(1, 0), 0), new PromptFeatures(vec(0, 1), 0)),
                new double[] {Double.NaN}, new Settings(2, 0, 0, 0, 0));
        assertArrayEquals(new double[] {0.5}, est.estimate(new PromptFeatures(vec(1, 1), 0)), EPS);
        assertEquals(List.of("only"), est.candidates());
    }

    @Test
    void theScorersAnswerFollowsTheShortlistsOrderWithNaNForAnUnknownModel() {
        QualityEstimator est = estimator(NEAREST, NO_PRIOR, List.of(example(vec(1, 0), 0, 0.25, 0.75)));
        double[] q = est.estimate(new PromptFeatures(vec(1, 0), 0), List.of("strong", "other", "cheap"));
        assertEquals(0.75, q[0]);
        assertTrue(Double.isNaN(q[1]));
        assertEquals(0.25, q[2]);
    }

    @Test
    void unusableInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> estimator(NEAREST, NO_PRIOR, List.of(example(new float[] {0, 0}, 0, 1, 1))),
                "an example with no direction");
        assertThrows(IllegalArgumentException.class, () -> estimator(NEAREST, NO_PRIOR,
                List.of(example(vec(1, 0), 0, 1, 1), example(new float[] {1, 0, 0}, 0, 1, 1))), "lengths differ");
        assertThrows(IllegalArgumentException.class, () -> estimator(NEAREST, new double[] {1.5, 0}, List.of(example(vec(1, 0), 0, 1, 1))));
        assertThrows(IllegalArgumentException.class, () -> estimator(NEAREST, new double[] {0.5}, List.of(example(vec(1, 0), 0, 1, 1))));
        QualityEstimator est = estimator(NEAREST, NO_PRIOR, List.of(example(vec(1, 0), 0, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> est.estimate(new PromptFeatures(new float[] {1, 0, 0}, 0)));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, Double.NaN, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 1, 1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Settings(1, 1, 1, 1, Double.POSITIVE_INFINITY));
    }

    @Test
    void theExamplesEmbeddingsAreCopiedNotKept() {
        float[] e = vec(1, 0);
        QualityEstimator est = estimator(NEAREST, NO_PRIOR, List.of(example(e, 0, 1, 1), example(vec(0, 1), 0, 0, 0)));
        e[0] = 0;
        e[1] = 1;
        assertEquals(1.0, est.estimate(new PromptFeatures(vec(1, 0), 0))[0]);
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Example(float[] embedding, long tokens, double cheap, double strong) {}

    static Example example(float[] embedding, long tokens, double cheap, double strong) {
        return new Example(embedding, tokens, cheap, strong);
    }

    /** Examples scored only for cheap (strong 0.5), on distinct directions. */
    static List<Example> examples(double[] cheap) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < cheap.length; i++) out.add(example(vec(1, i + 1), 0, cheap[i], 0.5));
        return out;
    }

    static QualityEstimator estimator(Settings s, double[] priors, List<Example> examples) {
        StringBuilder csv = new StringBuilder("prompt,cheap_correct,strong_correct\n");
        List<PromptFeatures> features = new ArrayList<>();
        for (Example e : examples) {
            csv.append("p,").append(e.cheap()).append(',').append(e.strong()).append('\n');
            features.add(new PromptFeatures(e.embedding(), e.tokens()));
        }
        return QualityEstimator.of(OutcomeTable.parse(csv.toString(), AB), features, priors, s);
    }

    static float[] vec(float x, float y) {
        return new float[] {x, y};
    }

    static double cos(float[] a, float[] b) {
        return (a[0] * b[0] + a[1] * b[1]) / Math.hypot(a[0], a[1]) / Math.hypot(b[0], b[1]);
    }
}
