package dev.frugal.routing;

/**
 * What a {@link RoutingStrategy} orders: a deployment of a model ({@link Candidate}), or one of a
 * route's candidate models with its deployments. The scores are computed before the strategy runs.
 */
public interface Option {
    /** The share of traffic in a weighted draw (a deployment's {@code weight}); 0 = only as a fallback. */
    int weight();

    /**
     * The estimated cost of a nominal request in micro-USD, {@link RoutePlanner#UNPRICED} when none is
     * known, or {@link RoutePlanner#UNSCORED} when nothing asked for it.
     */
    long costMicros();

    /** The predicted quality of the answer, 0..1, or NaN when nothing predicted it. */
    double quality();
}
