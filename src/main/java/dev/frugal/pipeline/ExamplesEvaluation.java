package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.catalog.Pricing;
import dev.frugal.catalog.TokenEstimate;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Defaults;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.RouteConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Price;
import dev.frugal.core.Usage;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.routing.CheapestStrategy;
import dev.frugal.routing.RoutePlanner;
import dev.frugal.routing.Shortlist;
import dev.frugal.routing.quality.Evaluation;
import dev.frugal.routing.quality.InvalidOutcomes;
import dev.frugal.routing.quality.OfflineEvaluation;
import dev.frugal.routing.quality.OutcomeTable;
import dev.frugal.routing.quality.PromptFeatures;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /admin/routes/{route}/evaluate}: the cost/quality curve of the route's {@code cheapest}
 * decision on a labelled test set ({@link OfflineEvaluation}), predicting from the route's examples in
 * force — never from the test set, whose labels and costs are read only to score the choices made. The
 * route's candidates are ordered by their live prices on the test prompts' mean size and the default
 * output estimate, as live traffic would be (a candidate without a price: by its examples' mean cost, else
 * last). The test prompts are embedded by the shared MiniLM in batches on its pool, like an upload.
 * Bounded: {@code frugal.routing.examples.max-evaluate-rows} rows, one evaluation at a time per gateway
 * (409 while one runs), run on a thread of {@link RouteExamples}'s work, never the event loop.
 */
@Singleton
public class ExamplesEvaluation {
    @Inject RouteExamples examples;
    @Inject QualityScorer quality;
    @Inject ConfigHolder configs;
    @Inject Pricing pricing;
    @Inject SentenceEmbedder embedder;
    @ConfigProperty(name = "frugal.routing.examples.max-evaluate-rows", defaultValue = "10000") int maxRows;
    @ConfigProperty(name = "frugal.routing.examples.embed-batch", defaultValue = "16") int batch;

    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * The evaluation's JSON (docs/routing.md#offline-evaluation-choosing-min-quality) with the route and the
     * number of examples it predicted from.
     *
     * @param points the {@code min-quality} values to sweep (each 0..1), or null for the default sweep
     */
    public Future<ObjectNode> evaluate(String route, String csv, double[] points) {
        FrugalConfig config = configs.get();
        RouteConfig r = config.route(route);
        if (r == null) return Future.failedFuture(RouteExamples.routeNotFound(route));
        LearnedExamples learned = examples.learned(route);
        if (learned == null) {
            return Future.failedFuture(new GatewayError(409, "invalid_request_error", "examples_required", null,
                    "Route '" + route + "' has no examples in force: upload them first (POST /admin/routes/" + route + "/examples)."));
        }
        if (!running.compareAndSet(false, true)) {
            return Future.failedFuture(new GatewayError(409, "invalid_request_error", "evaluation_in_progress", null,
                    "Another evaluation is running; try again when it is done."));
        }
        return examples.onWork(() -> evaluate(config, r, learned, csv, points)).onComplete(ar -> running.set(false));
    }

    private ObjectNode evaluate(FrugalConfig config, RouteConfig route, LearnedExamples learned, String csv, double[] points)
            throws Exception {
        List<String> models = route.candidates();
        OutcomeTable test;
        try {
            test = OutcomeTable.parse(csv, models);
        } catch (InvalidOutcomes e) {
            throw RouteExamples.invalid(e);
        }
        if (test.size() > maxRows) {
            throw new GatewayError(400, "invalid_request_error", "too_many_rows", null, "The test set has " + test.size()
                    + " rows; at most " + maxRows + " are evaluated (frugal.routing.examples.max-evaluate-rows).");
        }
        long[] tokens = new long[test.size()];
        long sum = 0;
        for (int i = 0; i < tokens.length; i++) sum += tokens[i] = TokenEstimate.estimate(test.prompt(i));
        Usage typical = new Usage(sum / Math.max(1, tokens.length), Defaults.ESTIMATED_OUTPUT_TOKENS, 0, 0);

        List<Price> prices = new ArrayList<>(models.size());
        long[] order = new long[models.size()];
        for (int m = 0; m < models.size(); m++) {
            Price p = cheapest(config, config.model(models.get(m)), typical);
            prices.add(p);
            long own = learned.meanCostMicros(models.get(m));
            order[m] = p != null ? p.costMicros(typical) : own >= 0 ? own : RoutePlanner.UNPRICED;
        }
        long[] costs;
        try {
            costs = test.costsNanos(prices, TokenEstimate::estimate);
        } catch (IllegalArgumentException e) {
            throw new GatewayError(400, "invalid_request_error", "invalid_examples", null, "The test set cannot be priced: "
                    + e.getMessage() + ".");
        }
        List<PromptFeatures> features = new ArrayList<>(test.size());
        for (int from = 0; from < test.size(); from += batch) {
            List<String> texts = test.prompts().subList(from, Math.min(test.size(), from + batch));
            List<float[]> vectors = embedder.embedAll(texts).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            for (int i = 0; i < vectors.size(); i++) features.add(new PromptFeatures(vectors.get(i), tokens[from + i]));
        }
        Shortlist shortlist = Shortlist.offline(route.name(), CheapestStrategy.INSTANCE, models, order);
        var estimator = learned.estimator(quality.prior(config, route.name(), learned.candidates()));
        Evaluation e = OfflineEvaluation.evaluate(shortlist, estimator, test, features, costs, points, new SplittableRandom(0));
        ObjectNode out = e.toJson();
        ObjectNode head = dev.frugal.wire.Json.object().put("object", "route.evaluation").put("route", route.name())
                .put("examples", learned.size());
        head.setAll(out);
        return head;
    }

    /** The candidate's cheapest priced deployment's price for the typical request, or null when none is priced. */
    private Price cheapest(FrugalConfig config, ModelConfig model, Usage typical) {
        if (model == null) return null;
        Price best = null;
        for (ModelConfig.Deployment d : model.deployments()) {
            Price p = pricing.price(config, model, d);
            if (p != null && (best == null || p.costMicros(typical) < best.costMicros(typical))) best = p;
        }
        return best;
    }
}
