package dev.frugal.routing.quality;

import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.Plan;
import dev.frugal.routing.RoutePlanner;
import dev.frugal.routing.Shortlist;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Replays a labelled test set through a route's decision, without calling any upstream, for the
 * {@code cheapest} objective: at each operating point ({@code min-quality}), each test prompt goes where
 * live routing would send it — the estimator's predictions for the prompt, then
 * {@link RoutePlanner#plan(Shortlist, double[], RandomGenerator)} with {@link CheapestStrategy#withMinQuality}
 * (the cheapest candidate predicted at least that good; if none is, the best predicted). The choices are
 * made from the prompts' features and the route's prices alone; the test set's scores and costs are
 * read only afterwards, to score the choices. Pure.
 */
public final class OfflineEvaluation {
    private OfflineEvaluation() {}

    /** A plain sweep: {@code min-quality} 0.00, 0.01, …, 1.00. */
    public static double[] defaultPoints() {
        double[] points = new double[101];
        for (int i = 0; i <= 100; i++) points[i] = i / 100.0;
        return points;
    }

    /**
     * The sweep {@link #evaluate} uses when given none: 0.00, 0.05, …, 1.00, plus each percentile (1st to
     * 99th) of every quality predicted for the test prompts, to three decimals, so that the points are
     * dense where the decisions change. Reads predictions only.
     */
    static double[] sweep(double[][] predicted) {
        int n = 0;
        for (double[] q : predicted) for (double v : q) if (!Double.isNaN(v)) n++;
        double[] all = new double[n];
        int i = 0;
        for (double[] q : predicted) for (double v : q) if (!Double.isNaN(v)) all[i++] = v;
        Arrays.sort(all);
        TreeSet<Double> points = new TreeSet<>();
        for (int g = 0; g <= 20; g++) points.add(g / 20.0);
        for (int pct = 1; n > 0 && pct < 100; pct++) {
            double v = all[(int) Math.min(n - 1, (long) pct * n / 100)];
            points.add(Math.min(1, Math.max(0, Math.round(v * 1000) / 1000.0)));
        }
        double[] out = new double[points.size()];
        i = 0;
        for (double p : points) out[i++] = p;
        return out;
    }

    /**
     * @param route      the route's candidates and the costs it orders them by (a live request's
     *                   {@link RoutePlanner#shortlist}, or {@link Shortlist#offline}); its objective is replaced
     *                   by {@code cheapest} at each operating point
     * @param estimator  predicts the quality of the route's models ({@link QualityEstimator})
     * @param test       the labelled test set; every model of the route must be one of its candidates
     * @param prompts    the features of each test row's prompt (its embedding, its size)
     * @param costNanos  what each test row's answer cost per candidate of {@code test}, rows × candidates
     *                   ({@link OutcomeTable#costsNanos})
     * @param points     the {@code min-quality} values to sweep, each 0..1, or null for {@link #sweep}'s
     * @param random     for the draws of a model's {@code weighted} deployments (never read for the choice
     *                   between models)
     * @throws IllegalArgumentException when a route model is not in the test set, or the counts differ
     */
    public static Evaluation evaluate(Shortlist route, QualityPredictor estimator, OutcomeTable test,
                                      List<PromptFeatures> prompts, long[] costNanos, double[] points, RandomGenerator random) {
        List<String> models = route.models();
        int rows = test.size();
        if (prompts.size() != rows) throw new IllegalArgumentException(prompts.size() + " prompts' features for " + rows + " rows");
        if (costNanos.length != rows * test.candidates().size()) throw new IllegalArgumentException("costs do not match the table");
        if (models.isEmpty() || rows == 0) throw new IllegalArgumentException("nothing to evaluate");
        int[] column = columns(models, test.candidates());

        double[][] predicted = predict(estimator, prompts, models);
        if (points == null) points = sweep(predicted);
        int[][] choices = choices(route, predicted, points, random); // decided before any label is read

        Scoring s = new Scoring(models, column, test, costNanos);
        List<Evaluation.Point> curve = new ArrayList<>(points.length);
        for (int p = 0; p < points.length; p++) curve.add(new Evaluation.Point(points[p], s.result(choices[p])));
        Map<String, Evaluation.Result> single = new LinkedHashMap<>();
        int[] same = new int[rows];
        for (int m = 0; m < models.size(); m++) {
            Arrays.fill(same, m);
            single.put(models.get(m), s.result(same));
        }
        List<Evaluation.Point> mixes = new ArrayList<>(points.length);
        List<Integer> hull = hull(models, single);
        for (Evaluation.Point p : curve) mixes.add(new Evaluation.Point(p.operatingPoint(), mix(models, single, hull, p.result())));
        return new Evaluation(rows, List.copyOf(curve), Collections.unmodifiableMap(single), s.result(s.oracle()), List.copyOf(mixes));
    }

    /** Each test prompt's predicted qualities, in the order of the route's models. */
    static double[][] predict(QualityPredictor estimator, List<PromptFeatures> prompts, List<String> models) {
        double[][] predicted = new double[prompts.size()][];
        for (int r = 0; r < predicted.length; r++) predicted[r] = estimator.estimate(prompts.get(r), models);
        return predicted;
    }

    /**
     * For each operating point and test row, the index (into the route's models) of the model live
     * routing would choose. Reads the predictions only.
     */
    static int[][] choices(Shortlist route, double[][] predicted, double[] points, RandomGenerator random) {
        List<String> models = route.models();
        Map<String, Integer> index = new HashMap<>();
        for (int m = 0; m < models.size(); m++) index.put(models.get(m), m);
        int[][] out = new int[points.length][predicted.length];
        for (int p = 0; p < points.length; p++) {
            Shortlist at = route.with(CheapestStrategy.withMinQuality(points[p]));
            for (int r = 0; r < predicted.length; r++) {
                Plan plan = RoutePlanner.plan(at, predicted[r], random);
                out[p][r] = index.get(plan.attempts().get(0).model());
            }
        }
        return out;
    }

    private static int[] columns(List<String> models, List<String> candidates) {
        int[] column = new int[models.size()];
        for (int m = 0; m < models.size(); m++) {
            column[m] = candidates.indexOf(models.get(m));
            if (column[m] < 0) throw new IllegalArgumentException("the test set has no outcomes for " + models.get(m));
        }
        return column;
    }

    /** The single candidates on the upper convex hull of (average cost, accuracy), cheapest first, up to the most accurate. */
    static List<Integer> hull(List<String> models, Map<String, Evaluation.Result> single) {
        List<Integer> order = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) order.add(m);
        order.sort((a, b) -> {
            int byCost = cost(single, models, a).compareTo(cost(single, models, b));
            return byCost != 0 ? byCost : Double.compare(acc(single, models, b), acc(single, models, a));
        });
        List<Integer> hull = new ArrayList<>();
        for (int m : order) {
            if (!hull.isEmpty() && acc(single, models, m) <= acc(single, models, hull.get(hull.size() - 1))) continue; // dearer, no better
            while (hull.size() >= 2 && !turnsDown(single, models, hull.get(hull.size() - 2), hull.get(hull.size() - 1), m)) {
                hull.remove(hull.size() - 1);
            }
            hull.add(m);
        }
        return hull;
    }

    /** Whether b lies above the segment from a to c (the chain stays concave with b in it). */
    private static boolean turnsDown(Map<String, Evaluation.Result> single, List<String> models, int a, int b, int c) {
        double ax = cost(single, models, a).doubleValue(), bx = cost(single, models, b).doubleValue();
        double cx = cost(single, models, c).doubleValue();
        double ay = acc(single, models, a), by = acc(single, models, b), cy = acc(single, models, c);
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) < 0;
    }

    /** A random mix of two neighbouring hull candidates whose expected cost is the point's (clamped to the hull's ends). */
    private static Evaluation.Result mix(List<String> models, Map<String, Evaluation.Result> single, List<Integer> hull,
                                         Evaluation.Result at) {
        Map<String, Double> share = new LinkedHashMap<>();
        for (String m : models) share.put(m, 0.0);
        BigDecimal cost = at.avgCostUsd();
        int first = hull.get(0), last = hull.get(hull.size() - 1);
        if (cost.compareTo(cost(single, models, first)) <= 0 || hull.size() == 1) {
            int only = cost.compareTo(cost(single, models, first)) <= 0 ? first : last;
            share.put(models.get(only), 1.0);
            return new Evaluation.Result(acc(single, models, only), cost(single, models, only), share);
        }
        if (cost.compareTo(cost(single, models, last)) >= 0) {
            share.put(models.get(last), 1.0);
            return new Evaluation.Result(acc(single, models, last), cost(single, models, last), share);
        }
        int i = 1;
        while (cost(single, models, hull.get(i)).compareTo(cost) < 0) i++;
        int lo = hull.get(i - 1), hi = hull.get(i);
        double c0 = cost(single, models, lo).doubleValue(), c1 = cost(single, models, hi).doubleValue();
        double t = (cost.doubleValue() - c0) / (c1 - c0);
        share.put(models.get(lo), 1 - t);
        share.put(models.get(hi), t);
        return new Evaluation.Result((1 - t) * acc(single, models, lo) + t * acc(single, models, hi), cost, share);
    }

    private static BigDecimal cost(Map<String, Evaluation.Result> single, List<String> models, int m) {
        return single.get(models.get(m)).avgCostUsd();
    }

    private static double acc(Map<String, Evaluation.Result> single, List<String> models, int m) {
        return single.get(models.get(m)).accuracy();
    }

    /** Reads the test set's scores and costs to score a set of choices. */
    private static final class Scoring {
        private final List<String> models;
        private final int[] column;
        private final OutcomeTable test;
        private final long[] costNanos;
        private final int k;

        Scoring(List<String> models, int[] column, OutcomeTable test, long[] costNanos) {
            this.models = models;
            this.column = column;
            this.test = test;
            this.costNanos = costNanos;
            this.k = test.candidates().size();
        }

        /** The result of sending row r to model {@code choice[r]}. */
        Evaluation.Result result(int[] choice) {
            double score = 0;
            long nanos = 0;
            int[] count = new int[models.size()];
            for (int r = 0; r < choice.length; r++) {
                score += test.score(r, column[choice[r]]);
                nanos = Math.addExact(nanos, costNanos[r * k + column[choice[r]]]);
                count[choice[r]]++;
            }
            Map<String, Double> share = new LinkedHashMap<>();
            for (int m = 0; m < models.size(); m++) share.put(models.get(m), count[m] / (double) choice.length);
            BigDecimal avg = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(choice.length), 0, RoundingMode.HALF_UP)
                    .movePointLeft(9);
            return new Evaluation.Result(score / choice.length, avg, share);
        }

        /** Per row, the best-scoring model, the cheapest of those on a tie (reads the labels: a baseline, not a router). */
        int[] oracle() {
            int[] out = new int[test.size()];
            for (int r = 0; r < out.length; r++) {
                int best = 0;
                for (int m = 1; m < models.size(); m++) {
                    double s = test.score(r, column[m]), b = test.score(r, column[best]);
                    if (s > b || s == b && costNanos[r * k + column[m]] < costNanos[r * k + column[best]]) best = m;
                }
                out[r] = best;
            }
            return out;
        }
    }
}
