package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A virtual model from {@code routes[]}: clients call its name like a model's (or a {@link RuleConfig rule}
 * sends them to it), and the gateway tries its candidate models (each with its own deployments) in the
 * order its objective gives (docs/routing.md).
 *
 * @param candidates    configured model names, as listed
 * @param created       the {@code created} time shown by {@code /v1/models}
 * @param minQuality    {@code min-quality} of a {@code cheapest} route (0..1), or NaN when it reads no quality
 * @param maxCostMicros {@code max-cost-usd} of a {@code best} route in micro-USD per request, or -1 for no cap
 * @param weights       each candidate's share of a {@code weighted} route's traffic (absent: 1)
 * @param quality       per candidate, the prior of its answers' quality on this route (0..1), over the model's own
 * @param dataPolicy    where the route's requests may go ({@code data-policy})
 * @param resilience    the route's own {@code resilience} section as written, or null: compiled into
 *                      {@link ResilienceLayers}, kept only so the admin API can show the route as it was
 *                      given (never changed after compilation)
 */
public record RouteConfig(String name, List<String> candidates, Objective objective, long created, double minQuality,
                          long maxCostMicros, Map<String, Integer> weights, Map<String, Double> quality,
                          DataPolicy dataPolicy, JsonNode resilience) {

    /** A route with no objective settings (tests). */
    public RouteConfig(String name, List<String> candidates, Objective objective, long created) {
        this(name, candidates, objective, created, Double.NaN, -1, Map.of(), Map.of(), DataPolicy.ANY, null);
    }

    /** A candidate's share of a weighted route's traffic. */
    public int weight(String candidate) {
        return weights.getOrDefault(candidate, Defaults.WEIGHT);
    }

    /** How the candidates are ordered; the first is tried first, the others follow as fallbacks. */
    public enum Objective {
        /** As listed. */
        ORDERED,
        /**
         * By the estimated cost of the request, cheapest first, unpriced last; with {@code min-quality},
         * the cheapest whose predicted quality reaches it first, else the best predicted.
         */
        CHEAPEST,
        /** The best predicted quality within {@code max-cost-usd} per request. */
        BEST,
        /** The shortest moving average of time to first token; a candidate not yet measured is tried first. */
        FASTEST,
        /** A weighted draw (a traffic split, for A/B tests); the others follow as fallbacks. */
        WEIGHTED
    }
}
