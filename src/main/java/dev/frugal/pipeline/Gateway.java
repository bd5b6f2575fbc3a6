package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.Usage;
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
import dev.frugal.resilience.Backends;
import dev.frugal.resilience.PlanExecutor;
import dev.frugal.resilience.RetryBudget;
import dev.frugal.resilience.VertxScheduler;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.routing.RoutePlanner;
import dev.frugal.telemetry.GatewayMetrics;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.TeamDirectory;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The one place that knows every step of a request, in order: authenticate → plan → execute
 * (with fallback) → settle (metrics). Non-blocking; called on the event loop.
 */
@ApplicationScoped
public class Gateway {
    @Inject ConfigHolder configs;
    @Inject ProviderRegistry providers;
    @Inject GatewayMetrics metrics;
    @Inject Backends backends;
    @Inject io.vertx.core.Vertx vertx;
    @Inject TeamDirectory teams;

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final RetryBudget retryBudget = new RetryBudget(20);
    private PlanExecutor executor;

    @jakarta.annotation.PostConstruct
    void init() {
        executor = new PlanExecutor(backends, new VertxScheduler(vertx), ThreadLocalRandom.current(), retryBudget,
                (attempt, outcome) -> metrics.attempt(attempt.provider().name(), attempt.model(), outcome.tag()));
    }

    /** Upstream requests in flight now, across the gateway. */
    public int inFlight() { return inFlight.get(); }

    /** Starts an exchange with the config snapshot in force now. */
    public Exchange begin(String endpoint, String requestId) {
        return new Exchange(requestId, endpoint, System.nanoTime(), configs.get());
    }

    /** Authenticates the caller; throws a 401 {@link dev.frugal.core.GatewayError}. */
    public void authenticate(Exchange ex, String authorization) {
        identify(ex, teams.authenticate(ex.config, authorization));
    }

    /** Authenticates a bare key (Anthropic's {@code x-api-key}); throws a 401 {@link dev.frugal.core.GatewayError}. */
    public void authenticateKey(Exchange ex, String key) {
        identify(ex, teams.authenticateKey(ex.config, key));
    }

    private static void identify(Exchange ex, Caller caller) {
        ex.caller = caller;
        ex.team = caller.team();
    }

    public Future<PlanExecutor.Outcome<Completion>> generate(Exchange ex, Operation op, String model, ObjectNode body) {
        Class<?> capability = op == Operation.CHAT ? ChatCapable.class : CompletionsCapable.class;
        return run(ex, model, capability, op == Operation.CHAT ? "chat completions" : "text completions", a -> {
            GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), body, false, false);
            Object adapter = providers.adapter(a.provider());
            return op == Operation.CHAT ? ((ChatCapable) adapter).chat(call) : ((CompletionsCapable) adapter).complete(call);
        });
    }

    public Future<PlanExecutor.Outcome<ChunkStream>> generateStream(Exchange ex, Operation op, String model, ObjectNode body,
                                                                    boolean clientWantsUsage) {
        Class<?> capability = op == Operation.CHAT ? ChatCapable.class : CompletionsCapable.class;
        return run(ex, model, capability, op == Operation.CHAT ? "chat completions" : "text completions", a -> {
            GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), body, true, clientWantsUsage);
            Object adapter = providers.adapter(a.provider());
            return op == Operation.CHAT ? ((ChatCapable) adapter).chatStream(call) : ((CompletionsCapable) adapter).completeStream(call);
        });
    }

    public Future<PlanExecutor.Outcome<Embeddings>> embed(Exchange ex, String model, List<String> texts, ObjectNode body,
                                                          Integer dimensions) {
        return run(ex, model, EmbeddingCapable.class, "embeddings", a ->
                ((EmbeddingCapable) providers.adapter(a.provider()))
                        .embed(new EmbeddingCall(ex.requestId, a.deployment(), texts, body, dimensions)));
    }

    /** The models this exchange's team may call, in config order. */
    public List<ModelConfig> models(Exchange ex) {
        return ex.config.models().values().stream().filter(m -> ex.team.mayUse(m.name())).toList();
    }

    private <T> Future<PlanExecutor.Outcome<T>> run(Exchange ex, String model, Class<?> capability, String operation,
                                                    Function<Attempt, Future<T>> call) {
        Plan plan = RoutePlanner.plan(ex.config, ex.team, model, (ProviderConfig p) -> providers.supports(p, capability),
                operation, ThreadLocalRandom.current());
        ex.model = model;
        int limit = ex.config.server().maxInFlight();
        if (inFlight.incrementAndGet() > limit && limit > 0) {
            inFlight.decrementAndGet();
            throw new dev.frugal.core.GatewayError(503, "service_unavailable_error", "overloaded", null,
                    "The gateway is at capacity; retry shortly.", 1);
        }
        ex.release = inFlight::decrementAndGet;
        return executor.execute(plan, a -> ex.config.resilienceFor(a.model(), a.provider().name()), call,
                dev.frugal.resilience.AttemptListener.NONE, ex.clientGone.future()).andThen(ar -> {
            if (ar.succeeded()) {
                ex.attempts = ar.result().attempts();
                ex.provider = ar.result().attempt().provider().name();
                ex.deadlineNanos = ex.startNanos + ex.config.resilienceFor(ex.model, ex.provider).total().toNanos();
                Runnable gatewaySlot = ex.release;
                Runnable deploymentSlot = ar.result().release();
                ex.release = () -> { deploymentSlot.run(); gatewaySlot.run(); };
            } else if (ar.cause() instanceof PlanExecutor.AttemptsFailed f) {
                ex.attempts = f.attempts();
            }
        });
    }

    /** Milliseconds left before the exchange's total deadline (at least 1). */
    public long millisLeft(Exchange ex) {
        return Math.max(1, (ex.deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /** The first chunk of a stream reached the client. */
    public void firstChunk(Exchange ex) {
        if (ex.firstChunkNanos != 0) return;
        ex.firstChunkNanos = System.nanoTime();
        metrics.timeToFirstToken(ex.model, Duration.ofNanos(ex.firstChunkNanos - ex.startNanos));
    }

    /** Settles a finished exchange once: frees its slots and records its outcome. */
    public void finish(Exchange ex, int status, Usage usage) {
        if (ex.finished) return;
        ex.finished = true;
        if (ex.release != null) ex.release.run();
        String team = ex.team == null ? "unauthenticated" : ex.team.name();
        String model = ex.config.models().containsKey(ex.model) ? ex.model : "unknown";
        metrics.request(ex.endpoint, team, model, ex.provider, status, Duration.ofNanos(System.nanoTime() - ex.startNanos),
                usage, ex.attempts);
    }
}
