package dev.frugal.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The shortest moving average of time to first token first ({@code objective: fastest}), from live
 * traffic. An option not measured yet goes first (in configured order), so that it is tried and measured:
 * the only exploration there is; a measured option is measured again each time it serves.
 */
public final class FastestStrategy implements RoutingStrategy {
    public static final FastestStrategy INSTANCE = new FastestStrategy();

    /** Not measured first, then the fastest. */
    private static final Comparator<Option> BY_SPEED =
            Comparator.comparingDouble(o -> Double.isNaN(o.firstTokenMs()) ? Double.NEGATIVE_INFINITY : o.firstTokenMs());

    private FastestStrategy() {}

    @Override
    public String name() {
        return "fastest";
    }

    @Override
    public boolean readsLatency() {
        return true;
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        if (options.size() < 2) return options;
        List<T> sorted = new ArrayList<>(options);
        sorted.sort(BY_SPEED); // stable: ties keep the configured order
        return sorted;
    }
}
