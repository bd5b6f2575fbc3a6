package dev.frugal.routing;

import dev.frugal.config.ModelTraits;

import java.util.function.ToLongFunction;

/**
 * What the planner reads of the world beyond the config, for one request: the pipeline answers from
 * the prices, the catalog and the backends' live state, so that {@code routing} stays pure and knows
 * none of them. Each method is called only for a candidate a filter or the strategy needs it for, on
 * the request's thread; none may do I/O.
 */
public interface Facts {
    /** No prices, nothing known of any model, every deployment available and none measured. */
    Facts NONE = price(a -> RoutePlanner.UNPRICED);

    /** The estimated cost of this request on the attempt's deployment in micro-USD, or {@link RoutePlanner#UNPRICED}. */
    long cost(Attempt a);

    /** What the attempt's model can do: capabilities, context window, prior quality. */
    default ModelTraits traits(Attempt a) {
        return ModelTraits.UNKNOWN;
    }

    /**
     * Why the deployment cannot be called now ({@code circuit_open}, {@code cooling_down}, {@code probe_down}),
     * or null when it can.
     */
    default String unavailable(Attempt a) {
        return null;
    }

    /** The moving average of the deployment's time to first token in milliseconds, or NaN before its first answer. */
    default double firstTokenMs(Attempt a) {
        return Double.NaN;
    }

    /** Facts that know only prices. */
    static Facts price(ToLongFunction<Attempt> price) {
        return price::applyAsLong;
    }
}
