package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.RequestView;
import dev.frugal.routing.Scorer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The quality each candidate of a route is predicted to give one request: what a {@code cheapest} route
 * with {@code min-quality} and a {@code best} route order by (docs/routing.md#predicted-quality). For now
 * the prior alone, the same for every request: the route's {@code quality} for the candidate, else the
 * model's {@code quality} in the config, else its catalog row's quality signal on 0..1
 * ({@link dev.frugal.catalog.QualityPrior}); NaN when none is known. The learned estimator (a route's
 * labelled examples nearest to the prompt) plugs in here, falling back to this prior for a route without
 * examples. Answers at once, on the caller's thread.
 */
@ApplicationScoped
class QualityScorer implements Scorer<QualityScorer.Request> {
    @Inject Pricing pricing;

    /** What the scorer reads of a request: the snapshot it is planned on, the request, and its route. */
    record Request(FrugalConfig config, RequestView view, String route) {}

    @Override
    public CompletionStage<double[]> score(Request request, List<String> models) {
        return CompletableFuture.completedFuture(prior(request.config(), request.route(), models));
    }

    /** The prior of each model, in order. */
    double[] prior(FrugalConfig config, String routeName, List<String> models) {
        RouteConfig route = routeName == null ? null : config.route(routeName);
        double[] q = new double[models.size()];
        for (int i = 0; i < q.length; i++) {
            String m = models.get(i);
            Double own = route == null ? null : route.quality().get(m);
            q[i] = own != null ? own : prior(config, config.model(m));
        }
        return q;
    }

    /** The model's own quality in the config, else the first of its deployments' catalog rows that has one; NaN if none. */
    private double prior(FrugalConfig config, ModelConfig model) {
        if (model == null) return Double.NaN;
        for (ModelConfig.Deployment d : model.deployments()) {
            double q = pricing.traits(config, model, d).quality();
            if (!Double.isNaN(q)) return q;
        }
        return Double.NaN;
    }
}
