package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.RequestView;
import dev.frugal.core.TimeSource;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.teams.TeamDirectory;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline's door, and the one place that knows every step of a request, in order:
 * authenticate ({@link #begin} and {@link #authenticate}, before the edge reads the body) →
 * features ({@link Features}: the request's {@link RequestView}) → cache lookup ({@link AnswerCache};
 * a hit is admitted against the caller's rate limits and answers here) → plan ({@link Planning}) → admit ({@link Admission}) → execute
 * ({@link Dispatch}) → settle ({@link Settlement}, once the edge has written the answer and told the
 * {@link Exchange} so; a failure is settled before it is handed to the edge). Any step may end the
 * request early with an error; the after-steps run all the same. Non-blocking; called on the event loop.
 */
@Singleton
public class Gateway {
    /** The endpoints whose authenticated requests each get a ledger row, whatever their outcome ({@code docs/ledger.md}). */
    static final Set<String> MODEL_ENDPOINTS = Set.of("chat", "text_completion", "embeddings", "messages", "responses");

    @Inject ConfigHolder configs;
    @Inject TeamDirectory teams;
    @Inject TimeSource time;
    @Inject Features features;
    @Inject AnswerCache cache;
    @Inject Planning planning;
    @Inject Admission admission;
    @Inject Dispatch dispatch;
    @Inject Settlement settlement;
    @Inject dev.frugal.catalog.TokenCounter tokens;
    @Inject io.vertx.core.Vertx vertx;

    @ConfigProperty(name = "quarkus.shutdown.delay")
    Optional<Duration> shutdownDelay;
    private volatile boolean refusing;
    private volatile long refuseFromNanos;

    /** Starts an exchange with the config snapshot in force now. */
    public Exchange begin(String endpoint, String requestId) {
        return new Exchange(requestId, endpoint, configs.get(), time, settlement);
    }

    /** Authenticates the caller by {@code Authorization: Bearer}; throws a 401 (or 503 {@code shutting_down}) {@link GatewayError}. */
    public void authenticate(Exchange ex, String authorization) {
        refuseIfShuttingDown();
        identify(ex, teams.authenticate(ex.config, authorization));
    }

    /** Authenticates a bare key (Anthropic's {@code x-api-key}); throws as {@link #authenticate} does. */
    public void authenticateKey(Exchange ex, String key) {
        refuseIfShuttingDown();
        identify(ex, teams.authenticateKey(ex.config, key));
    }

    /** A validated chat request (or an Anthropic Messages request translated to one). */
    public Future<Answer> chat(Exchange ex, ObjectNode body) {
        return serve(ex, RequestView.Kind.CHAT, body, null);
    }

    /** A validated text completions request. */
    public Future<Answer> completions(Exchange ex, ObjectNode body) {
        return serve(ex, RequestView.Kind.COMPLETIONS, body, null);
    }

    /** A validated embeddings request: its text inputs (null for token arrays) and {@code dimensions} (or null). */
    public Future<Answer> embeddings(Exchange ex, ObjectNode body, List<String> texts, Integer dimensions) {
        return serve(ex, RequestView.Kind.EMBEDDINGS, body, new Dispatch.EmbeddingInput(texts, dimensions));
    }

    /**
     * The prompt tokens of a validated chat request (Anthropic's {@code count_tokens}), for the
     * upstream model its name most likely goes to: exact with the model's tokenizer where one is
     * known, else the documented estimate (docs/pricing.md). No upstream call, no admission, no
     * ledger row (decision 0019); counted off the event loop.
     */
    public Future<Long> countTokens(Exchange ex, ObjectNode body) {
        String upstream = Features.upstreamModel(ex.config, body.path("model").asText(""));
        return vertx.executeBlocking(() -> tokens.promptCount(upstream, body).tokens(), false);
    }

    /** The models this exchange's team may call, in config order. */
    public List<ModelConfig> models(Exchange ex) {
        return ex.config.models().values().stream().filter(m -> ex.team.mayUse(m.name())).toList();
    }

    /** The routes this exchange's team may call (its model list is empty or names them), in config order. */
    public List<RouteConfig> routes(Exchange ex) {
        return ex.config.routes().values().stream().filter(r -> ex.team.mayUse(r.name())).toList();
    }

    /** Upstream requests in flight now, across the gateway. */
    public int inFlight() { return admission.inFlight(); }

    /**
     * On SIGTERM, Quarkus first waits {@code quarkus.shutdown.delay} with readiness DOWN (load
     * balancers stop sending), then waits for running requests. From the end of that delay on, new
     * requests are refused (503 {@code shutting_down}), so that the running ones can drain: Quarkus's
     * HTTP layer alone would keep accepting them.
     */
    void shutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        refuseFromNanos = time.nanoTime() + shutdownDelay.map(Duration::toNanos).orElse(0L);
        refusing = true;
    }

    private void refuseIfShuttingDown() {
        if (refusing && time.nanoTime() - refuseFromNanos >= 0) {
            throw new GatewayError(503, "service_unavailable_error", "shutting_down", null,
                    "This gateway instance is shutting down; retry on another.", 1);
        }
    }

    private static void identify(Exchange ex, Caller caller) {
        ex.caller = caller;
        ex.team = caller.team();
        ex.metered = MODEL_ENDPOINTS.contains(ex.endpoint); // from here on, every outcome gets a ledger row
    }

    private Future<Answer> serve(Exchange ex, RequestView.Kind kind, ObjectNode body, Dispatch.EmbeddingInput input) {
        Future<Answer> answer;
        try {
            RequestView view = features.read(ex, kind, body);
            answer = cache.lookup(ex, view).compose(hit -> hit != null ? admission.admitHit(ex).map(hit) : upstream(ex, view, input));
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.transform(ar -> handOver(ex, ar));
    }

    private Future<Answer> upstream(Exchange ex, RequestView view, Dispatch.EmbeddingInput input) {
        return planning.plan(ex, view, false)
                .compose(plan -> admission.admit(ex, plan, view).compose(admitted -> dispatch.execute(ex, plan, view, input)));
    }

    /** To the edge: a failure settled and made the error the client is told; a whole answer's time ends before it is written. */
    private static Future<Answer> handOver(Exchange ex, AsyncResult<Answer> ar) {
        if (ar.failed()) return Future.failedFuture(ex.failed(ar.cause()));
        ex.answer = ar.result();
        if (!(ex.answer instanceof AnswerStream)) ex.answered();
        return Future.succeededFuture(ex.answer);
    }
}
