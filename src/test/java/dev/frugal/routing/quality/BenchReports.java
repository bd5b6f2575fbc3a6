package dev.frugal.routing.quality;

import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.Shortlist;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** The benchmark's reports, printed as markdown (QualityBench). */
final class BenchReports {
    private BenchReports() {}

    // ---- cross-validation on the examples only -------------------------------------------

    /**
     * Settings tried on the examples half alone: each row of it predicted by an estimator that learned
     * from the other folds, then the pooled predictions routed and scored like a test set.
     */
    static void crossValidate(String name) throws Exception {
        QualityBench.Data d = name.equals("mmlu") ? QualityBench.mmlu() : QualityBench.gsm8k();
        int n = d.table().size();
        int[] examples = name.equals("mmlu") ? QualityBench.alternate(n, 0) : QualityBench.range(0, n / 2);
        List<PromptFeatures> emb = QualityBench.features(d, embeddingsFor(d, System.getProperty("frugal.bench.embedding", "minilm"), examples));
        String strong = name.equals("mmlu") ? "gemini-3.1-pro-preview" : QualityBench.GPT4;
        int[] ks = intList(System.getProperty("frugal.bench.k", "10,20,40,80,160"));
        double[] priors = doubleList(System.getProperty("frugal.bench.prior", "2,8,32,64,128"));
        double[] sharps = doubleList(System.getProperty("frugal.bench.sharpness", "0,10,20"));
        double[] sizes = doubleList(System.getProperty("frugal.bench.size", "0,0.5,1,2"));
        System.out.printf("| k | neighbourPrior | sharpness | sizeWeight | gain over random | brier | cost to 90%% / 95%% / 97%% of %s's accuracy |%n"
                + "|---|---|---|---|---|---|---|%n", strong);
        double best = -1;
        String bestAt = "";
        for (int k : ks) {
            for (double a : priors) {
                for (double sh : sharps) for (double sz : sizes) {
                    var settings = new QualityEstimator.Settings(k, a, 10, sh, sz);
                    double[] brier = new double[1];
                    Evaluation e = pooled(d, emb, examples, settings, 5, brier);
                    double gain = gain(e);
                    Evaluation.Result s = e.candidates().get(strong);
                    StringBuilder costs = new StringBuilder();
                    for (double share : new double[] {0.90, 0.95, 0.97}) {
                        Evaluation.Point p = e.cheapestReaching(share * s.accuracy());
                        costs.append(p == null ? " -" : String.format(Locale.ROOT, " %.1f%%",
                                100 * p.result().avgCostUsd().doubleValue() / s.avgCostUsd().doubleValue()));
                    }
                    System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.1f | %.4f | %.4f |%s |%n", k, a, sh, sz, gain, brier[0], costs);
                    if (gain > best) {
                        best = gain;
                        bestAt = settings.toString();
                    }
                }
            }
        }
        System.out.println("best: " + bestAt + " gain " + best);
    }

    /** The examples' own curve from out-of-fold predictions (each row predicted without its own label). */
    static Evaluation pooled(QualityBench.Data d, List<PromptFeatures> emb, int[] examples, QualityEstimator.Settings settings,
                             int folds, double[] brierOut) {
        OutcomeTable t = d.table();
        List<String> models = t.candidates();
        Map<PromptFeatures, double[]> predicted = new IdentityHashMap<>();
        double brier = 0;
        for (int f = 0; f < folds; f++) {
            int[][] split = fold(examples, folds, f);
            QualityEstimator est = QualityEstimator.of(t.rows(split[0]), QualityBench.pick(emb, split[0]),
                    QualityBench.nan(models.size()), settings);
            for (int r : split[1]) {
                double[] q = est.estimate(emb.get(r), models);
                predicted.put(emb.get(r), q);
                for (int c = 0; c < q.length; c++) brier += (q[c] - t.score(r, c)) * (q[c] - t.score(r, c));
            }
        }
        brierOut[0] = brier / examples.length / models.size();
        return QualityBench.evaluate(d, (e, m) -> predicted.get(e), models, examples, examples, emb,
                QualityBench.points(Integer.getInteger("frugal.bench.points", 1001)));
    }

