package dev.frugal.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A weighted draw without replacement ({@code strategy: weighted}): each pick is proportional to its
 * weight among those left, so the first choice spreads traffic and the rest are fallbacks; options of
 * weight 0 go last, in their configured order.
 */
public final class WeightedStrategy implements RoutingStrategy {
    public static final WeightedStrategy INSTANCE = new WeightedStrategy();

    private WeightedStrategy() {}

    @Override
    public String name() {
        return "weighted";
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        if (options.size() < 2) return options;
        List<T> pool = new ArrayList<>(options);
        List<T> out = new ArrayList<>(options.size());
        while (!pool.isEmpty()) {
            long total = 0;
            for (T o : pool) total += o.weight();
            if (total == 0) {
                out.addAll(pool);
                break;
            }
            long pick = random.nextLong(total);
            for (int i = 0; i < pool.size(); i++) {
                pick -= pool.get(i).weight();
                if (pick < 0) {
                    out.add(pool.remove(i));
                    break;
                }
            }
        }
        return out;
    }
}
