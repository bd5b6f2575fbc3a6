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
 * @param cascade       answer with the first candidate and escalate to the next when the answer fails a check
 *                      ({@code cascade}), or null: no cascade
 * @param shadow        a second policy decided on the same requests and recorded, never sent ({@code shadow}), or null
 */
public record RouteConfig(String name, List<String> candidates, Objective objective, long created, double minQuality,
                          long maxCostMicros, Map<String, Integer> weights, Map<String, Double> quality,
                          DataPolicy dataPolicy, JsonNode resilience, Cascade cascade, Shadow shadow) {

    /** A route with no objective settings (tests). */
    public RouteConfig(String name, List<String> candidates, Objective objective, long created) {
        this(name, candidates, objective, created, Double.NaN, -1, Map.of(), Map.of(), DataPolicy.ANY, null, null, null);
    }

    /** A route without cascade or shadow policy. */
    public RouteConfig(String name, List<String> candidates, Objective objective, long created, double minQuality,
                       long maxCostMicros, Map<String, Integer> weights, Map<String, Double> quality, DataPolicy dataPolicy) {
        this(name, candidates, objective, created, minQuality, maxCostMicros, weights, quality, dataPolicy, null, null, null);
    }

    /**
     * {@code cascade: true} or {@code cascade: {buffer-streams: true}} (docs/routing.md#cascades).
     *
     * @param bufferStreams a streamed request cascades too: each step but the last is buffered whole, checked,
     *                      then replayed to the client or escalated; without it streams are served without cascade
     */
    public record Cascade(boolean bufferStreams) {}

    /**
     * {@code shadow: {objective, min-quality, max-cost-usd}}: another objective over the same candidates, decided
     * for every request to the route and recorded in the ledger (the model it would have chosen, and what the
     * request would have cost there), without any upstream call.
     */
    public record Shadow(Objective objective, double minQuality, long maxCostMicros) {}

    /**
     * The route as its shadow policy sees it: the same candidates, weights and qualities with the shadow's objective
     * and settings — what {@code RoutingStrategy.forRoute} reads. Null without a shadow.
     */
    public RouteConfig asShadow() {
        if (shadow == null) return null;
        return new RouteConfig(name, candidates, shadow.objective(), created, shadow.minQuality(), shadow.maxCostMicros(),
                weights, quality, dataPolicy, null, null, null);
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
