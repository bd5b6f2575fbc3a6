package dev.frugal.cache;

import dev.frugal.config.Defaults;
import dev.frugal.config.SemanticPolicy;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.testsupport.FakeTime;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantic cache's decision on the labelled near-miss set, with the real MiniLM: the false-hit
 * bound is learned from a simulated stream of the train split's requests (verified as the cache
 * verifies), then judged on the splits not tuned on. Three evaluations: <b>cold pairs, the defaults</b>
 * (each pair's a cached, b asked once, decided by a {@link SemanticCache} whose pool learned the train
 * stream: with the per-entry proof, decision 0027, no cold entry serves); <b>cold pairs, pool only</b>
 * (the defaults minus the proof, the figures of decisions 0017 and 0020, kept comparable); and the
 * <b>warm streams</b> of {@code fresh4} to {@code fresh9} ({@link SemanticWarmStreams}). A Quarkus test only to borrow
 * the gateway's {@link SentenceEmbedder}: the model's native tokenizer can be loaded by one class loader of the test
 * JVM only, and the Quarkus tests load it first.
 */
@QuarkusTest
class SemanticHeldOutTest {
    static final double MAX_RATE = dev.frugal.config.Defaults.SEMANTIC_MAX_FALSE_HIT_RATE;
    static final double MIN_SIMILARITY = dev.frugal.config.Defaults.SEMANTIC_MIN_SIMILARITY;
    static final double WINDOW = dev.frugal.config.Defaults.SEMANTIC_WINDOW;
    static final double VERIFY = dev.frugal.config.Defaults.SEMANTIC_VERIFY_RATE;
    static final List<String> SPLITS = List.of("train", "test", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9");
    static final String POOL = "team:faq;-;semantic";
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

    /** Whether the defaults <b>minus the per-entry proof</b> serve b with a's answer once, the bound learned (verify-rate aside). */
    static boolean hit(SemanticPairs.Pair p, FalseHitBound learned) {
        return p.similarity() >= MIN_SIMILARITY && p.guard() == null && learned.servable(p.similarity(), WINDOW, MAX_RATE);
    }

    /** The near misses of {@code split} the pool alone serves (printed), and how many of its paraphrases it serves. */
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

    /** The defaults, the per-entry proof on or off; no sampled verification when {@code verifyRate} is 0. */
    static SemanticPolicy defaults(boolean proof, double verifyRate) {
        return new SemanticPolicy(true, MAX_RATE, MIN_SIMILARITY, WINDOW, verifyRate, Defaults.SEMANTIC_WAIT, proof);
    }

    /** A semantic cache without entries whose pool {@link #POOL} learned the train stream as {@link #learned()} does. */
    static SemanticCache cacheThatLearnedTrain(long verifySeed) {
        SplittableRandom draws = new SplittableRandom(verifySeed);
        SemanticCache cache = new SemanticCache(null, new FakeTime(), null, 256L << 20, 384, draws::nextDouble);
        stream(pairs.split("train"), 20_000, MAX_RATE, true, cache.pool(POOL), 1);
        return cache;
    }

    /** An answer whose text says which question it answers; {@link SameAnswer} tells two apart as the cache does. */
    static CachedAnswer answer(String text) {
        Buffer body = Buffer.buffer("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":"
                + dev.frugal.wire.Json.mapper().valueToTree(text) + "}}]}");
        return new CachedAnswer(RequestView.Kind.CHAT, body, new Usage(1, 1, 0, 0), "faq", "p", "u", 1, 0, Long.MAX_VALUE, "team", "faq");
    }

    /** Each pair of {@code split} cold: a cached in a partition of its own, b asked once, decided by {@code cache}; the pairs served. */
    static List<SemanticPairs.Pair> servedCold(SemanticCache cache, String split, SemanticPolicy policy) {
        List<SemanticPairs.Pair> served = new ArrayList<>();
        int i = 0;
        for (SemanticPairs.Pair p : pairs.split(split)) {
            String partition = split + ":" + i++;
            cache.add(partition, p.a(), p.va(), answer(p.a()));
            SemanticCache.Probe probe = cache.find(cache.probe(partition, POOL, p.b(), policy), p.vb()).result();
            if (probe.verdict() == SemanticCache.Verdict.HIT) served.add(p);
        }
        return served;
    }

    /**
     * The defaults on cold pairs of every split: with the per-entry proof an entry no verification has proven
     * serves nothing, so no near miss and no paraphrase is served (recall 0: the first paraphrase of every
     * entry goes upstream). The same cache with the proof off serves exactly what the pool-only evaluation
     * ({@link #hit}) says, pair by pair, so the comparison below is of the cache's own decisions.
     */
    @Test
    void theDefaultsServeNothingOnColdPairsOfEverySplitAndThePoolAloneIsWhatTheComparisonSays() {
        FalseHitBound learned = learned();
        for (String split : SPLITS) {
            List<SemanticPairs.Pair> withProof = servedCold(cacheThatLearnedTrain(1), split, defaults(true, 0));
            assertEquals(List.of(), withProof.stream().map(SemanticPairs.Pair::b).toList(), "pairs of " + split + " served cold");
            List<SemanticPairs.Pair> poolOnly = servedCold(cacheThatLearnedTrain(1), split, defaults(false, 0));
            assertEquals(pairs.split(split).stream().filter(p -> hit(p, learned)).map(SemanticPairs.Pair::b).toList(),
                    poolOnly.stream().map(SemanticPairs.Pair::b).toList(), split + ": the cache without the proof decides as hit()");
            System.out.printf("COLD %s: defaults serve %d; pool only serves %d (%d near misses)%n", split, withProof.size(), poolOnly.size(),
                    poolOnly.stream().filter(p -> !p.same()).count());
        }
    }

    /**
     * Pool only (the defaults minus the per-entry proof), the tuning splits: {@code train}; {@code test} (held out,
     * run once before the compound rule); {@code fresh} (held out until its run served two near misses, then tuned
     * on for the word guard); {@code fresh2} (held out until its one run served "reset my router" / "…my router
     * password", then tuned on for the added-word guard). No near miss is served, and more than a quarter of the
     * paraphrases are.
     */
    @ParameterizedTest
    @ValueSource(strings = {"train", "test", "fresh", "fresh2"})
    void thePoolAloneServesNoNearMissOfTheTuningSplitsAndSomeParaphrases(String split) {
        assertServes(split, List.of());
    }

    /**
     * Pool only: {@code fresh3} was written and committed before the added-word guard's first run on it, then run once
     * (docs/benchmarks.md): it served 3 of 43 near misses, two of them a qualifier put before the question's first
     * content word. A tuning split since decision 0029: its framing-word rule blocks "reset my iPhone" / "factory
     * reset my iPhone" (0.944), and with a hyphenated compound read as one word "side effects" / "long-term side
     * effects" (0.937). Still served: two antonyms swapped at once ("tighten a loose screw" / "loosen a tight
     * screw", 0.910). Any other served near miss fails.
     */
    @Test
    void withThePoolAloneFresh3ServesOnlyTheNearMissNoGuardSees() {
        assertServes("fresh3", List.of("How do I loosen a tight screw?"));
    }

    /**
     * Pool only: {@code fresh4} (38 anchors, 114 paraphrases, 76 near misses) was written and committed before the
     * per-entry proof ran on it, then run once: the pool alone served 7 of its 76 near misses cold. A tuning split
     * since decision 0029, whose framing-word rule blocks the four that put a qualifier before the first content
     * word ("early symptoms", "temporarily delete", "older cat", "deep clean"). Still served: an added phrase ("to
     * buy a house"), a verb swapped with a word added ("visit"/"work in") and the halves of a question swapped ("pay
     * off debt before investing"/"invest before paying off debt"). Any other served near miss fails.
     */
    @Test
    void withThePoolAloneFresh4ServesOnlyTheNearMissesNoGuardSees() {
        // blocked since decision 0030: "…a good credit score to buy a house?" (0.846, a phrase added at the end) and
        // "Should I invest before paying off debt?" (0.940, the halves swapped around "before")
        assertServes("fresh4", List.of("Do I need a visa to work in Canada from the UK?"));
    }

    private static void assertServes(String split, List<String> nearMisses) {
        int[] paraphrasesServed = {0};
        List<SemanticPairs.Pair> served = servedNearMisses(split, learned(), paraphrasesServed);
        long paraphrases = pairs.split(split).stream().filter(SemanticPairs.Pair::same).count();
        assertEquals(nearMisses, served.stream().map(SemanticPairs.Pair::b).toList(), "near misses of " + split + " served");
        assertTrue(paraphrasesServed[0] > paraphrases / 4, "paraphrases served: " + paraphrasesServed[0] + " of " + paraphrases);
    }

    /** Precision and recall of hits per split, cold pairs, the pool alone, for docs/benchmarks.md. */
    @Test
    void precisionAndRecallOfHits() {
        FalseHitBound learned = learned();
        double lowest = MIN_SIMILARITY;
        while (lowest <= 1 && !learned.servable(lowest, WINDOW, MAX_RATE)) lowest += 0.001;
        System.out.printf("The bound learned from train (%d verified observations, %d wrong) allows similarities from %.3f%n",
                learned.labelled(), learned.wrong(), lowest);
        for (String split : SPLITS) {
            int hits = 0, right = 0, paraphrases = 0, nearMisses = 0, blocked = 0, paraphrasesPassing = 0;
            Map<String, Integer> blockedBy = new TreeMap<>();
            for (SemanticPairs.Pair p : pairs.split(split)) {
                boolean hit = hit(p, learned);
                if (hit) hits++;
                if (hit && p.same()) right++;
                if (p.same()) paraphrases++;
                else nearMisses++;
                if (p.same() && p.guard() == null) paraphrasesPassing++;
                if (!p.same() && p.guard() != null) {
                    blocked++;
                    blockedBy.merge(p.guard().tag(), 1, Integer::sum);
                }
                if (p.same() && p.guard() != null) System.out.printf("%s paraphrase blocked by %s: %s | %s%n", split, p.guard().tag(), p.a(), p.b());
                if (!p.same() && p.guard() == null) System.out.printf("%s near miss past every guard (%.3f, %s): %s | %s%n", split,
                        p.similarity(), hit ? "served" : "not served", p.a(), p.b());
            }
            System.out.printf("SPLIT %s: %d pairs (%d paraphrases, %d near misses, %d blocked by a guard); hits %d, precision %.3f, recall %.3f;"
                            + " the guards alone pass %.3f of the paraphrases and block the near misses by %s%n",
                    split, paraphrases + nearMisses, paraphrases, nearMisses, blocked, hits, hits == 0 ? 1.0 : (double) right / hits,
                    (double) right / paraphrases, (double) paraphrasesPassing / paraphrases, blockedBy);
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


    /**
     * The honest figure: the warm stream of {@code fresh4}, 20 seeds (docs/benchmarks.md). Its one run, before
     * decision 0029, served 22 wrong hits in 20 seeds with the proof (1.1 a seed, against 7.0 without it), all of
     * three near misses that score <i>higher</i> than their anchor's paraphrases, so that a paraphrase proved the
     * entry farther out than them: "early symptoms" (0.972), "temporarily delete" (0.904), "invest before paying
     * off debt" (0.940). The framing-word rule blocks the first two (fresh4 is a tuning split since): 11 wrong
     * hits in 20 seeds (0.55 a seed, against 3.65 without the proof), all "invest before paying off debt"; the
     * served false-hit share is 0.029 with the proof, 0.052 without, still not under the configured 1 % (the pool
     * learned from train, where no near miss passes the guards). Decision 0030's guards block it and "a good credit
     * score to buy a house": no near miss is served with the proof (19.55 right hits a seed, 0 wrong); without it
     * 65.30 right, 1.60 wrong ("work in Canada", "spouse dies without a will"). Since decision 0033 (a proof is for a
     * change of content words, not a radius) the proof serves 0.45 right hits a stream asked once and 16.80 with every
     * question typed again, 0 wrong. Any near miss served with the proof fails.
     */
    @Test
    void theWarmStreamOfFresh4ServesOnlyTheNearMissesPinnedHere() {
        int[] on = new int[2], off = new int[2];
        Map<String, Integer> servedWithProof = SemanticWarmStreams.warmSummary("fresh4", true, false, on);
        Map<String, Integer> servedPoolOnly = SemanticWarmStreams.warmSummary("fresh4", false, false, off);
        // decision 0030 blocks "Should I invest before paying off debt?", the one near miss served here before it
        assertEquals(java.util.Set.of(), servedWithProof.keySet(), "near misses served with the proof");
        assertTrue(on[1] <= 0.05 * (on[0] + on[1]), "served false-hit share with the proof: " + on[1] + " of " + (on[0] + on[1]));
        assertTrue(on[1] * 3 < off[1], "the proof serves far fewer near misses: " + on[1] + " against " + off[1] + " without it");
        assertTrue(servedPoolOnly.keySet().containsAll(servedWithProof.keySet()), "the proof only takes hits away");
        int[] typed = new int[2];
        assertEquals(java.util.Set.of(), SemanticWarmStreams.warmSummary("fresh4", true, true, typed).keySet(), "near misses served with the proof, typed too");
        assertTrue(typed[0] >= SemanticWarmStreams.SEEDS * 5, "a proven change serves the question typed again: " + typed[0] + " right hits in " + SemanticWarmStreams.SEEDS + " seeds");
    }

    /**
     * The held-out split {@code fresh5} (40 anchors, 120 paraphrases, 80 near misses), written and committed before
     * decision 0029's framing-word rule ran on it, run once and pinned as found (docs/benchmarks.md). Cold, the
     * defaults serve nothing; the pool alone serves 4 near misses: a phrase added at the end ("in pots", "as a
     * part-time worker", "while keeping the order") and two fractions swapped ("3/4 divided by 2/3" / "2/3 divided
     * by 3/4", 0.996). Warm, 20 seeds: 0.90 wrong hits a seed with the proof (the swapped fractions in 14 seeds,
     * "in pots" in 4), 4.80 without it; served false-hit share 0.140 and 0.102. A tuning split since: decision 0030's
     * number guard compares the numbers in order and blocks the swapped fractions (cold, the pool alone serves 3 near
     * misses and one paraphrase fewer, "85 dB for 8 hours" / "8 hours … at 85 dB"; warm with the proof 0.20 wrong hits
     * a seed, all "in pots", share 0.035; without it 3.50, share 0.079), and its {@code added} guard a phrase added at the end,
     * the other three: cold, the pool alone serves no near miss (54 hits, all right); warm, no near miss is served,
     * with the proof or without (9.05 right hits a seed with it, 0 wrong; 43.95 right and 1.15 wrong without, the
     * wrong ones paraphrases served another entry's answer). Reading number words as digits ("ten minutes", "four-year")
     * then wins paraphrases back: cold 56 hits, all right; warm 9.45 right, 0 wrong with the proof, 46.30 and 1.00 without.
     */
    @Test
    void theHeldOutFresh5ServesTheNearMissesPinnedHere() {
        assertHeldOutRun("fresh5", List.of(), java.util.Set.of());
    }

    /**
     * The held-out split {@code fresh6} (40 anchors over 20 domains, 120 paraphrases, 80 near misses), written by a
     * helper who read neither the guards nor the benchmarks and committed before decision 0030's rules ran on it;
     * run once, on the merge of decision 0030, and pinned as found (docs/benchmarks.md). Cold, the defaults serve
     * nothing; the pool alone serves 2 near misses, which only function words tell apart: who gave whom ("money my
     * parents gave me" / "money I gave my parents", 0.988) and the question word ("Why" / "When did the Holy Roman
     * Empire fall?", 0.930). Warm, 20 seeds: 0.35 wrong hits a seed with the proof (who gave whom, in 7 seeds),
     * 1.95 without it; served false-hit share 0.052 and 0.045. A tuning split since: decision 0032's {@code question}
     * guard blocks "Why" / "When did the Holy Roman Empire fall?" (no paraphrase of the eight splits pairs "why" with
     * "when"), so the pool alone serves one near miss cold (45 hits, precision 0.978); warm, 0.35 wrong hits a seed with the
     * proof as before (who gave whom) and 8.55 right (was 6.35: the blocked near miss no longer vetoes its entry), share
     * 0.039; without it 1.10 wrong (was 1.95), share 0.025. Its {@code role} guard then blocks who gave whom (a person
     * moved between subject and object, the content words the same): cold, the pool alone serves no near miss (44 hits,
     * all right); warm, no near miss is served with the proof (8.40 right hits a seed, 0 wrong); without it 41.60 right
     * and 0.30 wrong, share 0.007 ("instantly transfer money from PayPal" in 3 seeds).
     */
    @Test
    void theHeldOutFresh6ServesTheNearMissesPinnedHere() {
        // blocked since decision 0032: "When did the Holy Roman Empire fall?" (0.930, the question word swapped) and
        // "Do I have to pay tax on money I gave my parents?" (0.988, who gave whom)
        assertHeldOutRun("fresh6", List.of(), java.util.Set.of());
    }

    /**
     * The held-out split {@code fresh7} (40 anchors over about 30 domains, 120 paraphrases, 80 near misses), written by
     * a helper who read neither the guards nor the benchmarks and committed before decision 0032's rules ran on it;
     * run once, on the merge of decision 0032, and pinned as found (docs/benchmarks.md). Cold, the defaults serve
     * nothing; the pool alone serves 6 near misses: phrases of two or more words added at the front or inside ("If I
     * do it myself, …", "the first formulation of", "hockey games", "held double") and two words swapped for two
     * ("draining fast" / "charging slowly", "happened in" / "caused"). Warm, 20 seeds: 1.20 wrong hits a seed with
     * the proof, 6.25 without it; served false-hit share 0.229 and 0.121. A tuning split since: decision 0033's proof by
     * change of words was chosen looking at its warm stream; with it no near miss is served warm (0 right hits a stream
     * asked once, 3.10 typed too, 0 wrong).
     */
    @Test
    void theHeldOutFresh7ServesTheNearMissesPinnedHere() {
        assertHeldOutRun("fresh7", List.of("What did Kant mean by the first formulation of the categorical imperative?",
                "What caused the stock market crash of 1929?", "When do the 2026 Winter Olympics hockey games start?",
                "Why is my iPhone battery charging slowly after the iOS 18 update?",
                "If I do it myself, how much does it cost to paint the interior of a 1,500 sq ft house?",
                "Can I use DK yarn held double in a pattern that calls for worsted?"),
                java.util.Set.of());
    }

    /**
     * One held-out split's run, as pinned: the near misses the pool alone serves cold, and those the defaults serve on
     * the warm stream; the proof serves far fewer than the pool alone, and only takes hits away.
     */
    private static void assertHeldOutRun(String split, List<String> servedColdByThePool, java.util.Set<String> servedWarmWithProof) {
        assertServes(split, servedColdByThePool);
        int[] on = new int[2], off = new int[2], typedOn = new int[2];
        Map<String, Integer> servedWithProof = new TreeMap<>(SemanticWarmStreams.warmSummary(split, true, false, on));
        Map<String, Integer> servedPoolOnly = SemanticWarmStreams.warmSummary(split, false, false, off);
        assertTrue(servedPoolOnly.keySet().containsAll(servedWithProof.keySet()), "the proof only takes hits away");
        servedWithProof.putAll(SemanticWarmStreams.warmSummary(split, true, true, typedOn));
        assertEquals(servedWarmWithProof, servedWithProof.keySet(), "near misses served with the proof, asked once or typed too");
        assertTrue(on[1] * 3 < off[1], "the proof serves far fewer near misses: " + on[1] + " against " + off[1] + " without it");
    }

    /**
     * The held-out split {@code fresh8} (40 anchors over about 40 domains, 120 paraphrases, 80 near misses), written by
     * a helper who read neither the guards nor the benchmarks and committed (e1ea1ee) before decision 0033's proof by
     * change of content words ran on it; run once and pinned as found (docs/benchmarks.md). Cold, the defaults serve
     * nothing; the pool alone serves 66 pairs, 4 of them near misses (precision 0.939, recall 0.517): a name swapped
     * with a phrase ("tennis … service box" / "volleyball … court", 0.864), the question word ("Should I" / "How do I
     * rotate my SSH keys", 0.924), a phrase added inside ("look for part-time work", 0.936), a noun swapped with a
     * word dropped ("litter box" / "hutch", 0.872). Warm, 20 seeds: with the defaults 0 right and 0 wrong hits a stream
     * asked once, 6.20 right and 0 wrong typed too; the pool alone 56.35 right and 3.95 wrong (share 0.066), every one
     * of the four near misses served in 16–19 seeds.
     */
    @Test
    void theHeldOutFresh8ServesTheNearMissesPinnedHere() {
        assertHeldOutRun("fresh8", List.of("In volleyball, what happens if the serve hits the net and lands in the court?",
                "How do I rotate my SSH keys if a former employee had access to the server?",
                "Can I look for part-time work in Germany on a Schengen tourist visa?", "How often should I clean my rabbit's hutch?"),
                java.util.Set.of());
    }

    /**
     * The held-out split {@code fresh9} (40 anchors over about 39 domains, 120 paraphrases, 80 near misses), written by
     * a helper who read neither the guards nor the benchmarks and committed (be5c665) after decision 0033 and before it
     * ran on it: a second held-out run of the same defaults; run once and pinned as found (docs/benchmarks.md). Cold, the
     * defaults serve nothing; the pool alone serves 62 pairs, 10 of them near misses (precision 0.839, recall 0.433): phrases
     * swapped or added, a role moved with a word, the question changed, an error message changed inside quotes. Warm, 20
     * seeds: with the defaults 0 right and 0 wrong hits a stream asked once, 2.65 right and 0 wrong typed too; the pool
     * alone 39.25 right and 7.70 wrong (share 0.164).
     */
    @Test
    void theHeldOutFresh9ServesTheNearMissesPinnedHere() {
        assertHeldOutRun("fresh9", List.of("How many fouls does it take to reach the bonus in the NBA?",
                "Is a verbal contract for the sale of land legally binding in England?",
                "At what age can a child sit in a forward-facing seat in a car?",
                "Does renters insurance cover my bike if it's damaged in a crash?",
                "How much is the standing charge on my gas bill?",
                "Can you castle after getting out of check?",
                "Does a lender checking my credit report lower my credit score?",
                "Why does asyncio.run raise 'event loop is closed' in Jupyter?",
                "Why did my cheesecake sink in the middle?",
                "How do I record a refund from a vendor in QuickBooks?"),
                java.util.Set.of());
    }
}
