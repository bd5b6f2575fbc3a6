package dev.frugal.pipeline;

import dev.frugal.routing.quality.PromptFeatures;
import dev.frugal.routing.quality.QualityEstimator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A route's examples in force, in memory: what the live scorer and the evaluation estimate from. Built from
 * the database's set ({@link ExampleStore#load}); the {@link QualityEstimator} is made for the candidates'
 * priors of the moment and made again only when they change (a config reload), so a request costs no
 * rebuild. Thread-safe: immutable but for the last estimator, swapped whole.
 */
final class LearnedExamples {
    private final long setId;
    private final List<String> candidates;
    private final List<PromptFeatures> features;
    private final float[] scores;
    private final long[] costNanos;
    private volatile Built built;

    private record Built(double[] priors, QualityEstimator estimator) {}

    LearnedExamples(ExampleStore.Loaded set) {
        this.setId = set.id();
        this.candidates = set.candidates();
        List<PromptFeatures> f = new ArrayList<>(set.size());
        for (int r = 0; r < set.size(); r++) f.add(new PromptFeatures(set.embeddings().get(r), set.tokens()[r]));
        this.features = List.copyOf(f);
        this.scores = set.scores();
        this.costNanos = set.costNanos();
    }

    /** The database set these came from. */
    long setId() { return setId; }

    /** The models the examples give outcomes for, in the order of their scores. */
    List<String> candidates() { return candidates; }

    int size() { return features.size(); }

    /** The estimator for these priors if it is built already, else null (building copies every vector: not on the event loop). */
    QualityEstimator builtFor(double[] priors) {
        Built b = built;
        return b != null && Arrays.equals(b.priors(), priors) ? b.estimator() : null;
    }

    /**
     * The estimator over these examples with these priors (one per {@link #candidates()}, 0..1 or NaN).
     * Reuses the last one when the priors are the same.
     */
    QualityEstimator estimator(double[] priors) {
        Built b = built;
        if (b != null && Arrays.equals(b.priors(), priors)) return b.estimator();
        QualityEstimator e = QualityEstimator.of(candidates, priors, features, scores, QualityEstimator.Settings.DEFAULT);
        built = new Built(priors.clone(), e);
        return e;
    }

    /**
     * The candidate's mean cost per example in micro-USD from the examples' own {@code _cost_usd}, or -1 when
     * they give none: what the evaluation orders an unpriced candidate by.
     */
    long meanCostMicros(String candidate) {
        int c = candidates.indexOf(candidate);
        if (c < 0) return -1;
        int k = candidates.size();
        long sum = 0, n = 0;
        for (int r = 0; r < features.size(); r++) {
            long v = costNanos[r * k + c];
            if (v >= 0) { sum += v; n++; }
        }
        return n == 0 ? -1 : Math.round(sum / (double) n / 1000.0);
    }
}
