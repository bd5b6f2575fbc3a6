package dev.frugal.routing;

import dev.frugal.config.RouteConfig;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How options are ordered: the first is tried first, the others are fallbacks in turn. One instance
 * per configured name (a route's {@code objective}, a model's {@code strategy}), found in {@link Strategies}.
 * Pure and stateless: it reads only the scores already on the options, so that anything slow (an
 * embedding, a model) runs before it, in the {@link Scorer}.
 */
public interface RoutingStrategy {
    /** The configured name it serves, e.g. {@code cheapest}. */
    String name();

    /** Whether {@link #order} reads {@link Option#costMicros()}: the planner prices candidates only then. */
    default boolean readsCost() {
        return false;
    }

    /** Whether {@link #order} reads {@link Option#quality()}: the pipeline runs the {@link Scorer} only then. */
    default boolean readsQuality() {
        return false;
    }

    /** Whether {@link #order} reads {@link Option#firstTokenMs()}: the planner looks the measurements up only then. */
    default boolean readsLatency() {
        return false;
    }

    /**
     * This strategy with a route's settings of it ({@code min-quality}, {@code max-cost-usd}); itself when
     * it has none.
     */
    default RoutingStrategy forRoute(RouteConfig route) {
        return this;
    }

    /** The name with the settings in force, as the decision shows it, e.g. {@code cheapest min-quality=0.7}. */
    default String describe() {
        return name();
    }

    /**
     * The options, first choice first. Never changes {@code options}; may return it as is.
     *
     * @param random for draws; not called when there is nothing to draw between
     */
    <T extends Option> List<T> order(List<T> options, RandomGenerator random);
}
