package dev.frugal.routing;

import dev.frugal.config.RouteConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Cheapest first by the request's estimated cost ({@code objective: cheapest}); options without a price
 * go after every priced one. Ties keep the configured order.
 *
 * <p>With a minimum quality ({@code min-quality}): the options whose predicted quality reaches it, cheapest
 * first, then the others by predicted quality, best first (ties cheapest first, no prediction last). So the
 * choice is the cheapest option good enough, or — when none is — the best predicted, and the fallbacks keep
 * that order. This is the one place that decision is made: live routing and the offline evaluation of
 * operating points both reach it through {@link RoutePlanner#plan(Shortlist, double[], RandomGenerator)}.
 */
public final class CheapestStrategy implements RoutingStrategy {
    /** Cheapest first, no quality read. */
    public static final CheapestStrategy INSTANCE = new CheapestStrategy(Double.NaN);

    /** Unpriced (and unscored) options sort as if they cost the most. */
    static final Comparator<Option> BY_COST =
            Comparator.comparingLong(o -> o.costMicros() < 0 ? Long.MAX_VALUE : o.costMicros());
    /** Best predicted first, no prediction last. */
    static final Comparator<Option> BY_QUALITY =
            Comparator.comparingDouble(o -> Double.isNaN(o.quality()) ? Double.POSITIVE_INFINITY : -o.quality());

    private final double minQuality;

    private CheapestStrategy(double minQuality) {
        this.minQuality = minQuality;
    }

    /**
     * The strategy of a {@code cheapest} route with {@code min-quality} {@code q} (0..1); NaN reads no quality.
     *
     * @throws IllegalArgumentException when q is outside 0..1
     */
    public static CheapestStrategy withMinQuality(double q) {
        if (Double.isNaN(q)) return INSTANCE;
        if (q < 0 || q > 1) throw new IllegalArgumentException("min-quality must be within 0..1, got " + q);
        return new CheapestStrategy(q);
    }

    /** The minimum predicted quality, or NaN when none is set. */
    public double minQuality() {
        return minQuality;
    }

    @Override
    public String name() {
        return "cheapest";
    }

    @Override
    public String describe() {
        return Double.isNaN(minQuality) ? name() : name() + " min-quality=" + minQuality;
    }

    @Override
    public boolean readsCost() {
        return true;
    }

    @Override
    public boolean readsQuality() {
        return !Double.isNaN(minQuality);
    }

    @Override
    public RoutingStrategy forRoute(RouteConfig route) {
        return withMinQuality(route.minQuality());
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        if (options.size() < 2) return options;
        if (Double.isNaN(minQuality)) {
            List<T> sorted = new ArrayList<>(options);
            sorted.sort(BY_COST); // stable
            return sorted;
        }
        List<T> good = new ArrayList<>(options.size());
        List<T> rest = new ArrayList<>(options.size());
        for (T o : options) (o.quality() >= minQuality ? good : rest).add(o); // NaN never qualifies
        good.sort(BY_COST);
        rest.sort(BY_QUALITY.thenComparing(BY_COST));
        good.addAll(rest);
        return good;
    }
}
