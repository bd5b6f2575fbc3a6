package dev.frugal.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/** As configured: the first listed is tried first ({@code objective: ordered}, {@code strategy: ordered}). */
public final class OrderedStrategy implements RoutingStrategy {
    public static final OrderedStrategy INSTANCE = new OrderedStrategy();

    private OrderedStrategy() {}

    @Override
    public String name() {
        return "ordered";
    }

    @Override
    public <T extends Option> List<T> order(List<T> options, RandomGenerator random) {
        return options;
    }
}
