package dev.frugal.routing;

import dev.frugal.config.ModelConfig.Deployment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision's compact form, as the ledger keeps it: bounded, one line, scores and reason codes. */
@Tag("unit")
class DecisionTest {

    private static Candidate kept(String model, String provider, String upstream, long cost, double quality) {
        return new Candidate(new Attempt(model, new Deployment(provider, upstream, 1), null), null, null, cost, quality);
    }

    @Test
    void aLongDecisionIsCutToItsBoundWithAnEllipsis() {
        List<Candidate> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) many.add(kept("model-number-" + i, "provider", "upstream-model-" + i, 1_000_000L * i, Double.NaN));
        String compact = new Decision("auto", "auto", "cheapest", many).compact();
        assertEquals(Decision.COMPACT_MAX, compact.length());
        assertTrue(compact.startsWith("cheapest: model-number-0 [provider/upstream-model-0 cost=0], model-number-1 ["), compact);
        assertTrue(compact.endsWith("…"), compact);
    }

    @Test
    void theCutNeverSplitsACharacterInTwo() {
        String astral = "\uD83D\uDE80".repeat(300); // 600 chars: two per rocket
        String compact = new Decision("m", null, "ordered", List.of(kept(astral, "p", null, RoutePlanner.UNSCORED, Double.NaN)))
                .compact();
        assertTrue(compact.length() <= Decision.COMPACT_MAX);
        assertTrue(compact.endsWith("…"));
        assertTrue(!Character.isHighSurrogate(compact.charAt(compact.length() - 2)), "no lone half of a character before the ellipsis");
    }

    @Test
    void aDeploymentWithoutAnUpstreamModelIsNamedByItsProviderAndQualityHasTwoDecimals() {
        Decision d = new Decision("m", null, "ordered", List.of(kept("m", "sim", null, 0, 1.0), kept("m", "b", "x", 7, 0.054)));
        assertEquals("ordered: m [sim cost=0 quality=1.00, b/x cost=7 quality=0.05]", d.compact());
    }

    @Test
    void keptComesFirstInTheOrderTried() {
        Candidate a = kept("m", "a", "x", RoutePlanner.UNSCORED, Double.NaN);
        Candidate gone = Candidate.dropped(new Attempt("m", new Deployment("gone", "y", 1), null), DropReason.UNKNOWN_PROVIDER,
                "gone", RoutePlanner.UNSCORED);
        Decision d = new Decision("m", null, "ordered", List.of(a, gone));
        assertEquals(List.of(a), d.kept());
        assertEquals("ordered: m [a/x]; dropped: m [gone/y unknown_provider]", d.compact());
    }
}
