package dev.frugal.routing;

import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Decides where a request may go: the deployments of the requested model that can serve the
 * operation, in the model's order or drawn by weight. Pure: no I/O; randomness is injected.
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
        ModelConfig model = config.model(modelName);
        if (model == null || !team.mayUse(modelName)) throw GatewayError.modelNotFound(modelName);
        List<Attempt> attempts = new ArrayList<>(model.deployments().size());
        for (ModelConfig.Deployment d : model.deployments()) {
            ProviderConfig p = config.provider(d.provider());
            if (p != null && capable.test(p)) attempts.add(new Attempt(modelName, d, p));
        }
        if (attempts.isEmpty()) {
            throw GatewayError.unsupported("The model `" + modelName + "` does not support " + operation + ".", "model");
        }
        if (model.strategy() == ModelConfig.Strategy.WEIGHTED && attempts.size() > 1) {
            return new Plan(weightedOrder(attempts, random), "weighted draw, others as fallback");
        }
        return new Plan(List.copyOf(attempts), "deployments in configured order");
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
