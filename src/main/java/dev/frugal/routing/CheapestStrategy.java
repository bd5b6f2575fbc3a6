package dev.frugal.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Cheapest first by the estimated cost of a nominal request ({@code objective: cheapest}); options
 * without a price go after every priced one. Ties keep the configured order.
 */
public final class CheapestStrategy implements RoutingStrategy {
    public static final CheapestStrategy INSTANCE = new CheapestStrategy();

    /** Unpriced (and unscored) options sort as if they cost the most. */
    private static final Comparator<Option> BY_COST =
            Comparator.comparingLong(o -> o.costMicros() < 0 ? Long.MAX_VALUE : o.costMicros());

    private CheapestStrategy() {}

    @Override
    public String name() {
        return "cheapest";
    }

    @Override
    public boolean readsCost() {
        return true;
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        if (options.size() < 2) return options;
        List<T> sorted = new ArrayList<>(options);
        sorted.sort(BY_COST); // stable
        return sorted;
    }
}
