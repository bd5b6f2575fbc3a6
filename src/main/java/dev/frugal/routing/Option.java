package dev.frugal.routing;

/**
 * What a {@link RoutingStrategy} orders: a deployment of a model ({@link Candidate}), or one of a
 * route's candidate models with its deployments. The scores are computed before the strategy runs.
 */
public interface Option {
    /** The share of traffic in a weighted draw (a deployment's or a route candidate's {@code weight}); 0 = only as a fallback. */
    int weight();

    /**
     * The estimated cost of the request in micro-USD (its estimated prompt tokens and its output limit, or
     * {@value dev.frugal.config.Defaults#ESTIMATED_OUTPUT_TOKENS} output tokens when it sets none),
     * {@link RoutePlanner#UNPRICED} when no price is known, or {@link RoutePlanner#UNSCORED} when nothing asked for it.
     */
    long costMicros();

    /** The predicted quality of the answer, 0..1, or NaN when nothing predicted it. */
    double quality();

    /** The moving average of time to first token in milliseconds, or NaN when not measured (or not asked for). */
    default double firstTokenMs() {
        return Double.NaN;
    }
}
