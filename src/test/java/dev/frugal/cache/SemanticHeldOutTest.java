package dev.frugal.cache;

import dev.frugal.provider.local.SentenceEmbedder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantic cache's decision on the labelled near-miss set, with the real MiniLM: the false-hit
 * bound is learned from a simulated stream of the train split's requests (verified as the cache
 * verifies), then judged on the splits not tuned on. A Quarkus test only to
 * borrow the gateway's {@link SentenceEmbedder}: the model's native tokenizer can be loaded by one
 * class loader of the test JVM only, and the Quarkus tests load it first.
 */
@QuarkusTest
class SemanticHeldOutTest {
    static final double MAX_RATE = dev.frugal.config.Defaults.SEMANTIC_MAX_FALSE_HIT_RATE;
    static final double MIN_SIMILARITY = dev.frugal.config.Defaults.SEMANTIC_MIN_SIMILARITY;
    static final double WINDOW = dev.frugal.config.Defaults.SEMANTIC_WINDOW;
    static final double VERIFY = dev.frugal.config.Defaults.SEMANTIC_VERIFY_RATE;
    static SemanticPairs pairs;

    @Inject SentenceEmbedder embedder;

    @BeforeEach
    void embed() throws Exception {
        if (pairs == null) pairs = SemanticPairs.load(embedder);
    }

    /** What a stream of requests drawn at random from {@code from} served, and what the bound learned. */
    record Served(long requests, long hits, long falseHits, FalseHitBound bound) {
        double falseHitRate() { return hits == 0 ? 0 : (double) falseHits / hits; }
    }

    /** Replays {@code n} requests drawn from {@code from}: each is b asking after a was cached, decided as the cache decides. */
    static Served stream(List<SemanticPairs.Pair> from, int n, double maxRate, boolean guards, FalseHitBound bound, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long hits = 0, falseHits = 0;
        for (int i = 0; i < n; i++) {
            SemanticPairs.Pair p = from.get(random.nextInt(from.size()));
            if (p.similarity() < MIN_SIMILARITY || guards && p.guard() != null) continue; // a miss
            if (bound.servable(p.similarity(), WINDOW, maxRate) && random.nextDouble() >= VERIFY) {
                hits++;
                if (!p.same()) falseHits++;
            } else {
                bound.add(p.similarity(), p.same());
            }
        }
        return new Served(n, hits, falseHits, bound);
    }

    /** The bound the defaults learn from a stream of the train split's requests. */
    static FalseHitBound learned() {
        return stream(pairs.split("train"), 20_000, MAX_RATE, true, new FalseHitBound(), 1).bound();
    }

    /** Whether the defaults serve b with a's answer, the bound learned. */
    static boolean hit(SemanticPairs.Pair p, FalseHitBound learned) {
        return p.similarity() >= MIN_SIMILARITY && p.guard() == null && learned.servable(p.similarity(), WINDOW, MAX_RATE);
    }

    /** The near misses of {@code split} the defaults serve (printed), and how many of its paraphrases they serve. */
    static List<SemanticPairs.Pair> servedNearMisses(String split, FalseHitBound learned, int[] paraphrasesServed) {
        List<SemanticPairs.Pair> served = new java.util.ArrayList<>();
        for (SemanticPairs.Pair p : pairs.split(split)) {
            boolean hit = hit(p, learned);
            if (!p.same() && hit) {
                served.add(p);
                System.out.printf("%s near miss served: %s | %s (%s, %.3f)%n", split, p.a(), p.b(), p.kind(), p.similarity());
            }
            if (p.same() && hit) paraphrasesServed[0]++;
        }
        return served;
    }

