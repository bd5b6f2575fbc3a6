package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.catalog.CatalogTable;
import dev.frugal.catalog.Pricing;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.FrugalConfig;
import dev.frugal.core.RequestView;
import dev.frugal.provider.local.SentenceEmbedder;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.wire.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live scorer without Quarkus: the priors for a route without examples, the learned estimate from the
 * route's examples in force (a candidate they do not cover keeps its prior), and the bounded wait — a model
 * that does not answer in time or fails leaves the request on its priors, counted by outcome. The model is a
 * stand-in that answers as told.
 */
@Tag("unit")
class QualityScorerTest {
    static final String YAML = """
            providers: [{ name: sim, kind: simulator }]
            models:
              - { name: cheap, quality: 0.5, deployments: [{ provider: sim }] }
              - { name: strong, quality: 0.9, deployments: [{ provider: sim }] }
              - { name: extra, deployments: [{ provider: sim }] }
            routes:
              - { name: auto, objective: cheapest, min-quality: 0.6, candidates: [cheap, strong, { model: extra, quality: 0.7 }] }
              - { name: plain, objective: cheapest, min-quality: 0.6, candidates: [cheap, strong] }
            """;
    static final List<String> MODELS = List.of("cheap", "strong", "extra");

    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FrugalConfig config = ConfigCompiler.compile(YAML, name -> null);
    final AtomicInteger calls = new AtomicInteger();
    Function<String, Future<float[]>> answer = text -> Future.succeededFuture(vector(text));

    @AfterEach
    void close() { vertx.close(); }

    static float[] vector(String text) {
        float[] v = new float[384];
        for (String w : text.toLowerCase().split("\\W+")) if (!w.isEmpty()) v[Math.floorMod(w.hashCode(), 384)] += 1;
        v[383] += 0.01f;
        return v;
    }

    QualityScorer scorer(boolean withExamples) throws java.io.IOException {
        QualityScorer s = new QualityScorer();
        s.pricing = new Pricing(CatalogTable.parse(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("config", "catalog.csv")), "catalog.csv"),
                registry, new FakeTime());
        s.vertx = vertx;
        s.registry = registry;
        s.embedTimeout = Duration.ofMillis(50);
        s.embedder = new SentenceEmbedder(vertx, new FakeTime(), 1, 0) {
            @Override public Future<float[]> embed(String text) {
                calls.incrementAndGet();
                return answer.apply(text);
            }
        };
        s.examples = new RouteExamples(null, null, new FakeTime(), r -> null, 16, 10);
        if (withExamples) s.examples.putInForce("auto", examples());
        return s;
    }

    /** 20 sums the cheap model got right, 20 sonnets it got wrong; the strong one got all. */
    static LearnedExamples examples() {
        int n = 40;
        long[] tokens = new long[n];
        List<float[]> vectors = new ArrayList<>();
        float[] scores = new float[n * 2];
        long[] costs = new long[n * 2];
        for (int r = 0; r < n; r++) {
            String p = r % 2 == 0 ? "What is " + r + " plus " + r + "?" : "Write a sonnet about autumn leaves number " + r;
            tokens[r] = 8;
            vectors.add(vector(p));
            scores[r * 2] = r % 2 == 0 ? 1 : 0;
            scores[r * 2 + 1] = 1;
        }
        return new LearnedExamples(new ExampleStore.Loaded(1, "auto", List.of("cheap", "strong"), tokens, vectors, scores, costs));
    }

    static QualityScorer.Request request(String route, String prompt, Exchange ex) {
        ObjectNode body = Json.object().put("model", route);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        return new QualityScorer.Request(ConfigCompiler.compile(YAML, name -> null), RequestView.of(RequestView.Kind.CHAT, body, 8, -1),
                route, ex);
    }

    double[] score(QualityScorer s, QualityScorer.Request r) throws Exception {
        return s.score(r, MODELS).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    double count(String outcome) {
        var c = registry.find(QualityScorer.PREDICTIONS).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aRouteWithoutExamplesGetsItsPriorsAtOnceWithoutTheModel() throws Exception {
        QualityScorer s = scorer(false);
        var stage = s.score(request("auto", "What is 3 plus 3?", null), MODELS).toCompletableFuture();
        assertTrue(stage.isDone(), "no wait");
        assertArrayEquals(new double[] {0.5, 0.9, 0.7}, stage.get());
        assertEquals(0, calls.get());
        assertEquals(1, count("no_examples"));
    }

    @Test
    void aRouteWithExamplesGetsTheirEstimateAndACandidateTheyDoNotCoverKeepsItsPrior() throws Exception {
        QualityScorer s = scorer(true);
        Exchange ex = new Exchange("r1", "test", config, new FakeTime(), null);
        double[] sums = score(s, request("auto", "What is 7 plus 7?", ex));
        assertEquals("learned", ex.qualityBasis.source());
        assertEquals(40, ex.qualityBasis.examples());
        double[] sonnets = score(s, request("auto", "Write a sonnet about autumn leaves", null));
        assertTrue(sums[0] > 0.6 && sonnets[0] < 0.4, "cheap: " + sums[0] + " on sums, " + sonnets[0] + " on sonnets");
        assertTrue(sums[1] > 0.9, "strong was always right: " + sums[1]);
        assertEquals(0.7, sums[2], 0.0, "extra is in no example: its prior");
        assertEquals(2, count("learned"));
    }

    @Test
    void aModelThatDoesNotAnswerInTimeLeavesTheRequestOnItsPriors() throws Exception {
        QualityScorer s = scorer(true);
        Promise<float[]> never = Promise.promise();
        answer = text -> never.future();
        Exchange ex = new Exchange("r2", "test", config, new FakeTime(), null);
        assertArrayEquals(new double[] {0.5, 0.9, 0.7}, score(s, request("auto", "What is 7 plus 7?", ex)));
        assertEquals("embedding_timeout", ex.qualityBasis.reason());
        assertEquals(1, count("embedding_timeout"));
        never.complete(vector("late")); // a late answer changes nothing
        assertEquals("embedding_timeout", ex.qualityBasis.reason());
        assertEquals(0, count("learned"));
    }

    @Test
    void aModelThatFailsLeavesTheRequestOnItsPriors() throws Exception {
        QualityScorer s = scorer(true);
        answer = text -> Future.failedFuture(new IllegalStateException("out of memory"));
        assertArrayEquals(new double[] {0.5, 0.9, 0.7}, score(s, request("auto", "What is 7 plus 7?", null)));
        assertEquals(1, count("embedding_failed"));
    }

    @Test
    void aRequestWithoutTextGetsItsPriors() throws Exception {
        QualityScorer s = scorer(true);
        ObjectNode body = Json.object().put("model", "auto");
        body.putArray("messages").addObject().put("role", "assistant").put("content", "hello");
        var r = new QualityScorer.Request(config, RequestView.of(RequestView.Kind.CHAT, body, 2, -1), "auto", null);
        assertArrayEquals(new double[] {0.5, 0.9, 0.7}, score(s, r));
        assertEquals(0, calls.get());
        assertEquals(1, count("no_prompt"));
    }
}
