package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.catalog.Pricing;
import dev.frugal.catalog.TokenCounter;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.core.Usage;
import dev.frugal.ledger.Ledger;
import dev.frugal.ledger.LedgerRow;
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
import dev.frugal.tenancy.Quotas;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The one place that knows every step of a request, in order: authenticate → plan → admit (rate
 * limits, budget reservation of the worst case) → execute (with fallback) → settle (the actual cost
 * against the budget, one ledger row, metrics). Non-blocking; called on the event loop.
 */
@ApplicationScoped
public class Gateway {
    @Inject ConfigHolder configs;
    @Inject ProviderRegistry providers;
    @Inject GatewayMetrics metrics;
    @Inject Backends backends;
    @Inject io.vertx.core.Vertx vertx;
    @Inject TeamDirectory teams;
    @Inject Pricing pricing;
    @Inject TokenCounter tokens;
    @Inject Quotas quotas;
    @Inject Ledger ledger;

    /** Relayed chunk JSON up to this size is counted on the event loop (same task as the response, so the row is
     *  recorded before a shutdown's final ledger flush); longer streams are counted on a worker. */
    private static final int COUNT_ON_LOOP_CHARS = 16 * 1024;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.shutdown.delay")
    java.util.Optional<Duration> shutdownDelay;
    private volatile boolean refusing;
    private volatile long refuseFromNanos;

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final RetryBudget retryBudget = new RetryBudget(20);
    private PlanExecutor executor;

    @jakarta.annotation.PostConstruct
    void init() {
        executor = new PlanExecutor(backends, new VertxScheduler(vertx), ThreadLocalRandom.current(), retryBudget,
                (attempt, outcome) -> metrics.attempt(attempt.provider().name(), attempt.model(), outcome.tag()));
    }

    private void refuseIfShuttingDown() {
        if (refusing && System.nanoTime() - refuseFromNanos >= 0) {
            throw new GatewayError(503, "service_unavailable_error", "shutting_down", null,
                    "This gateway instance is shutting down; retry on another.", 1);
        }
    }

    /** Upstream requests in flight now, across the gateway. */
    public int inFlight() { return inFlight.get(); }

    /** Starts an exchange with the config snapshot in force now. */
    public Exchange begin(String endpoint, String requestId) {
        return new Exchange(requestId, endpoint, System.nanoTime(), System.currentTimeMillis(), configs.get());
    }

    /**
     * On SIGTERM, Quarkus first waits {@code quarkus.shutdown.delay} with readiness DOWN (load
     * balancers stop sending), then waits for running requests. From the end of that delay on, new
     * requests are refused (503 {@code shutting_down}), so that the running ones can drain: Quarkus's
     * HTTP layer alone would keep accepting them.
     */
    void shutdownBegins(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        refuseFromNanos = System.nanoTime() + shutdownDelay.map(Duration::toNanos).orElse(0L);
        refusing = true;
    }

    /** Authenticates the caller; throws a 401 {@link dev.frugal.core.GatewayError}. */
    public void authenticate(Exchange ex, String authorization) {
        refuseIfShuttingDown();
        identify(ex, teams.authenticate(ex.config, authorization));
    }

    /** Authenticates a bare key (Anthropic's {@code x-api-key}); throws a 401 {@link dev.frugal.core.GatewayError}. */
    public void authenticateKey(Exchange ex, String key) {
        refuseIfShuttingDown();
        identify(ex, teams.authenticateKey(ex.config, key));
    }

    private static void identify(Exchange ex, Caller caller) {
        ex.caller = caller;
        ex.team = caller.team();
    }