    /**
     * The tuning splits: {@code train}; {@code test} (held out, run once before the compound rule); {@code fresh}
     * (held out until its run served two near misses, then tuned on for the word guard); {@code fresh2} (held out
     * until its one run served "reset my router" / "…my router password", then tuned on for the added-word
     * guard). No near miss is served, and more than a quarter of the paraphrases are.
     */
    @ParameterizedTest
    @ValueSource(strings = {"train", "test", "fresh", "fresh2"})
    void theDefaultsServeNoNearMissOfTheTuningSplitsAndSomeParaphrases(String split) {
        assertServes(split, List.of());
    }

    /**
     * {@code fresh3} was written and committed before the added-word guard's first run on it, then run once
     * (docs/benchmarks.md): it served 3 of 43 near misses. Two are qualifiers put before the question's first
     * content word, where the guard lets a paraphrase frame a question ("side effects" / "long-term side
     * effects", 0.937; "reset my iPhone" / "factory reset my iPhone", 0.944), one is two antonyms swapped at
     * once ("tighten a loose screw" / "loosen a tight screw", 0.910). They are pinned as found, not tuned away;
     * any other served near miss fails.
     */
    @Test
    void theSplitWrittenBeforeTheAddedWordGuardServesOnlyTheNearMissesItsOneRunFound() {
        assertServes("fresh3", List.of("What are the long-term side effects of the shingles vaccine?",
                "How do I factory reset my iPhone?", "How do I loosen a tight screw?"));
    }

    private static void assertServes(String split, List<String> nearMisses) {
        int[] paraphrasesServed = {0};
        List<SemanticPairs.Pair> served = servedNearMisses(split, learned(), paraphrasesServed);
        long paraphrases = pairs.split(split).stream().filter(SemanticPairs.Pair::same).count();
        assertEquals(nearMisses, served.stream().map(SemanticPairs.Pair::b).toList(), "near misses of " + split + " served");
        assertTrue(paraphrasesServed[0] > paraphrases / 4, "paraphrases served: " + paraphrasesServed[0] + " of " + paraphrases);
    }

    /** Precision and recall of hits per split, for docs/benchmarks.md. */
    @Test
    void precisionAndRecallOfHits() {
        FalseHitBound learned = learned();
        for (String split : List.of("train", "test", "fresh", "fresh2", "fresh3")) {
            int hits = 0, right = 0, paraphrases = 0, nearMisses = 0, blocked = 0;
            for (SemanticPairs.Pair p : pairs.split(split)) {
                boolean hit = hit(p, learned);
                if (hit) hits++;
                if (hit && p.same()) right++;
                if (p.same()) paraphrases++;
                else nearMisses++;
                if (!p.same() && p.guard() != null) blocked++;
                if (p.same() && p.guard() != null) System.out.printf("%s paraphrase blocked by %s: %s | %s%n", split, p.guard().tag(), p.a(), p.b());
                if (!p.same() && p.guard() == null) System.out.printf("%s near miss past every guard (%.3f, %s): %s | %s%n", split,
                        p.similarity(), hit ? "served" : "not served", p.a(), p.b());
            }
            System.out.printf("SPLIT %s: %d pairs (%d paraphrases, %d near misses, %d blocked by a guard); hits %d, precision %.3f, recall %.3f%n",
                    split, paraphrases + nearMisses, paraphrases, nearMisses, blocked, hits, hits == 0 ? 1.0 : (double) right / hits,
                    (double) right / paraphrases);
            assertTrue(hits > 0);
        }
    }

    static List<SemanticPairs.Pair> heldOut() {
        return pairs.all().stream().filter(p -> !p.split().equals("train")).toList();
    }

    @Test
    void theServedFalseHitRateStaysUnderTheBoundOnHeldOutTrafficEvenWithoutGuards() {
        for (double rate : new double[] {0.01, 0.05, 0.1}) {
            for (long seed = 1; seed <= 5; seed++) {
                Served s = stream(heldOut(), 50_000, rate, false, new FalseHitBound(), seed);
                assertTrue(s.falseHitRate() <= rate * 1.25 + 0.002, "max " + rate + ", seed " + seed + ": " + s.falseHits() + " false of " + s.hits());
            }
        }
    }
}
