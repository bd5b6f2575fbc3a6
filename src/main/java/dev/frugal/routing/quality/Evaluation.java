package dev.frugal.routing.quality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The cost/quality curve of a route on a labelled test set ({@link OfflineEvaluation}): one point per
 * operating point, and the baselines to read it against. Immutable.
 *
 * @param rows       the test set's size
 * @param points     one per operating point ({@code min-quality}), in the order swept
 * @param candidates each candidate alone, in the route's order
 * @param oracle     per prompt, the cheapest candidate with the best score (for 0/1 labels: the cheapest
 *                   that is right, else the cheapest)
 * @param random     for each of {@code points}, at the same average cost, a random mix of single candidates
 *                   (on the upper convex hull of their cost and accuracy; with two candidates, cheap and
 *                   strong), its expected accuracy
 */
public record Evaluation(int rows, List<Point> points, Map<String, Result> candidates, Result oracle, List<Point> random) {

    /**
     * What a router did on the test set.
     *
     * @param accuracy   the mean score of the answers chosen (for 0/1 labels, the share right)
     * @param avgCostUsd their mean cost per prompt, in USD (to the nano-dollar)
     * @param share      the share of prompts sent to each candidate, in the route's order
     */
    public record Result(double accuracy, BigDecimal avgCostUsd, Map<String, Double> share) {}

    /** A result at an operating point: for {@code cheapest}, the {@code min-quality} it was routed with. */
    public record Point(double operatingPoint, Result result) {}

    /**
     * The cheapest point whose accuracy is at least {@code accuracy}, or null when none reaches it (the
     * call-performance threshold: what it costs to reach a given accuracy).
     */
    public Point cheapestReaching(double accuracy) {
        Point best = null;
        for (Point p : points) {
            if (p.result().accuracy() >= accuracy
                    && (best == null || p.result().avgCostUsd().compareTo(best.result().avgCostUsd()) < 0)) {
                best = p;
            }
        }
        return best;
    }

    /**
     * {@code {"rows":…,"points":[{"operating_point":…,"accuracy":…,"avg_cost_usd":…,"share":{"<candidate>":…}}…],
     * "baselines":{"candidates":{"<candidate>":{"accuracy":…,"avg_cost_usd":…}},"oracle":{…,"share":{…}},
     * "random":[{"operating_point":…,…}…]}}}: accuracy and shares to six decimals.
     */
    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("rows", rows);
        root.set("points", points(points));
        ObjectNode baselines = root.putObject("baselines");
        ObjectNode each = baselines.putObject("candidates");
        candidates.forEach((model, r) -> {
            ObjectNode o = each.putObject(model);
            o.put("accuracy", round(r.accuracy()));
            o.set("avg_cost_usd", usd(r.avgCostUsd()));
        });
        baselines.set("oracle", result(Json.object(), oracle));
        baselines.set("random", points(random));
        return root;
    }

    private static ArrayNode points(List<Point> points) {
        ArrayNode out = Json.nodes().arrayNode(points.size());
        for (Point p : points) {
            ObjectNode o = out.addObject();
            o.put("operating_point", round(p.operatingPoint()));
            result(o, p.result());
        }
        return out;
    }

    private static ObjectNode result(ObjectNode o, Result r) {
        o.put("accuracy", round(r.accuracy()));
        o.set("avg_cost_usd", usd(r.avgCostUsd()));
        ObjectNode share = o.putObject("share");
        r.share().forEach((model, s) -> share.put(model, round(s)));
        return o;
    }

    /** Dollars without trailing zeros or an exponent: 0.00575, 2, 0.000000001. */
    private static DecimalNode usd(BigDecimal d) {
        BigDecimal plain = d.stripTrailingZeros();
        return DecimalNode.valueOf(plain.scale() < 0 ? plain.setScale(0) : plain);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
