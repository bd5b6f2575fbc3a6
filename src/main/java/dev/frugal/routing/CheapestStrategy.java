package dev.frugal.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Cheapest first by the estimated cost of a nominal request ({@code objective: cheapest}); options
 * without a price go after every priced one. Ties keep the configured order.
 *
 * <p>With a {@code min-quality} ({@link #withMinQuality}): the cheapest option whose predicted quality is
 * at least that, so the options that qualify come first, cheapest first; then the others, best predicted
 * first (an option with no prediction last, ties by cost). When none qualifies, the best predicted is
 * the choice. The offline evaluation of learned quality runs this same order
 * ({@code routing.quality.OfflineEvaluation}).
 */
public final class CheapestStrategy implements RoutingStrategy {
    public static final CheapestStrategy INSTANCE = new CheapestStrategy(Double.NaN);

    /** Unpriced (and unscored) options sort as if they cost the most. */
    private static final Comparator<Option> BY_COST =
            Comparator.comparingLong(o -> o.costMicros() < 0 ? Long.MAX_VALUE : o.costMicros());
    /** Best predicted first; no prediction (NaN) last. */
    private static final Comparator<Option> BY_QUALITY =
            Comparator.comparingDouble(o -> Double.isNaN(o.quality()) ? Double.POSITIVE_INFINITY : -o.quality());

    private final double minQuality;

    private CheapestStrategy(double minQuality) {
        this.minQuality = minQuality;
    }

    /**
     * The cheapest option predicted to be good enough.
     *
     * @param minQuality 0..1; NaN gives {@link #INSTANCE} (cost alone)
     */
    public static CheapestStrategy withMinQuality(double minQuality) {
        if (Double.isNaN(minQuality)) return INSTANCE;
        if (!(minQuality >= 0 && minQuality <= 1)) throw new IllegalArgumentException("min-quality must be 0..1: " + minQuality);
        return new CheapestStrategy(minQuality);
    }

    /** The {@code min-quality}, or NaN when the order reads cost alone. */
    public double minQuality() {
        return minQuality;
    }

    @Override
    public String name() {
        return "cheapest";
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
