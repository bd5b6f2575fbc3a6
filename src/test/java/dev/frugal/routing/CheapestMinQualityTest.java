package dev.frugal.routing;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cheapest} with a {@code min-quality}: the order live routing and the offline evaluation both use. */
@Tag("unit")
class CheapestMinQualityTest {
    private static final double NAN = Double.NaN;
    private static final long UNPRICED = RoutePlanner.UNPRICED;

    static Stream<Arguments> orders() {
        return Stream.of(
                // min-quality, costs of m0 m1 m2, predicted qualities, expected order
                Arguments.of("the cheapest of those good enough, then the rest best first", 0.7,
                        new long[] {300, 100, 200}, new double[] {0.9, 0.5, 0.8}, List.of("m2", "m0", "m1")),
                Arguments.of("none good enough: the best predicted first", 0.95,
                        new long[] {300, 100, 200}, new double[] {0.9, 0.5, 0.8}, List.of("m0", "m2", "m1")),
                Arguments.of("every one good enough: cheapest first", 0.0,
                        new long[] {300, 100, 200}, new double[] {0.9, 0.5, 0.8}, List.of("m1", "m2", "m0")),
                Arguments.of("exactly min-quality qualifies", 0.5,
                        new long[] {300, 100, 200}, new double[] {0.9, 0.5, 0.8}, List.of("m1", "m2", "m0")),
                Arguments.of("no prediction never qualifies and comes last", 0.7,
                        new long[] {300, 100, 200}, new double[] {NAN, 0.5, 0.8}, List.of("m2", "m1", "m0")),
                Arguments.of("no predictions at all: cheapest first, as without min-quality", 0.5,
                        new long[] {300, 100, 200}, new double[] {NAN, NAN, NAN}, List.of("m1", "m2", "m0")),
                Arguments.of("equal predictions below min-quality: cheaper first", 0.9,
                        new long[] {300, 100, 200}, new double[] {0.6, 0.6, 0.6}, List.of("m1", "m2", "m0")),
                Arguments.of("unpriced and good enough: after the priced ones that are", 0.5,
                        new long[] {UNPRICED, 300, 100}, new double[] {0.9, 0.9, 0.2}, List.of("m1", "m0", "m2")),
                Arguments.of("equal costs keep the listed order", 0.5,
                        new long[] {100, 100, 100}, new double[] {0.7, 0.9, 0.8}, List.of("m0", "m1", "m2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orders")
    void order(String name, double minQuality, long[] costs, double[] quality, List<String> expected) {
        Shortlist s = Shortlist.offline("auto", CheapestStrategy.withMinQuality(minQuality), List.of("m0", "m1", "m2"), costs);
        Plan plan = RoutePlanner.plan(s, quality, RoutePlannerTest.NO_DRAW);

        assertEquals(expected, plan.attempts().stream().map(Attempt::model).toList());
        assertTrue(plan.decision().strategy().startsWith("cheapest min-quality="), plan.decision().strategy());
        List<Double> shown = new ArrayList<>();
        for (Candidate c : plan.decision().candidates()) shown.add(c.quality());
        List<Double> predicted = new ArrayList<>();
        for (String m : expected) predicted.add(quality[Integer.parseInt(m.substring(1))]);
        assertEquals(predicted, shown, "the decision records each candidate's predicted quality");
    }

    @Test
    void minQualityMakesTheStrategyReadQuality() {
        assertFalse(CheapestStrategy.INSTANCE.readsQuality());
        assertTrue(Double.isNaN(CheapestStrategy.INSTANCE.minQuality()));
        assertSame(CheapestStrategy.INSTANCE, CheapestStrategy.withMinQuality(NAN));
        CheapestStrategy s = CheapestStrategy.withMinQuality(0.8);
        assertTrue(s.readsQuality());
        assertTrue(s.readsCost());
        assertEquals(0.8, s.minQuality());
        assertThrows(IllegalArgumentException.class, () -> CheapestStrategy.withMinQuality(1.01));
        assertThrows(IllegalArgumentException.class, () -> CheapestStrategy.withMinQuality(-0.1));
    }

    @Test
    void anOfflineShortlistHasOneDeploymentPerModelAndShowsInTheDecision() {
        Shortlist s = Shortlist.offline("auto", CheapestStrategy.INSTANCE, List.of("strong", "cheap"), new long[] {900, 100});
        assertEquals(List.of("strong", "cheap"), s.models());
        assertEquals("auto", s.route());
        assertEquals("auto", s.requested());
        Plan p = RoutePlanner.plan(s, null, RoutePlannerTest.NO_DRAW);
        assertEquals(List.of("cheap", "strong"), p.attempts().stream().map(Attempt::model).toList());
        assertEquals("cheapest: cheap [cost=100], strong [cost=900]", p.decision().compact());
        assertThrows(IllegalArgumentException.class,
                () -> Shortlist.offline("auto", CheapestStrategy.INSTANCE, List.of("a"), new long[] {1, 2}));
    }

    @Test
    void withAnotherStrategyKeepsTheCandidates() {
        Shortlist s = Shortlist.offline("auto", CheapestStrategy.INSTANCE, List.of("strong", "cheap"), new long[] {900, 100});
        Shortlist picky = s.with(CheapestStrategy.withMinQuality(0.9));
        assertEquals(s.models(), picky.models());
        assertEquals(List.of("strong", "cheap"),
                RoutePlanner.plan(picky, new double[] {0.95, 0.6}, RoutePlannerTest.NO_DRAW).attempts().stream().map(Attempt::model).toList());
    }
}