    public Future<PlanExecutor.Outcome<Completion>> generate(Exchange ex, Operation op, String model, ObjectNode body) {
        Class<?> capability = op == Operation.CHAT ? ChatCapable.class : CompletionsCapable.class;
        return run(ex, model, capability, op == Operation.CHAT ? "chat completions" : "text completions", body, false, a -> {
            GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), body, false, false);
            Object adapter = providers.adapter(a.provider());
            return op == Operation.CHAT ? ((ChatCapable) adapter).chat(call) : ((CompletionsCapable) adapter).complete(call);
        });
    }

    public Future<PlanExecutor.Outcome<ChunkStream>> generateStream(Exchange ex, Operation op, String model, ObjectNode body,
                                                                    boolean clientWantsUsage) {
        Class<?> capability = op == Operation.CHAT ? ChatCapable.class : CompletionsCapable.class;
        ex.streamed = true;
        ex.relayed = new RelayedText();
        return run(ex, model, capability, op == Operation.CHAT ? "chat completions" : "text completions", body, false, a -> {
            GenerationCall call = new GenerationCall(ex.requestId, op, a.deployment(), body, true, clientWantsUsage);
            Object adapter = providers.adapter(a.provider());
            return op == Operation.CHAT ? ((ChatCapable) adapter).chatStream(call) : ((CompletionsCapable) adapter).completeStream(call);
        });
    }

    public Future<PlanExecutor.Outcome<Embeddings>> embed(Exchange ex, String model, List<String> texts, ObjectNode body,
                                                          Integer dimensions) {
        return run(ex, model, EmbeddingCapable.class, "embeddings", body, true, a ->
                ((EmbeddingCapable) providers.adapter(a.provider()))
                        .embed(new EmbeddingCall(ex.requestId, a.deployment(), texts, body, dimensions)));
    }

    /** The models this exchange's team may call, in config order. */
    public List<ModelConfig> models(Exchange ex) {
        return ex.config.models().values().stream().filter(m -> ex.team.mayUse(m.name())).toList();
    }

    /** The routes this exchange's team may call (its model list is empty or names them), in config order. */
    public List<RouteConfig> routes(Exchange ex) {
        return ex.config.routes().values().stream().filter(r -> ex.team.mayUse(r.name())).toList();
    }

    /**
     * Plans, admits and executes one metered request. Admission reserves the worst case over the
     * plan: the estimated prompt plus the most output any candidate may produce, at the highest price.
     *
     * @param body the client's request, for the token estimate
     */
    private <T> Future<PlanExecutor.Outcome<T>> run(Exchange ex, String model, Class<?> capability, String operation,
                                                    ObjectNode body, boolean embeddings, Function<Attempt, Future<T>> call) {
        Plan plan = RoutePlanner.plan(ex.config, ex.team, model, (ProviderConfig p) -> providers.supports(p, capability),
                operation, ThreadLocalRandom.current(), a -> nominalPrice(ex, a));
        ex.model = model;
        if (ex.config.route(model) != null) ex.route = model;
        ex.metered = true;
        plan = priced(ex, plan);
        long[] worst = worstCase(ex, plan, body, embeddings);
        int limit = ex.config.server().maxInFlight();
        if (inFlight.incrementAndGet() > limit && limit > 0) {
            inFlight.decrementAndGet();
            throw new GatewayError(503, "service_unavailable_error", "overloaded", null,
                    "The gateway is at capacity; retry shortly.", 1);
        }
        ex.release = inFlight::decrementAndGet;
        Plan admitted = plan;
        return quotas.admit(ex.caller, worst[0], worst[1]).compose(ticket -> {
            ex.ticket = ticket;
            return executor.execute(admitted, dev.frugal.resilience.Execution.of(
                    (Attempt a) -> ex.config.resilienceFor(a.route(), a.model(), a.provider().name()), call)
                    .listener(ex::attempted).until(ex.clientGone.future()));
        }).andThen(ar -> {
            if (ar.succeeded()) {
                Attempt served = ar.result().attempt();
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

    /** A nominal request of 1 000 prompt and 1 000 completion tokens: what a {@code cheapest} route compares. */
    private static final Usage NOMINAL = new Usage(1_000, 1_000, 0, 0);

    /** The cost of {@link #NOMINAL} on an attempt's deployment in micro-USD, or {@link RoutePlanner#UNPRICED}. */
    private long nominalPrice(Exchange ex, Attempt a) {
        Price p = pricing.price(ex.config, ex.config.model(a.model()), a.deployment());
        return p == null ? RoutePlanner.UNPRICED : p.costMicros(NOMINAL);
    }

    /** The plan without unpriced deployments when the config rejects those; 403 {@code model_unpriced} if none is left. */
    private Plan priced(Exchange ex, Plan plan) {
        if (!pricing.rejectUnpriced(ex.config)) return plan;
        List<Attempt> kept = new ArrayList<>(plan.attempts().size());
        for (Attempt a : plan.attempts()) {
            if (pricing.price(ex.config, ex.config.model(a.model()), a.deployment()) != null) kept.add(a);
        }
        if (kept.isEmpty()) throw GatewayError.modelUnpriced(ex.model);
        return kept.size() == plan.attempts().size() ? plan : new Plan(List.copyOf(kept), plan.reason());
    }

    /** {tokens, micro-USD}: the most a request may use over its plan (prompt estimate + output limit). */
    private long[] worstCase(Exchange ex, Plan plan, ObjectNode body, boolean embeddings) {
        long prompt = tokens.promptTokens(plan.attempts().get(0).deployment().upstreamModel(), body);
        long asked = embeddings ? 0 : tokens.maxTokens(body);
        long worstTokens = prompt, worstMicros = 0;
        for (Attempt a : plan.attempts()) {
            ModelConfig m = ex.config.model(a.model());
            long out = asked >= 0 ? asked : pricing.maxOutputTokens(ex.config, m, a.deployment());
            worstTokens = Math.max(worstTokens, prompt + out);
            Price p = pricing.price(ex.config, m, a.deployment());
            if (p != null) worstMicros = Math.max(worstMicros, p.costMicros(new Usage(prompt, out, 0, 0)));
        }
        ex.promptEstimate = prompt;
        return new long[] {worstTokens, worstMicros};
    }

    /** Milliseconds left before the exchange's total deadline (at least 1). */
    public long millisLeft(Exchange ex) {
        return Math.max(1, (ex.deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /** A chunk of a stream goes to the client: kept (by reference) to bill it should the stream end without usage. */
    public void chunk(Exchange ex, String json) {
        if (ex.relayed != null) ex.relayed.add(json);
        if (ex.firstChunkNanos != 0) return;
        ex.firstChunkNanos = System.nanoTime();
        metrics.timeToFirstToken(ex.model, Duration.ofNanos(ex.firstChunkNanos - ex.startNanos));
    }

    /**
     * The answer is about to be written: its time ends now, before the write, so the ledger's
     * latency is never longer than what the client measured.
     */
    public void answering(Exchange ex) {
        if (ex.endNanos == 0) ex.endNanos = System.nanoTime();
    }

    /** Settles a finished exchange once: frees its slots and records its outcome. */
    public void finish(Exchange ex, int status, Usage usage) {
        finish(ex, status, usage, null);
    }

    /**
     * Settles a finished exchange once: frees its slots, settles its cost against the budgets (or
     * releases the reservation), writes its ledger row and metrics. A stream that relayed chunks but
     * ended without usage (the client left, or the upstream never said) is billed from the relayed
     * text, counted off the event loop, and flagged estimated.
     *
     * @param errorCode the error code the client got, or null ({@code client_closed_request} for a 499 without one)
     */
    public void finish(Exchange ex, int status, Usage reported, String errorCode) {
        if (ex.finished) return;
        ex.finished = true;
        long endNanos = ex.endNanos != 0 ? ex.endNanos : System.nanoTime();
        // the client left: mid-stream or waiting for the first chunk as well as while queued, one code for all
        String code = status == 499 && errorCode == null ? GatewayError.CLIENT_CLOSED : errorCode;
        if (ex.release != null) ex.release.run();
        Usage usage = reported == null ? Usage.NONE : reported;
        if (ex.relayed != null && !ex.relayed.isEmpty() && usage.completionTokens() == 0) {
            RelayedText relayed = ex.relayed;
            String upstreamModel = ex.served == null ? null : ex.served.deployment().upstreamModel();
            long prompt = usage.promptTokens() > 0 ? usage.promptTokens() : ex.promptEstimate;
            Usage base = usage;
            java.util.concurrent.Callable<Usage> counted = () -> {
                long completion = tokens.count(upstreamModel, relayed.text()).tokens()
                        + relayed.droppedChars() / 4; // beyond the kept text: about 4 characters of JSON per token
                return new Usage(prompt, completion, base.cachedTokens(), base.reasoningTokens());
            };
            if (relayed.keptChars() <= COUNT_ON_LOOP_CHARS) { // a short answer counts in well under a millisecond
                Usage u;
                try {
                    u = counted.call();
                } catch (Exception e) {
                    u = new Usage(prompt, 0, 0, 0);
                }
                settle(ex, status, u, true, code, endNanos);
                return;
            }
            vertx.executeBlocking(counted, false).onComplete(ar -> settle(ex, status,
                    ar.succeeded() ? ar.result() : new Usage(prompt, 0, 0, 0), true, code, endNanos));
            return;
        }
        settle(ex, status, usage, false, code, endNanos);
    }

    private void settle(Exchange ex, int status, Usage usage, boolean estimated, String errorCode, long endNanos) {
        boolean used = usage.totalTokens() > 0;
        Price price = ex.price;
        long cost = price == null ? 0 : price.costMicros(usage);
        boolean unpriced = used && ex.served != null && price == null;
        if (unpriced) pricing.unpriced(ex.config, ex.served.model());
        long referenceCost = cost;
        if (used && ex.team != null && ex.team.referenceModel() != null) {
            Price reference = pricing.referencePrice(ex.config, ex.team.referenceModel());
            if (reference != null) referenceCost = reference.costMicros(usage);
        }
        if (ex.ticket != null) {
            if (used || cost > 0) ex.ticket.settle(usage.totalTokens(), cost);
            else ex.ticket.release();
        }
        String team = ex.team == null ? "unauthenticated" : ex.team.name();
        String model = ex.config.models().containsKey(ex.model) || ex.route != null ? ex.model : "unknown";
        Duration took = Duration.ofNanos(endNanos - ex.startNanos);
        metrics.request(ex.endpoint, team, model, ex.provider, status, took, usage, ex.attempts, cost, referenceCost - cost);
        if (!ex.metered || ex.team == null) return; // listings and unauthenticated calls are not ledger rows
        Attempt last = ex.served != null ? ex.served : ex.lastTried;
        String provider = last == null ? "" : last.provider().name();
        String upstream = last == null || last.deployment().upstreamModel() == null ? "" : last.deployment().upstreamModel();
        ledger.record(new LedgerRow(ex.requestId, Instant.ofEpochMilli(ex.startMillis), ex.team.name(),
                ex.caller == null ? null : ex.caller.keyId(), ex.endpoint, ex.model, ex.route, provider,
                last == null ? "" : provider + "/" + upstream, upstream, status, errorCode,
                usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(), usage.reasoningTokens(),
                cost, referenceCost, price == null ? null : price.version(), unpriced, estimated, took.toMillis(),
                ex.firstChunkNanos == 0 ? -1 : (ex.firstChunkNanos - ex.startNanos) / 1_000_000, ex.streamed, false,
                status == 499, ex.attempts, ex.attemptLog == null ? null : ex.attemptLog.toString()));
    }
}
