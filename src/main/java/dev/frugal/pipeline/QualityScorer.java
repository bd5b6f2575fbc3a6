package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.catalog.Pricing;
import dev.frugal.catalog.TokenEstimate;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.RequestView;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.routing.Scorer;
import dev.frugal.routing.quality.PromptFeatures;
import dev.frugal.routing.quality.QualityEstimator;
import dev.frugal.wire.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The quality each candidate of a route is predicted to give one request: what a {@code cheapest} route
 * with {@code min-quality} and a {@code best} route order by (docs/routing.md#how-quality-is-predicted).
 *
 * <p>The <em>prior</em> of a candidate is the route's {@code quality} for it, else the model's
 * {@code quality} in the config, else its catalog row's quality signal on 0..1
 * ({@link dev.frugal.catalog.QualityPrior}); NaN when none is known. A route with examples in force
 * ({@link RouteExamples}) gets a <em>learned</em> prediction: the request's prompt text (its last user turn,
 * else its system prompt — as the examples' prompts are user questions) is embedded by the shared MiniLM
 * ({@link SentenceEmbedder#embed}: off the event loop, from memory for a prompt seen recently), and the
 * {@link QualityEstimator} over the route's examples, with the priors as its base, predicts each
 * candidate (a candidate the examples do not cover keeps its prior). No I/O beyond the model. The estimate
 * (one scan of the examples, ~0.1 ms per 1 000) runs where the embedding arrives for up to
 * {@value #INLINE_EXAMPLES} examples, else — and whenever its estimator must first be built for new priors —
 * on a worker thread, so the event loop never scans a large set.
 *
 * <p>The wait for the embedding is bounded ({@code frugal.routing.quality.embed-timeout}): past it, or
 * when the model fails, the request is routed on the priors, counted in {@value #PREDICTIONS}.
 */
@Singleton
class QualityScorer implements Scorer<QualityScorer.Request> {
    /** Predictions made, tag {@code outcome}: learned, no_examples, no_prompt, embedding_timeout, embedding_failed. */
    static final String PREDICTIONS = "frugal.routing.quality.predictions";
    /** Up to this many examples the estimate runs where the embedding arrives (the event loop for a remembered prompt). */
    static final int INLINE_EXAMPLES = 2_000;

    @Inject Pricing pricing;
    @Inject RouteExamples examples;
    @Inject SentenceEmbedder embedder;
    @Inject Vertx vertx;
    @Inject MeterRegistry registry;
    @ConfigProperty(name = "frugal.routing.quality.embed-timeout", defaultValue = "200ms") Duration embedTimeout;

    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    /**
     * What the scorer reads of a request: the snapshot it is planned on, the request, its route, and the
     * exchange told how the prediction was made (null: nobody asks).
     */
    record Request(FrugalConfig config, RequestView view, String route, Exchange exchange) {}

    /**
     * How a request's qualities were predicted, for explain.
     *
     * @param source     {@code learned} or {@code prior}
     * @param reason     why the prior: {@code no_examples}, {@code no_prompt}, {@code embedding_timeout},
     *                   {@code embedding_failed}; null when learned
     * @param examples   the examples the estimate read (the route's set in force), 0 for the prior
     * @param neighbours how many nearest of them weighed in
     */
    record Basis(String source, String reason, int examples, int neighbours) {
        ObjectNode json() {
            ObjectNode o = Json.object().put("source", source);
            if (reason == null) o.putNull("reason"); else o.put("reason", reason);
            return o.put("examples", examples).put("neighbours", neighbours);
        }
    }

    /** The prior's bases, made once: most requests to a route without examples end here. */
    static final Basis NO_EXAMPLES = new Basis("prior", "no_examples", 0, 0), NO_PROMPT = new Basis("prior", "no_prompt", 0, 0),
            EMBEDDING_TIMEOUT = new Basis("prior", "embedding_timeout", 0, 0), EMBEDDING_FAILED = new Basis("prior", "embedding_failed", 0, 0);

    @Override
    public CompletionStage<double[]> score(Request request, List<String> models) {
        double[] prior = prior(request.config(), request.route(), models);
        LearnedExamples learned = examples.learned(request.route());
        if (learned == null) return settled(request, prior, NO_EXAMPLES);
        String text = promptText(request.view());
        if (text == null) return settled(request, prior, NO_PROMPT);
        double[] priors = prior(request.config(), request.route(), learned.candidates());
        long tokens = TokenEstimate.estimate(text);

        CompletableFuture<double[]> out = new CompletableFuture<>();
        AtomicBoolean decided = new AtomicBoolean();
        Future<float[]> embedding = embedder.embed(text);
        long timer = embedding.isComplete() ? -1 : vertx.setTimer(Math.max(1, embedTimeout.toMillis()), id -> {
            if (decided.compareAndSet(false, true)) finish(request, out, prior, EMBEDDING_TIMEOUT);
        });
        // the scan is ~0.1 ms per 1 000 examples: inline for a small set, else (and to build an estimator) on a worker
        boolean inline = learned.size() <= INLINE_EXAMPLES && learned.builtFor(priors) != null;
        embedding.compose(vector -> inline ? Future.succeededFuture(estimate(learned, priors, vector, tokens, models, prior))
                : vertx.executeBlocking(() -> estimate(learned, priors, vector, tokens, models, prior), false)).onComplete(ar -> {
            if (timer >= 0) vertx.cancelTimer(timer);
            if (!decided.compareAndSet(false, true)) return;
            if (ar.succeeded()) {
                int n = learned.size();
                finish(request, out, ar.result(), new Basis("learned", null, n, Math.min(QualityEstimator.Settings.DEFAULT.neighbours(), n)));
            } else {
                finish(request, out, prior, EMBEDDING_FAILED);
            }
        });
        return out;
    }

    /** The learned qualities of {@code models}; a model the examples do not cover keeps its prior. */
    private static double[] estimate(LearnedExamples learned, double[] priors, float[] vector, long tokens, List<String> models,
                                     double[] prior) {
        double[] q = learned.estimator(priors).estimate(new PromptFeatures(vector, tokens), models);
        for (int i = 0; i < q.length; i++) if (Double.isNaN(q[i])) q[i] = prior[i];
        return q;
    }

    private CompletionStage<double[]> settled(Request request, double[] q, Basis basis) {
        CompletableFuture<double[]> out = new CompletableFuture<>();
        finish(request, out, q, basis);
        return out;
    }

    /** Tells the exchange how, counts it, then completes: the exchange's note is written before anyone reads the scores. */
    private void finish(Request request, CompletableFuture<double[]> out, double[] q, Basis basis) {
        if (request.exchange() != null) request.exchange().qualityBasis = basis;
        String outcome = basis.reason() == null ? "learned" : basis.reason();
        outcomes.computeIfAbsent(outcome, o -> Counter.builder(PREDICTIONS)
                .description("Quality predictions for routes with examples: learned, or the prior and why").tag("outcome", o).register(registry)).increment();
        out.complete(q);
    }

    /**
     * The text a request is embedded by, as the examples' prompts were: its last user turn (for completions
     * the prompt), else its system prompt; null when it has neither.
     */
    static String promptText(RequestView view) {
        RequestView.Prompt p = view.prompt();
        if (p == null) return null;
        if (p.lastUser() != null && !p.lastUser().isBlank()) return p.lastUser();
        return p.system() != null && !p.system().isBlank() ? p.system() : null;
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