    static int[] intList(String s) {
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    static double[] doubleList(String s) {
        return Arrays.stream(s.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    /** Training rows and held-out rows of fold {@code f} of {@code folds} (interleaved). */
    static int[][] fold(int[] rows, int folds, int f) {
        List<Integer> train = new ArrayList<>(), held = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) (i % folds == f ? held : train).add(rows[i]);
        return new int[][] {train.stream().mapToInt(Integer::intValue).toArray(), held.stream().mapToInt(Integer::intValue).toArray()};
    }

    /**
     * The router's accuracy above the random mix at equal cost, averaged over 19 costs evenly spread
     * between the cheapest candidate's and the most accurate one's, as a share of the accuracy gap
     * between them (0: no better than random; APGR minus the random router's 0.5, roughly).
     */
    static double gain(Evaluation e) {
        List<String> models = new ArrayList<>(e.candidates().keySet());
        List<Integer> hull = OfflineEvaluation.hull(models, e.candidates());
        Evaluation.Result lo = e.candidates().get(models.get(hull.get(0)));
        Evaluation.Result hi = e.candidates().get(models.get(hull.get(hull.size() - 1)));
        double c0 = lo.avgCostUsd().doubleValue(), c1 = hi.avgCostUsd().doubleValue();
        double sum = 0;
        for (int i = 1; i < 20; i++) {
            double c = c0 + (c1 - c0) * i / 20;
            sum += bestAtCost(e, c, lo.accuracy()) - randomAt(e, models, hull, c);
        }
        return sum / 19 / (hi.accuracy() - lo.accuracy());
    }

    /** The best accuracy of a point costing at most {@code cost}. */
    static double bestAtCost(Evaluation e, double cost, double floor) {
        double best = floor;
        for (Evaluation.Point p : e.points()) {
            if (p.result().avgCostUsd().doubleValue() <= cost) best = Math.max(best, p.result().accuracy());
        }
        return best;
    }

    /** The random mix's accuracy at {@code cost}, on the hull of single candidates. */
    static double randomAt(Evaluation e, List<String> models, List<Integer> hull, double cost) {
        for (int i = 1; i < hull.size(); i++) {
            Evaluation.Result a = e.candidates().get(models.get(hull.get(i - 1))), b = e.candidates().get(models.get(hull.get(i)));
            double ca = a.avgCostUsd().doubleValue(), cb = b.avgCostUsd().doubleValue();
            if (cost <= cb) return a.accuracy() + (b.accuracy() - a.accuracy()) * (cost - ca) / (cb - ca);
        }
        return e.candidates().get(models.get(hull.get(hull.size() - 1))).accuracy();
    }

    /** The embeddings of every row: MiniLM (cached), or hashed TF-IDF fitted on the examples rows. */
    static List<float[]> embeddingsFor(QualityBench.Data d, String kind, int[] examples) throws Exception {
        if (kind.equals("minilm")) return QualityBench.embeddings(d);
        HashedEmbedding h = HashedEmbedding.fit(QualityBench.pick(d.prompts(), examples), 4096);
        return h.embedAll(d.prompts());
    }

    // ---- GSM8K ---------------------------------------------------------------------------

    /** The TF-IDF kNN reference of issue 11 on the same split: (share of GPT-4's accuracy, share of its cost). */
    static final double[][] TFIDF_REFERENCE = {{0.943, 0.779}, {0.974, 0.804}};

    static void gsm8k() throws Exception {
        QualityBench.Data d = QualityBench.gsm8k();
        int n = d.table().size();
        int[] examples = QualityBench.range(0, n / 2), test = QualityBench.range(n / 2, n);
        System.out.printf("## GSM8K: %d examples (rows 1–%d), %d test prompts (rows %d–%d)%n%n", examples.length, n / 2,
                test.length, n / 2 + 1, n);
        QualityEstimator.Settings s = QualityEstimator.Settings.DEFAULT;
        QualityEstimator.Settings sizeBlind = new QualityEstimator.Settings(s.neighbours(), s.neighbourPrior(), s.tablePrior(),
                s.sharpness(), 0);
        List<PromptFeatures> miniLm = QualityBench.features(d, embeddingsFor(d, "minilm", examples));
        List<PromptFeatures> hashed = QualityBench.features(d, embeddingsFor(d, "hashed", examples));
        Evaluation main = QualityBench.evaluate(d, miniLm, examples, test, QualityBench.nan(2), s, QualityBench.finePoints());
        candidates(main);
        double[] targets = {0.90, 0.943, 0.95, 0.97, 0.974};
        System.out.println("Cost needed to reach a share of GPT-4's accuracy, as a share of GPT-4's cost (lower is better), "
                + "and the accuracy reached within 77.9% and 80.4% of its cost:\n");
        System.out.print("| router | 90% | 94.3% | 95% | 97% | 97.4% | at 77.9% cost | at 80.4% cost |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        System.out.println("| TF-IDF kNN (issue 11's reference) | | 77.9% | | | 80.4% | 94.3% | 97.4% |");
        row("random mix at equal cost", main, QualityBench.GPT4, targets, true);
        row("**kNN, MiniLM + prompt size (the default)**", main, QualityBench.GPT4, targets, false);
        row("kNN, MiniLM alone (sizeWeight 0)", QualityBench.evaluate(d, miniLm, examples, test, QualityBench.nan(2), sizeBlind,
                QualityBench.finePoints()), QualityBench.GPT4, targets, false);
        row("kNN, hashed TF-IDF + prompt size", QualityBench.evaluate(d, hashed, examples, test, QualityBench.nan(2), s,
                QualityBench.finePoints()), QualityBench.GPT4, targets, false);
        System.out.println();
        System.out.println("The default router at each target:\n");
        thresholds(main, QualityBench.GPT4, targets);
        bootstrap(d, miniLm, examples, test, s, new double[] {0.943, 0.974});
    }

    /**
     * How much the thresholds move with the test sample: the test prompts resampled with replacement (the
     * routing choices fixed, as they depend on the prompts only), the cost to reach each target recomputed.
     */
    static void bootstrap(QualityBench.Data d, List<PromptFeatures> prompts, int[] examples, int[] test,
                          QualityEstimator.Settings settings, double[] targets) {
        List<String> models = d.table().candidates();
        int k = models.size(), strong = models.indexOf(QualityBench.GPT4);
        QualityEstimator est = QualityEstimator.of(d.table().rows(examples), QualityBench.pick(prompts, examples),
                QualityBench.nan(k), settings);
        long[] mean = QualityBench.meanCostMicros(QualityBench.pickCosts(d.costNanos(), k, examples), k, examples.length);
        double[] points = QualityBench.finePoints();
        int[][] choices = OfflineEvaluation.choices(Shortlist.offline("b", CheapestStrategy.INSTANCE, models, mean),
                OfflineEvaluation.predict(est, QualityBench.pick(prompts, test), models), points, new SplittableRandom(1));
        int rounds = 1000;
        double[][] share = new double[targets.length][rounds];
        SplittableRandom r = new SplittableRandom(11);
        int[] sample = new int[test.length];
        for (int b = 0; b < rounds; b++) {
            for (int i = 0; i < sample.length; i++) sample[i] = r.nextInt(test.length);
            double strongAcc = 0, strongCost = 0;
            for (int i : sample) {
                strongAcc += d.table().score(test[i], strong);
                strongCost += d.costNanos()[test[i] * k + strong];
            }
            double[] best = new double[targets.length];
            java.util.Arrays.fill(best, Double.NaN);
            for (int[] choice : choices) {
                double acc = 0, cost = 0;
                for (int i : sample) {
                    acc += d.table().score(test[i], choice[i]);
                    cost += d.costNanos()[test[i] * k + choice[i]];
                }
                for (int t = 0; t < targets.length; t++) {
                    if (acc >= targets[t] * strongAcc && !(cost >= best[t])) best[t] = cost;
                }
            }
            for (int t = 0; t < targets.length; t++) share[t][b] = best[t] / strongCost;
        }
        System.out.println("Bootstrap of the test prompts (" + rounds + " resamples): cost to reach the target, as a share of GPT-4's\n");
        System.out.println("| target | median | 90% interval | resamples at or under the TF-IDF reference's cost |\n|---|---:|---:|---:|");
        for (int t = 0; t < targets.length; t++) {
            double[] v = share[t].clone();
            java.util.Arrays.sort(v);
            int under = 0;
            for (double x : v) if (x <= TFIDF_REFERENCE[t][1]) under++;
            System.out.printf(Locale.ROOT, "| %.1f%% | %.1f%% | %.1f%%–%.1f%% | %.0f%% |%n", 100 * targets[t], 100 * v[rounds / 2],
                    100 * v[rounds / 20], 100 * v[rounds - 1 - rounds / 20], 100.0 * under / rounds);
        }
        System.out.println();
    }

    // ---- MMLU-Pro ------------------------------------------------------------------------

    static final String GEMINI = "gemini-3.1-pro-preview";

    static void mmlu() throws Exception {
        QualityBench.Data d = QualityBench.mmlu();
        int n = d.table().size();
        int[] examples = QualityBench.alternate(n, 0), test = QualityBench.alternate(n, 1);
        System.out.printf("## MMLU-Pro: %d examples (even rows), %d test prompts (odd rows)%n%n", examples.length, test.length);
        List<PromptFeatures> emb = QualityBench.features(d, QualityBench.embeddings(d));
        List<String> all = d.table().candidates();
        QualityEstimator est = QualityEstimator.of(d.table().rows(examples), QualityBench.pick(emb, examples),
                QualityBench.nan(all.size()), QualityEstimator.Settings.DEFAULT);
        double[] points = QualityBench.points(501);
        Evaluation full = QualityBench.evaluate(d, est, all, examples, test, emb, points);
        candidates(full);
        double[] targets = {0.90, 0.95, 0.97, 1.0};
        System.out.println("Cost needed to reach a share of " + GEMINI + "'s accuracy (" + String.format(Locale.ROOT, "%.3f",
                full.candidates().get(GEMINI).accuracy()) + "), as a share of its cost, by pool; the pool's oracle for scale:\n");
        System.out.print("| pool | router | 90% | 95% | 97% | 100% | pool's oracle: accuracy, cost |\n|---|---|---:|---:|---:|---:|---:|\n");
        List<List<String>> pools = List.of(all,
                List.of(GEMINI, "gpt-4o-2024-05-13", "gemini-1.5-pro-002", "gemini-1.5-flash-002", "deepseek-v2-chat", "jamba-1.5-large"),
                List.of(GEMINI, "llama-3.1-8b-instruct"));
        for (List<String> pool : pools) {
            Evaluation e = pool == all ? full : QualityBench.evaluate(d, est, pool, examples, test, emb, points);
            String name = pool.size() + (pool.size() == 2 ? " (" + pool.get(1) + " + Gemini 3.1 Pro)" : pool.size() == 6
                    ? " (the API models + Jamba)" : " (every chat and API model)");
            String oracle = String.format(Locale.ROOT, "%.3f, %.1f%%", e.oracle().accuracy(),
                    100 * e.oracle().avgCostUsd().doubleValue() / e.candidates().get(GEMINI).avgCostUsd().doubleValue());
            row(name + " | random mix", e, GEMINI, targets, true, oracle);
            row(name + " | learned", e, GEMINI, targets, false, oracle);
        }
        System.out.println();
        System.out.println("The curve of the 17-candidate route (every 0.05 of min-quality):\n");
        curve(full, GEMINI, 0.05);
    }

    // ---- printing ------------------------------------------------------------------------

    static void candidates(Evaluation e) {
        System.out.println("| candidate | accuracy | avg cost per prompt |\n|---|---:|---:|");
        for (Map.Entry<String, Evaluation.Result> c : e.candidates().entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.3f | $%s |%n", c.getKey(), c.getValue().accuracy(), usd(c.getValue().avgCostUsd()));
        }
        System.out.printf(Locale.ROOT, "| oracle (cheapest right answer) | %.3f | $%s |%n%n", e.oracle().accuracy(), usd(e.oracle().avgCostUsd()));
    }

    static void row(String name, Evaluation e, String strong, double[] targets, boolean random, String... extra) {
        Evaluation.Result s = e.candidates().get(strong);
        StringBuilder b = new StringBuilder("| ").append(name).append(" |");
        for (double t : targets) {
            double cost = random ? randomCostFor(e, t * s.accuracy()) : routerCostFor(e, t * s.accuracy());
            b.append(Double.isNaN(cost) ? " not reached |" : String.format(Locale.ROOT, " %.1f%% |", 100 * cost / cost(s)));
        }
        if (extra.length == 0) {
            List<String> models = new ArrayList<>(e.candidates().keySet());
            List<Integer> hull = OfflineEvaluation.hull(models, e.candidates());
            for (double[] ref : TFIDF_REFERENCE) {
                double at = ref[1] * cost(s);
                double acc = random ? randomAt(e, models, hull, at) : bestAtCost(e, at, 0);
                b.append(String.format(Locale.ROOT, " %.1f%% |", 100 * acc / s.accuracy()));
            }
        }
        for (String x : extra) b.append(' ').append(x).append(" |");
        System.out.println(b);
    }

    static double routerCostFor(Evaluation e, double accuracy) {
        Evaluation.Point p = e.cheapestReaching(accuracy);
        return p == null ? Double.NaN : cost(p.result());
    }

    /** What a random mix of single candidates (on their hull) pays on average to reach {@code accuracy}, NaN when it cannot. */
    static double randomCostFor(Evaluation e, double accuracy) {
        List<String> models = new ArrayList<>(e.candidates().keySet());
        List<Integer> hull = OfflineEvaluation.hull(models, e.candidates());
        Evaluation.Result prev = null;
        for (int i : hull) {
            Evaluation.Result r = e.candidates().get(models.get(i));
            if (r.accuracy() >= accuracy) {
                if (prev == null) return cost(r);
                return cost(prev) + (cost(r) - cost(prev)) * (accuracy - prev.accuracy()) / (r.accuracy() - prev.accuracy());
            }
            prev = r;
        }
        return Double.NaN;
    }

    /** Call-performance thresholds of one router: the point reaching each share of the strong candidate's accuracy. */
    static void thresholds(Evaluation e, String strong, double[] shares) {
        Evaluation.Result s = e.candidates().get(strong);
        System.out.println("| target (share of " + strong + "'s accuracy) | min-quality | accuracy | cost, share of "
                + strong + "'s | " + strong + " calls | random mix at that cost |\n|---|---:|---:|---:|---:|---:|");
        for (double share : shares) {
            Evaluation.Point p = e.cheapestReaching(share * s.accuracy());
            if (p == null) {
                System.out.printf(Locale.ROOT, "| %.1f%% | not reached | | | | |%n", share * 100);
                continue;
            }
            int i = e.points().indexOf(p);
            System.out.printf(Locale.ROOT, "| %.1f%% | %.3f | %.3f (%.1f%%) | %.1f%% | %.1f%% | %.3f |%n", share * 100, p.operatingPoint(),
                    p.result().accuracy(), 100 * p.result().accuracy() / s.accuracy(), 100 * cost(p.result()) / cost(s),
                    100 * p.result().share().get(strong), e.random().get(i).result().accuracy());
        }
        System.out.println();
    }

    /** The curve every {@code step} of min-quality: accuracy, cost and the largest traffic shares. */
    static void curve(Evaluation e, String strong, double step) {
        Evaluation.Result s = e.candidates().get(strong);
        System.out.println("| min-quality | accuracy | cost, share of " + strong + "'s | random mix at that cost | largest shares |\n"
                + "|---:|---:|---:|---:|---|");
        double next = 0;
        for (int i = 0; i < e.points().size(); i++) {
            Evaluation.Point p = e.points().get(i);
            if (p.operatingPoint() + 1e-9 < next) continue;
            next += step;
            StringBuilder shares = new StringBuilder();
            p.result().share().entrySet().stream().filter(x -> x.getValue() >= 0.05)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(x -> shares.append(shares.isEmpty() ? "" : ", ").append(x.getKey())
                            .append(String.format(Locale.ROOT, " %.0f%%", 100 * x.getValue())));
            System.out.printf(Locale.ROOT, "| %.2f | %.3f | %.1f%% | %.3f | %s |%n", p.operatingPoint(), p.result().accuracy(),
                    100 * cost(p.result()) / cost(s), e.random().get(i).result().accuracy(), shares);
        }
        System.out.println();
    }

    static double cost(Evaluation.Result r) {
        return r.avgCostUsd().doubleValue();
    }

    static String usd(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
