package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.config.Defaults;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelTraits;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.Price;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.ProviderRegistry;
import dev.frugal.resilience.BackendState;
import dev.frugal.resilience.Backends;
import dev.frugal.routing.Ask;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Facts;
import dev.frugal.routing.Plan;
import dev.frugal.routing.RoutePlanner;
import dev.frugal.routing.Shortlist;
import dev.frugal.routing.Strategies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The plan stage: the ordered deployments that may serve the request and the decision behind them
 * ({@link RoutePlanner}: the rules, the filters, the route's objective), over the providers that can do
 * the operation, with the request's estimated cost on each deployment, what the config and catalog say
 * of each model, and the backends' state now ({@link Facts}, all from memory); then, for an objective that
 * reads predicted quality, the {@link QualityScorer}. The same code plans live requests and explains them
 * ({@link RoutingExplain}). The request is metered since its authentication ({@link Gateway}).
 */
@Singleton
class Planning {
    @Inject ProviderRegistry providers;
    @Inject Pricing pricing;
    @Inject Backends backends;
    @Inject QualityScorer quality;

    /**
     * Plans a request; the exchange then knows its model or route and its decision — a refused one too.
     * Fails (or throws) with 404 for a model or route the team may not call, and with the shortlist's
     * refusal when no deployment is left (400, 403 {@code model_unpriced}, {@code data_policy}, 503…).
     *
     * @param explain score every candidate kept (cost, speed, predicted quality), whatever the objective reads
     */
    Future<Plan> plan(Exchange ex, RequestView view, boolean explain) {
        ex.model = view.model(); // until a rule says otherwise; metrics tag names the config does not know as unknown
        Shortlist s = RoutePlanner.shortlist(ex.config, ask(ex, view, explain), new RequestFacts(ex.config, view),
                Strategies.BUILT_IN);
        ex.model = s.route() != null ? s.route() : s.requested();
        ex.route = s.route();
        if (s.isEmpty()) {
            ex.decision = RoutePlanner.plan(s, null, ThreadLocalRandom.current()).decision();
            throw s.refusal();
        }
        QualityScorer.Request scored = new QualityScorer.Request(ex.config, view, s.route(), ex);
        CompletionStage<Plan> planned = RoutePlanner.plan(s, scored, quality, callersLoop(), ThreadLocalRandom.current());
        CompletableFuture<Plan> now = planned.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) return Future.succeededFuture(recorded(ex, now.join()));
        return Future.fromCompletionStage(planned).map(plan -> recorded(ex, plan));
    }

    private static Plan recorded(Exchange ex, Plan plan) {
        ex.decision = plan.decision();
        ex.shadow = plan.shadow();
        return plan;
    }

    private Ask ask(Exchange ex, RequestView view, boolean explain) {
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
        return new Ask(view.model(), ex.team, ex.caller == null ? null : ex.caller.keyId(), ex.routeHeader, view, operation,
                (ProviderConfig p) -> providers.supports(p, capability), explain);
    }

    /** Where a decision waits for its scores: the calling event loop, else (a worker, a test) the thread that completes them. */
    private static Executor callersLoop() {
        Context context = Vertx.currentContext();
        return context == null ? Runnable::run : task -> context.runOnContext(v -> task.run());
    }

    /**
     * The tokens a request is estimated at, to compare its cost across deployments: its estimated prompt and
     * its output limit, or {@value Defaults#ESTIMATED_OUTPUT_TOKENS} output tokens when it sets none (none for embeddings).
     */
    static Usage estimate(RequestView view) {
        long out = view.kind() == RequestView.Kind.EMBEDDINGS ? 0
                : view.outputLimit() >= 0 ? view.outputLimit() : Defaults.ESTIMATED_OUTPUT_TOKENS;
        return new Usage(view.promptTokens(), out, 0, 0);
    }

    /** One request's {@link Facts}: prices, the config and catalog's traits, the backends' state; memory only. */
    private final class RequestFacts implements Facts {
        private final FrugalConfig config;
        private final Usage estimate;

        RequestFacts(FrugalConfig config, RequestView view) {
            this.config = config;
            this.estimate = estimate(view);
        }

        @Override
        public long cost(Attempt a) {
            Price p = pricing.price(config, config.model(a.model()), a.deployment());
            return p == null ? RoutePlanner.UNPRICED : p.costMicros(estimate);
        }

        @Override
        public ModelTraits traits(Attempt a) {
            return pricing.traits(config, config.model(a.model()), a.deployment());
        }

        @Override
        public String unavailable(Attempt a) {
            return backends.unavailable(a, config.resilienceFor(a.route(), a.model(), a.provider().name()));
        }

        @Override
        public double firstTokenMs(Attempt a) {
            BackendState b = backends.peek(a);
            return b == null || b.latencyEwmaMs() < 0 ? Double.NaN : b.latencyEwmaMs();
        }
    }
}
