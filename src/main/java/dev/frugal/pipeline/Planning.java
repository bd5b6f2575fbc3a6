package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.ProviderRegistry;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.routing.RoutePlanner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The plan stage: the ordered deployments that may serve the request and the decision behind
 * them ({@link RoutePlanner}, over the providers that can do the operation; unpriced ones dropped
 * when the config rejects those). The request is metered since its authentication ({@link Gateway}).
 */
@ApplicationScoped
class Planning {
    /** A nominal request of 1 000 prompt and 1 000 completion tokens: what a {@code cheapest} route compares. */
    private static final Usage NOMINAL = new Usage(1_000, 1_000, 0, 0);

    @Inject ProviderRegistry providers;
    @Inject Pricing pricing;

    /** Throws 404 for a model or route the team may not call, 403 {@code model_unpriced} when no priced deployment is left. */
    Plan plan(Exchange ex, RequestView view) {
        Class<?> capability = switch (view.kind()) {
            case CHAT -> ChatCapable.class;
            case COMPLETIONS -> CompletionsCapable.class;
            case EMBEDDINGS -> EmbeddingCapable.class;
        };
        String operation = switch (view.kind()) {
            case CHAT -> "chat completions";
            case COMPLETIONS -> "text completions";
            case EMBEDDINGS -> "embeddings";
        };
        Plan plan = RoutePlanner.plan(ex.config, ex.team, view.model(), (ProviderConfig p) -> providers.supports(p, capability),
                operation, ThreadLocalRandom.current(), a -> nominalPrice(ex, a), pricing.rejectUnpriced(ex.config));
        ex.model = view.model();
        if (ex.config.route(ex.model) != null) ex.route = ex.model;
        ex.decision = plan.decision();
        if (plan.attempts().isEmpty()) throw GatewayError.modelUnpriced(ex.model); // all unpriced, and the config refuses those
        return plan;
    }

    /** The cost of {@link #NOMINAL} on an attempt's deployment in micro-USD, or {@link RoutePlanner#UNPRICED}. */
    private long nominalPrice(Exchange ex, Attempt a) {
        Price p = pricing.price(ex.config, ex.config.model(a.model()), a.deployment());
        return p == null ? RoutePlanner.UNPRICED : p.costMicros(NOMINAL);
    }
}
