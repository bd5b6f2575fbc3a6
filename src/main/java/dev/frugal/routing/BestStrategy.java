package dev.frugal.routing;

import dev.frugal.config.RouteConfig;
import dev.frugal.core.Money;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The best predicted quality within a cost cap ({@code objective: best}, {@code max-cost-usd} per request):
 * the options whose estimated cost is within the cap, best predicted first (ties cheapest first, no
 * prediction last), then those over it — or of unknown price, which is not known to be within — cheapest
 * first, so that when none fits, the least over the cap is tried. Without a cap, every option is within.
 */
public final class BestStrategy implements RoutingStrategy {
    /** Best predicted first, whatever it costs. */
    public static final BestStrategy INSTANCE = new BestStrategy(-1);

    private final long maxCostMicros;

    private BestStrategy(long maxCostMicros) {
        this.maxCostMicros = maxCostMicros;
    }

    /** The strategy of a {@code best} route capped at {@code maxCostMicros} per request; negative: no cap. */
    public static BestStrategy within(long maxCostMicros) {
        return maxCostMicros < 0 ? INSTANCE : new BestStrategy(maxCostMicros);
    }

    @Override
    public String name() {
        return "best";
    }

    @Override
    public String describe() {
        return maxCostMicros < 0 ? name() : name() + " max-cost-usd=" + Money.usdShort(maxCostMicros).toPlainString();
    }

    @Override
    public boolean readsCost() {
        return true;
    }

    @Override
    public boolean readsQuality() {
        return true;
    }

    @Override
    public RoutingStrategy forRoute(RouteConfig route) {
        return within(route.maxCostMicros());
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        if (options.size() < 2) return options;
        List<T> within = new ArrayList<>(options.size());
        List<T> over = new ArrayList<>(options.size());
        for (T o : options) {
            boolean fits = maxCostMicros < 0 || o.costMicros() >= 0 && o.costMicros() <= maxCostMicros;
            (fits ? within : over).add(o);
        }
        within.sort(CheapestStrategy.BY_QUALITY.thenComparing(CheapestStrategy.BY_COST));
        over.sort(CheapestStrategy.BY_COST);
        within.addAll(over);
        return within;
    }
}
