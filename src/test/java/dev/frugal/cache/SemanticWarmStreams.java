package dev.frugal.cache;

import dev.frugal.config.SemanticPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The warm streams of {@link SemanticHeldOutTest}: a split's anchors cached, then its paraphrases and near misses
 * asked in random order, each decided, verified and learned from by the cache itself, over {@link #SEEDS} orders.
 */
final class SemanticWarmStreams {
    private SemanticWarmStreams() {}

    /** What a warm stream served: hits right and wrong, the near misses served, the paraphrases in it. */
    record Warm(int right, int wrong, List<String> nearMissesServed, int paraphrases) {
        double precision() { return right + wrong == 0 ? 1 : (double) right / (right + wrong); }

        double recall() { return (double) right / paraphrases; }
    }

    /**
     * The warm stream of {@code split}: every anchor (a) cached in one partition, then every b of the split
     * in an order drawn by {@code seed}, each looked up, served or verified by a cache whose pool learned the
     * train stream; a verified request teaches the pool and its candidate (a paraphrase proves it for its change of
     * content words, a near miss vetoes it and becomes an entry of its own). With {@code typedToo} every b is
     * asked a second time as typed in a hurry ({@link SemanticPairs#typed}), in the same shuffle: the same question
     * worded the same, which the exact cache does not see. Truth: a paraphrase has its anchor's answer, each near
     * miss an answer of its own, so any candidate is labelled, whoever it is.
     */
    static Warm warm(String split, boolean proof, boolean typedToo, long seed) {
        SemanticCache cache = SemanticHeldOutTest.cacheThatLearnedTrain(seed);
        SemanticPolicy policy = SemanticHeldOutTest.defaults(proof, SemanticHeldOutTest.VERIFY);
        String partition = "warm";
        Map<String, float[]> anchors = new LinkedHashMap<>();
        record Ask(SemanticPairs.Pair pair, String text, float[] vector) {}
        List<Ask> arrivals = new ArrayList<>();
        for (SemanticPairs.Pair p : SemanticHeldOutTest.pairs.split(split)) {
            anchors.putIfAbsent(p.a(), p.va());
            arrivals.add(new Ask(p, p.b(), p.vb()));
            if (typedToo && !p.bTyped().equals(p.b())) arrivals.add(new Ask(p, p.bTyped(), p.vbTyped()));
        }
        anchors.forEach((a, v) -> cache.add(partition, a, v, SemanticHeldOutTest.answer(a)));
        java.util.Collections.shuffle(arrivals, new java.util.Random(seed));
        int right = 0, wrong = 0, paraphrases = 0;
        List<String> nearMisses = new ArrayList<>();
        for (Ask ask : arrivals) {
            SemanticPairs.Pair p = ask.pair();
            if (p.same()) paraphrases++;
            CachedAnswer truth = SemanticHeldOutTest.answer(p.same() ? p.a() : p.b());
            SemanticCache.Probe probe = cache.find(cache.probe(partition, SemanticHeldOutTest.POOL, ask.text(), policy), ask.vector()).result();
            if (probe.verdict() != SemanticCache.Verdict.HIT) {
                cache.settle(probe, truth);
            } else if (SameAnswer.of(probe.answer().body(), truth.body())) {
                right++;
            } else {
                wrong++;
                if (!p.same()) nearMisses.add(ask.text());
            }
        }
        return new Warm(right, wrong, nearMisses, paraphrases);
    }

    static final int SEEDS = 20;

    /** The warm stream over {@link #SEEDS} seeds, printed per seed and averaged; the near misses served, with how often. */
    static Map<String, Integer> warmSummary(String split, boolean proof, boolean typedToo, int[] rightWrong) {
        Map<String, Integer> served = new TreeMap<>();
        double precision = 0, recall = 0;
        String stream = split + (typedToo ? " typed too" : "") + " proof=" + proof;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Warm w = warm(split, proof, typedToo, seed);
            rightWrong[0] += w.right();
            rightWrong[1] += w.wrong();
            precision += w.precision();
            recall += w.recall();
            w.nearMissesServed().forEach(b -> served.merge(b, 1, Integer::sum));
            System.out.printf("WARM %s seed %d: %d right, %d wrong hits (near misses %s); precision %.3f, recall %.3f%n",
                    stream, seed, w.right(), w.wrong(), w.nearMissesServed(), w.precision(), w.recall());
        }
        System.out.printf("WARM %s, %d seeds: %.2f right and %.2f wrong hits a seed, precision %.3f, recall %.3f (means); "
                        + "served false-hit share %.4f; near misses served (seeds): %s%n", stream, SEEDS, rightWrong[0] / (double) SEEDS,
                rightWrong[1] / (double) SEEDS, precision / SEEDS, recall / SEEDS,
                rightWrong[0] + rightWrong[1] == 0 ? 0 : rightWrong[1] / (double) (rightWrong[0] + rightWrong[1]), served);
        return served;
    }
}
