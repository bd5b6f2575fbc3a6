package dev.frugal.routing;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The strategies by configured name: a route's {@code objective} and a model's {@code strategy} are
 * looked up here, so a new objective is a new {@link RoutingStrategy}, not a new branch in the planner.
 * Immutable; {@link #with} gives a copy.
 */
public final class Strategies {
    /** {@code ordered}, {@code cheapest}, {@code best}, {@code fastest} and {@code weighted}. */
    public static final Strategies BUILT_IN = new Strategies(Map.of())
            .with(OrderedStrategy.INSTANCE).with(CheapestStrategy.INSTANCE).with(BestStrategy.INSTANCE)
            .with(FastestStrategy.INSTANCE).with(WeightedStrategy.INSTANCE);

    /** Keyed by the upper-case name, as the config's enum constants spell it, so a lookup allocates nothing. */
    private final Map<String, RoutingStrategy> byName;

    private Strategies(Map<String, RoutingStrategy> byName) {
        this.byName = byName;
    }

    /** A copy that also holds {@code strategy}, in place of any of the same name. */
    public Strategies with(RoutingStrategy strategy) {
        Map<String, RoutingStrategy> copy = new HashMap<>(byName);
        copy.put(strategy.name().toUpperCase(Locale.ROOT), strategy);
        return new Strategies(Map.copyOf(copy));
    }

    /**
     * The strategy of a configured objective or strategy ({@code RouteConfig.Objective}, {@code ModelConfig.Strategy}).
     *
     * @throws IllegalStateException when none is registered: the config accepted a name no strategy serves
     */
    public RoutingStrategy of(Enum<?> configured) {
        RoutingStrategy s = byName.get(configured.name());
        if (s == null) throw new IllegalStateException("no routing strategy for " + configured.name().toLowerCase(Locale.ROOT));
        return s;
    }
}
