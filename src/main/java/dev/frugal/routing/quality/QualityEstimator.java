package dev.frugal.routing.quality;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts, for a new prompt, each candidate model's chance of a good answer from how the candidates
 * did on the examples nearest to it (docs/decisions/0011-learned-quality.md):
 * <ol>
 *   <li>a candidate's <em>base</em> quality is its prior (the catalog's normalised quality) shrunk toward
 *       its mean score over all examples: {@code (tablePrior × prior + Σ score) / (tablePrior + n)} — the
 *       prior alone with no examples, the examples' mean when there is no prior;</li>
 *   <li>an example's similarity to the prompt is the cosine similarity of their embeddings less
 *       {@code sizeWeight × (ln tokens − ln example tokens)²}, so that near neighbours are alike in subject
 *       and in size (a size unknown on either side costs nothing);</li>
 *   <li>the {@code neighbours} most similar examples (a tie goes to the earlier example) each weigh
 *       {@code exp(sharpness × (similarity − best similarity))};</li>
 *   <li>the estimate is the neighbours' weighted mean score pulled toward the base by
 *       {@code neighbourPrior} pseudo-examples: {@code (neighbourPrior × base + Σ w × score) / (neighbourPrior + Σ w)}.</li>
 * </ol>
 * A prompt whose embedding is not a usable vector (zero, NaN) gets the base qualities. A candidate with
 * neither examples nor a prior has no estimate (NaN).
 *
 * <p>Pure and immutable, so one instance serves every thread. The cost of {@link #estimate} is one pass
 * over the examples' vectors ({@code n × dimensions} multiply-adds) plus {@code n × log neighbours} for the
 * selection; it allocates only the result and small per-call arrays.
 */
public final class QualityEstimator implements QualityPredictor {

    /**
     * @param neighbours     how many nearest examples are read (at least 1)
     * @param neighbourPrior the base quality's weight against the neighbours', in examples (≥ 0)
     * @param tablePrior     the prior's weight against the examples' mean, in examples (≥ 0)
     * @param sharpness      how fast a neighbour's weight falls with its similarity (0: the neighbours
     *                       weigh the same; ≥ 0)
     * @param sizeWeight     how much a difference in prompt size lowers similarity, per squared natural
     *                       log of the token ratio (0: size is ignored; ≥ 0)
     */
    public record Settings(int neighbours, double neighbourPrior, double tablePrior, double sharpness, double sizeWeight) {
        /** Chosen by cross-validation on the examples of the benchmark data (docs/benchmarks.md), never on a test set. */
        public static final Settings DEFAULT = new Settings(40, 32, 10, 10, 0.5);

        public Settings {
            if (neighbours < 1 || !finite(neighbourPrior) || !finite(tablePrior) || !finite(sharpness) || !finite(sizeWeight)) {
                throw new IllegalArgumentException("bad estimator settings: " + this);
            }
        }

        private static boolean finite(double v) {
            return v >= 0 && v < Double.POSITIVE_INFINITY;
        }
    }

    private final List<String> candidates;
    private final Map<String, Integer> index;
    private final Settings settings;
    private final int n;
    private final int dims;
    private final float[] vectors;   // n × dims, unit length
    private final float[] logTokens; // n, NaN when unknown
    private final float[] scores;    // n × candidates
    private final double[] base;

    private QualityEstimator(List<String> candidates, Settings settings, int dims, float[] vectors, float[] logTokens,
                             float[] scores, double[] base) {
        this.candidates = List.copyOf(candidates);
        this.index = new HashMap<>();
        for (int c = 0; c < candidates.size(); c++) index.put(candidates.get(c), c);
        this.settings = settings;
        this.dims = dims;
        this.n = logTokens.length;
        this.vectors = vectors;
        this.logTokens = logTokens;
        this.scores = scores;
        this.base = base;
    }

    /**
     * An estimator that knows no examples: every prompt gets the priors.
     *
     * @param priors one per candidate, 0..1, or NaN when unknown
     */
    public static QualityEstimator priorsOnly(List<String> candidates, double[] priors) {
        return of(candidates, priors, List.of(), new float[0], Settings.DEFAULT);
    }

    /**
     * An estimator that learns from {@code examples}; its candidates are the table's.
     *
     * @param prompts one per row of the table, embeddings all of one length (copied and normalised here)
     * @param priors  one per candidate of the table, 0..1, or NaN when unknown
     * @throws IllegalArgumentException when the counts or lengths do not match, or an embedding is not a
     *                                  usable vector (zero, NaN, infinite)
     */
    public static QualityEstimator of(OutcomeTable examples, List<PromptFeatures> prompts, double[] priors, Settings settings) {
        int k = examples.candidates().size();
        if (prompts.size() != examples.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts' features for " + examples.size() + " examples");
        }
        float[] scores = new float[examples.size() * k];
        for (int r = 0; r < examples.size(); r++) {
            for (int c = 0; c < k; c++) scores[r * k + c] = (float) examples.score(r, c);
        }
        return of(examples.candidates(), priors, prompts, scores, settings);
    }

    /**
     * An estimator that learns from examples given as arrays (a route's examples loaded from the database).
     *
     * @param priors  one per candidate, 0..1, or NaN when unknown
     * @param prompts one per example, embeddings all of one length (copied and normalised here)
     * @param scores  examples × candidates, row-major, each 0..1 (kept, not copied: do not change it)
     * @throws IllegalArgumentException as {@link #of(OutcomeTable, List, double[], Settings)}
     */
    public static QualityEstimator of(List<String> candidates, double[] priors, List<PromptFeatures> prompts, float[] scores,
                                      Settings settings) {
        if (scores.length != prompts.size() * candidates.size()) {
            throw new IllegalArgumentException(scores.length + " scores for " + prompts.size() + " examples of " + candidates.size() + " candidates");
        }
        int k = candidates.size();
        if (k == 0) throw new IllegalArgumentException("no candidates");
        if (priors.length != k) throw new IllegalArgumentException(priors.length + " priors for " + k + " candidates");
        for (double p : priors) {
            if (!Double.isNaN(p) && !(p >= 0 && p <= 1)) throw new IllegalArgumentException("a prior must be 0..1 or NaN: " + p);
        }
        int n = prompts.size();
        int dims = n == 0 ? 0 : prompts.get(0).embedding().length;
        float[] vectors = new float[n * dims];
        float[] logTokens = new float[n];
        for (int i = 0; i < n; i++) {
            float[] e = prompts.get(i).embedding();
            if (e.length != dims) throw new IllegalArgumentException("example " + (i + 1) + " has " + e.length + " dimensions, not " + dims);
            if (!unit(e, vectors, i * dims)) throw new IllegalArgumentException("example " + (i + 1) + "'s embedding is not a usable vector");
            logTokens[i] = logTokens(prompts.get(i).tokens());
        }
        double[] base = new double[k];
        for (int c = 0; c < k; c++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += scores[i * k + c];
            if (Double.isNaN(priors[c])) base[c] = n == 0 ? Double.NaN : sum / n;
            else base[c] = (settings.tablePrior() * priors[c] + sum) / (settings.tablePrior() + n);
        }
        return new QualityEstimator(candidates, settings, dims, vectors, logTokens, scores, base);
    }

    /** The candidates, in the order {@link #estimate(PromptFeatures)} gives their qualities. */
    public List<String> candidates() {
        return candidates;
    }

    /** How many examples it learned from. */
    public int examples() {
        return n;
    }

    /** The embeddings' length, 0 with no examples. */
    public int dimensions() {
        return dims;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Each candidate's predicted quality (0..1, or NaN with neither examples nor prior) for a prompt, in
     * the order of {@link #candidates()}.
     *
     * @throws IllegalArgumentException when the embedding's length differs from the examples' (any length
     *                                  will do with no examples)
     */
    public double[] estimate(PromptFeatures prompt) {
        int k = candidates.size();
        double[] out = base.clone();
        if (n == 0) return out;
        float[] embedding = prompt.embedding();
        if (embedding.length != dims) {
            throw new IllegalArgumentException("an embedding of " + embedding.length + " dimensions for examples of " + dims);
        }
        float[] q = new float[dims];
        if (!unit(embedding, q, 0)) return out;

        int m = Math.min(settings.neighbours(), n);
        int[] near = new int[m];
        float[] sims = new float[m];
        int size = nearest(q, logTokens(prompt.tokens()), near, sims);

        float best = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < size; j++) best = Math.max(best, sims[j]);
        double[] sum = new double[k];
        double weights = 0;
        for (int j = 0; j < size; j++) {
            double w = Math.exp(settings.sharpness() * (sims[j] - best));
            weights += w;
            int row = near[j] * k;
            for (int c = 0; c < k; c++) sum[c] += w * scores[row + c];
        }
        double prior = settings.neighbourPrior();
        for (int c = 0; c < k; c++) {
            out[c] = Double.isNaN(base[c]) ? sum[c] / weights : (prior * base[c] + sum[c]) / (prior + weights);
        }
        return out;
    }

    /**
     * The predicted qualities of {@code models} in their order, NaN for a model this estimator does not
     * know: the answer a {@link dev.frugal.routing.Scorer} gives for a route's shortlist.
     */
    @Override
    public double[] estimate(PromptFeatures prompt, List<String> models) {
        double[] all = estimate(prompt);
        double[] out = new double[models.size()];
        for (int i = 0; i < out.length; i++) {
            Integer c = index.get(models.get(i));
            out[i] = c == null ? Double.NaN : all[c];
        }
        return out;
    }

    /**
     * The {@code near.length} examples most similar to the unit vector {@code q}, in a min-heap on
     * similarity (the root is the least similar kept); returns how many were found. Ties keep the earlier example.
     */
    private int nearest(float[] q, float logTokens, int[] near, float[] sims) {
        int m = near.length;
        int size = 0;
        float sizeWeight = Float.isNaN(logTokens) ? 0 : (float) settings.sizeWeight();
        for (int i = 0; i < n; i++) {
            float s = dot(q, i * dims);
            if (sizeWeight > 0 && !Float.isNaN(this.logTokens[i])) {
                float d = logTokens - this.logTokens[i];
                s -= sizeWeight * d * d;
            }
            if (size < m) {
                near[size] = i;
                sims[size] = s;
                siftUp(near, sims, size++);
            } else if (s > sims[0]) {
                near[0] = i;
                sims[0] = s;
                siftDown(near, sims, m);
            }
        }
        return size;
    }

    /** The dot product of {@code q} with the example vector at {@code offset}, with eight partial sums (no loop-carried chain). */
    private float dot(float[] q, int offset) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        float[] v = vectors;
        int d = 0;
        for (; d + 7 < dims; d += 8) {
            int o = offset + d;
            s0 += q[d] * v[o];
            s1 += q[d + 1] * v[o + 1];
            s2 += q[d + 2] * v[o + 2];
            s3 += q[d + 3] * v[o + 3];
            s4 += q[d + 4] * v[o + 4];
            s5 += q[d + 5] * v[o + 5];
            s6 += q[d + 6] * v[o + 6];
            s7 += q[d + 7] * v[o + 7];
        }
        for (; d < dims; d++) s0 += q[d] * v[offset + d];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Heap order: less similar first; among equal similarities the later example first, so it is dropped first. */
    private static boolean before(int[] near, float[] sims, int a, int b) {
        return sims[a] < sims[b] || sims[a] == sims[b] && near[a] > near[b];
    }

    private static void siftUp(int[] near, float[] sims, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(near, sims, i, parent)) return;
            swap(near, sims, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] near, float[] sims, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int r = l + 1;
            int least = r < size && before(near, sims, r, l) ? r : l;
            if (!before(near, sims, least, i)) return;
            swap(near, sims, i, least);
            i = least;
        }
    }

    private static void swap(int[] near, float[] sims, int a, int b) {
        int t = near[a];
        near[a] = near[b];
        near[b] = t;
        float s = sims[a];
        sims[a] = sims[b];
        sims[b] = s;
    }

    /** Writes {@code v} scaled to unit length into {@code out} at {@code offset}; false when it has no direction (zero, NaN, infinite). */
    private static boolean unit(float[] v, float[] out, int offset) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        double norm = Math.sqrt(s);
        if (!(norm > 0) || Double.isInfinite(norm)) return false;
        for (int d = 0; d < v.length; d++) out[offset + d] = (float) (v[d] / norm);
        return true;
    }

    private static float logTokens(long tokens) {
        return tokens > 0 ? (float) Math.log(tokens) : Float.NaN;
    }

    /** For tests: the candidates' base qualities (prior shrunk toward the examples' mean). */
    double[] base() {
        return base.clone();
    }
}
