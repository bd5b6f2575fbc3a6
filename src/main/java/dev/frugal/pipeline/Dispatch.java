package dev.frugal.pipeline;

import dev.frugal.catalog.Pricing;
import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.RequestView;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.CompletionsCapable;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.EmbeddingCapable;
import dev.frugal.provider.Embeddings;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.provider.ProviderRegistry;
import dev.frugal.resilience.AttemptListener;
import dev.frugal.resilience.Backends;
import dev.frugal.resilience.Execution;
import dev.frugal.resilience.PlanExecutor;
import dev.frugal.resilience.RetryBudget;
import dev.frugal.resilience.VertxScheduler;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The execute stage: runs an admitted plan with {@link PlanExecutor} (fallback, retries, deadlines,
 * the client's departure), calling each deployment's adapter for the request's operation, and
 * turns what answered into an {@link Answer}: whole, vectors, or a stream past its first chunk. On a
 * cascade route, each answer but the last model's is checked first ({@link Cascades}).
 */
@Singleton
class Dispatch {
    @Inject ProviderRegistry providers;
    @Inject Backends backends;
    @Inject Vertx vertx;
    @Inject GatewayMetrics metrics;
    @Inject Pricing pricing;
    @Inject Cascades cascades;
    @Inject Traces traces;

    private final RetryBudget retryBudget = new RetryBudget(20);
    private PlanExecutor executor;

    /** The texts and options of an embeddings request, as validated (texts null for token arrays). */
    record EmbeddingInput(List<String> texts, Integer dimensions) {}

    @PostConstruct
    void init() {
        executor = new PlanExecutor(backends, new VertxScheduler(vertx), ThreadLocalRandom.current(), retryBudget,
                (attempt, outcome) -> metrics.attempt(attempt.provider().name(), attempt.model(), outcome.tag()));
    }

    Future<Answer> execute(Exchange ex, Plan plan, RequestView view, EmbeddingInput input) {
        if (view.kind() == RequestView.Kind.EMBEDDINGS) {
            return run(ex, plan, Execution.of(settings(ex), a -> ((EmbeddingCapable) providers.adapter(a.provider()))
                    .embed(new EmbeddingCall(ex.requestId, a.deployment(), input.texts(), view.body(), input.dimensions(),
                            traces.attempt(ex, a, "embeddings")))), false)
                    .map(o -> new Answer.Vectors(o.value().vectors(), o.value().usage(), origin(ex)));
        }
        Operation op = view.kind() == RequestView.Kind.CHAT ? Operation.CHAT : Operation.COMPLETIONS;
        if (view.stream()) {
            Function<Attempt, Future<ChunkStream>> stream = a -> {
                GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), view.body(), true, view.includeUsage(),
                        traces.attempt(ex, a, operation(op)));
                Object adapter = providers.adapter(a.provider());
                return op == Operation.CHAT ? ((ChatCapable) adapter).chatStream(call) : ((CompletionsCapable) adapter).completeStream(call);
            };
            Execution<ChunkStream> execution = Execution.of(settings(ex), stream);
            if (ex.cascading) execution = cascades.buffered(ex, plan, view, execution);
            return run(ex, plan, execution, true).map(o -> new AnswerStream(ex, o.value(), origin(ex)));
        }
        Execution<Completion> whole = Execution.of(settings(ex), a -> {
            GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), view.body(), false, false,
                    traces.attempt(ex, a, operation(op)));
            Object adapter = providers.adapter(a.provider());
            return op == Operation.CHAT ? ((ChatCapable) adapter).chat(call) : ((CompletionsCapable) adapter).complete(call);
        });
        if (ex.cascading) whole = cascades.whole(ex, view, whole);
        return run(ex, plan, whole, false).map(o -> new Answer.Whole(o.value().body(), o.value().usage(), origin(ex)));
    }

    private static Function<Attempt, ResilienceSettings> settings(Exchange ex) {
        return a -> ex.config.resilienceFor(a.route(), a.model(), a.provider().name());
    }

    /** Executes the plan; on success the exchange knows the attempt that answered, its price, its deadline and its slot. */
    private <T> Future<PlanExecutor.Outcome<T>> run(Exchange ex, Plan plan, Execution<T> execution, boolean streaming) {
        Execution<T> e = execution.listener(ex::attempted).until(ex.clientGone.future());
        if (ex.trace != null) e = traced(ex, e, streaming);
        return executor.execute(plan, e).andThen(ar -> {
            if (ar.succeeded()) {
                Attempt served = ar.result().attempt();
                ex.servedSetAside(ar.result().value());
                ex.attempts = ar.result().attempts();
                ex.served = served;
                ex.provider = served.provider().name();
                ex.price = pricing.price(ex.config, ex.config.model(served.model()), served.deployment());
                ex.deadlineNanos = ex.startNanos
                        + ex.config.resilienceFor(served.route(), served.model(), ex.provider).total().toNanos();
                Runnable gatewaySlot = ex.release;
                Runnable deploymentSlot = ar.result().release();
                ex.release = () -> { deploymentSlot.run(); gatewaySlot.run(); };
            } else if (ar.cause() instanceof PlanExecutor.AttemptsFailed f) {
                ex.attempts = f.attempts();
            }
        });
    }

    /** The execution with each attempt's outcome told to the request's trace (its span is started by the call itself). */
    private <T> Execution<T> traced(Exchange ex, Execution<T> execution, boolean streaming) {
        Function<Attempt, Future<T>> call = execution.call();
        AttemptListener told = execution.perRequest();
        return new Execution<>(execution.settings(), a -> {
                    Future<T> f = call.apply(a); // starts the attempt's span
                    io.opentelemetry.api.trace.Span span = traces.open(ex);
                    return f.andThen(ar -> traces.answered(ex, span, ar));
                },
                (a, outcome) -> {
                    told.onAttempt(a, outcome);
                    traces.attempted(ex, a, outcome, streaming);
                }, execution.clientGone(), execution.escalation());
    }

    /** {@code gen_ai.operation.name} of a generation. */
    private static String operation(Operation op) {
        return op == Operation.CHAT ? "chat" : "text_completion";
    }

    private static Answer.Origin origin(Exchange ex) {
        return new Answer.Upstream(ex.provider, ex.served.deployment().upstreamModel(), ex.attempts);
    }
}
