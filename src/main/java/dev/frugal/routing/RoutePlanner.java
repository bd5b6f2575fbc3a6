package dev.frugal.routing;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Decides where a request may go: the deployments of the requested model that can serve the
 * operation, in the model's order or drawn by weight; for a route, those of each candidate model
 * in turn, in the order of the route's objective. Pure: no I/O; randomness and prices are injected.
 */
public final class RoutePlanner {
    private RoutePlanner() {}

    /**
     * @param capable which providers can serve the operation at hand
     * @throws GatewayError 404 when the model is unknown or not the team's (so names do not leak),
     *                      400 when no deployment can serve the operation
     */
    public static Plan plan(FrugalConfig config, TeamConfig team, String modelName, Predicate<ProviderConfig> capable,
                            String operation, RandomGenerator random) {
        return plan(config, team, modelName, capable, operation, random, a -> UNPRICED);
    }

    /** What a price function gives for a deployment with no price: such candidates go last. */
    public static final long UNPRICED = -1;

    /**
     * @param price a comparable price of one attempt's deployment (micro-USD of a nominal request), or
     *              {@link #UNPRICED}; read only for routes whose objective is {@code cheapest}
     */
    public static Plan plan(FrugalConfig config, TeamConfig team, String name, Predicate<ProviderConfig> capable,
                            String operation, RandomGenerator random, ToLongFunction<Attempt> price) {
        RouteConfig route = config.route(name);
        if (route != null) {
            if (!team.mayUse(name)) throw GatewayError.modelNotFound(name);
            return route(config, route, capable, operation, random, price);
        }
        ModelConfig model = config.model(name);
        if (model == null || !team.mayUse(name)) throw GatewayError.modelNotFound(name);
        List<Attempt> attempts = attempts(config, model, null, capable);
        if (attempts.isEmpty()) {
            throw GatewayError.unsupported("The model `" + name + "` does not support " + operation + ".", "model");
        }
        if (model.strategy() == ModelConfig.Strategy.WEIGHTED && attempts.size() > 1) {
            return new Plan(weightedOrder(attempts, random), "weighted draw, others as fallback");
        }
        return new Plan(List.copyOf(attempts), "deployments in configured order");
    }

    /**
     * A route's plan: its candidates that can serve the operation, each with its deployments in its
     * own order (or weighted draw), the candidates as listed or cheapest first. The team's model list
     * is not checked for the candidates: naming the route is what lets a team use it.
     */
    private static Plan route(FrugalConfig config, RouteConfig route, Predicate<ProviderConfig> capable, String operation,
                              RandomGenerator random, ToLongFunction<Attempt> price) {
        List<List<Attempt>> groups = new ArrayList<>(route.candidates().size());
        for (String candidate : route.candidates()) {
            ModelConfig model = config.model(candidate);
            if (model == null) continue;
            List<Attempt> attempts = attempts(config, model, route.name(), capable);
            if (attempts.isEmpty()) continue;
            groups.add(model.strategy() == ModelConfig.Strategy.WEIGHTED && attempts.size() > 1
                    ? weightedOrder(attempts, random) : attempts);
        }
        if (groups.isEmpty()) {
            throw GatewayError.unsupported("No model of the route `" + route.name() + "` supports " + operation + ".", "model");
        }
        StringBuilder reason = new StringBuilder("route ").append(route.name());
        if (route.objective() == RouteConfig.Objective.CHEAPEST) {
            long[] cheapest = new long[groups.size()];
            List<Integer> order = new ArrayList<>(groups.size());
            for (int i = 0; i < groups.size(); i++) {
                cheapest[i] = Long.MAX_VALUE; // unpriced: after every priced candidate
                for (Attempt a : groups.get(i)) {
                    long p = price.applyAsLong(a);
                    if (p >= 0) cheapest[i] = Math.min(cheapest[i], p);
                }
                order.add(i);
            }
            order.sort(Comparator.comparingLong(i -> cheapest[i])); // stable: ties keep the listed order
            List<List<Attempt>> sorted = new ArrayList<>(groups.size());
            reason.append(", cheapest first:");
            for (int i : order) {
                sorted.add(groups.get(i));
                reason.append(' ').append(groups.get(i).get(0).model())
                        .append(cheapest[i] == Long.MAX_VALUE ? " (unpriced)" : " (" + cheapest[i] + " µUSD)");
            }
            groups = sorted;
        } else {
            reason.append(", candidates as listed:");
            for (List<Attempt> g : groups) reason.append(' ').append(g.get(0).model());
        }
        List<Attempt> all = new ArrayList<>();
        for (List<Attempt> g : groups) all.addAll(g);
        return new Plan(List.copyOf(all), reason.toString());
    }

    private static List<Attempt> attempts(FrugalConfig config, ModelConfig model, String route, Predicate<ProviderConfig> capable) {
        List<Attempt> attempts = new ArrayList<>(model.deployments().size());
        for (ModelConfig.Deployment d : model.deployments()) {
            ProviderConfig p = config.provider(d.provider());
            if (p != null && capable.test(p)) attempts.add(new Attempt(model.name(), d, p, route));
        }
        return attempts;
    }

    /** Draws the order without replacement, each pick proportional to weight; weight 0 goes last. */
    static List<Attempt> weightedOrder(List<Attempt> attempts, RandomGenerator random) {
        List<Attempt> pool = new ArrayList<>(attempts);
        List<Attempt> out = new ArrayList<>(attempts.size());
        while (!pool.isEmpty()) {
            long total = 0;
            for (Attempt a : pool) total += a.deployment().weight();
            if (total == 0) {
                out.addAll(pool);
                break;
            }
            long pick = random.nextLong(total);
            for (int i = 0; i < pool.size(); i++) {
                pick -= pool.get(i).deployment().weight();
                if (pick < 0) {
                    out.add(pool.remove(i));
                    break;
                }
            }
        }
        return List.copyOf(out);
    }
}
