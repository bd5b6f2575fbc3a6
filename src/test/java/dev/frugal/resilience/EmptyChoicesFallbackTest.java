package dev.frugal.resilience;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.provider.ChatCapable;
import dev.frugal.provider.ChunkStream;
import dev.frugal.provider.Completion;
import dev.frugal.provider.GenerationCall;
import dev.frugal.provider.Operation;
import dev.frugal.provider.UpstreamHttp;
import dev.frugal.provider.openai.OpenAiFactory;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plans;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: an upstream 200 with {@code "choices": []} (or a stream of only choice-less chunks,
 * then {@code [DONE]}) is no answer: a protocol failure before the first byte, so the plan falls
 * back to the next deployment, and with none left the client gets {@code 502 upstream_error}.
 * The real OpenAI adapter against a per-test upstream, through the real plan executor.
 */
@Tag("unit")
class EmptyChoicesFallbackTest {
    static Vertx vertx;
    static HttpServer server;
    static UpstreamHttp http;
    static String baseUrl;
    static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(EmptyChoicesFallbackTest::answer).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        baseUrl = "http://127.0.0.1:" + server.actualPort() + "/v1";
        http = new UpstreamHttp(vertx, 4);
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Model {@code empty}: 200 with no choice; {@code ok}: a one-word answer. Streamed or whole as asked. */
    private static void answer(HttpServerRequest req) {
        req.body().onSuccess(b -> {
            String model = b.toJsonObject().getString("model");
            boolean stream = b.toJsonObject().getBoolean("stream", false);
            received.add(model);
            String choices = "empty".equals(model) ? "[]"
                    : stream ? "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"fine\"},\"finish_reason\":\"stop\"}]"
                    : "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"fine\"},\"finish_reason\":\"stop\"}]";
            String body = "{\"id\":\"c1\",\"object\":\"" + (stream ? "chat.completion.chunk" : "chat.completion")
                    + "\",\"created\":1,\"model\":\"" + model + "\",\"choices\":" + choices + "}";
            if (stream) req.response().putHeader("content-type", "text/event-stream").end("data: " + body + "\n\ndata: [DONE]\n\n");
            else req.response().putHeader("content-type", "application/json").end(body);
        });
    }

    private final FakeTime now = new FakeTime();
    private final PlanExecutor.Scheduler scheduler = new PlanExecutor.Scheduler() {
        @Override public void schedule(long delay, Runnable task) { task.run(); }
        @Override public Runnable deadline(long delay, Runnable task) { return () -> {}; }
        @Override public java.util.concurrent.Executor caller() { return Runnable::run; }
    };

    private static Attempt attempt(String upstreamModel) {
        return new Attempt("m", new ModelConfig.Deployment(upstreamModel, upstreamModel, 1),
                ProviderConfig.http(upstreamModel, ProviderKind.OPENAI, URI.create(baseUrl), null));
    }

    /** Runs the plan; the value is the answer's text (whole body, or the first chunk of a stream). */
    private CompletableFuture<Object> run(boolean stream, String... deployments) {
        ChatCapable adapter = (ChatCapable) new OpenAiFactory(http, TimeSource.SYSTEM).create(attempt("any").provider());
        Function<Attempt, Future<String>> call = a -> {
            ObjectNode body = Json.object().put("model", "m").put("stream", stream);
            body.putArray("messages").addObject().put("role", "user").put("content", "hi");
            GenerationCall g = new GenerationCall("req_empty", Operation.CHAT, a.deployment(), body, stream, false);
            if (!stream) return adapter.chat(g).map(Completion::body).map(Object::toString);
            return adapter.chatStream(g).compose(s -> {
                io.vertx.core.Promise<String> first = io.vertx.core.Promise.promise();
                s.start(new ChunkStream.Handler() {
                    @Override public void onChunk(String json) { first.tryComplete(json); }
                    @Override public void onEnd() { first.tryComplete(""); }
                    @Override public void onError(Throwable t) { first.tryFail(t); }
                });
                return first.future();
            });
        };
        List<Attempt> attempts = java.util.Arrays.stream(deployments).map(EmptyChoicesFallbackTest::attempt).toList();
        ResilienceSettings s = PlanExecutorTest.settings(1, 1.0, 5, 0);
        CompletableFuture<Object> result = new CompletableFuture<>();
        vertx.runOnContext(v -> new PlanExecutor(new Backends(now), scheduler, new java.util.Random(1), new RetryBudget(10))
                .execute(Plans.of(attempts.toArray(Attempt[]::new)), Execution.of(a -> s, call))
                .onComplete(ar -> result.complete(ar.succeeded() ? ar.result().value() : ar.cause())));
        return result;
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void anAnswerWithNoChoiceFallsBackToTheNextDeployment(boolean stream) throws Exception {
        received.clear();
        Object served = run(stream, "empty", "ok").get(10, TimeUnit.SECONDS);
        assertTrue(served instanceof String text && text.contains("fine"), "served by the next deployment: " + served);
        assertEquals(List.of("empty", "empty", "ok"), received, "a protocol failure: retried once, then the next deployment");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void withNoOtherDeploymentTheClientGets502(boolean stream) throws Exception {
        Object outcome = run(stream, "empty").get(10, TimeUnit.SECONDS);
        GatewayError e = assertInstanceOf(PlanExecutor.AttemptsFailed.class, outcome, "not a success: " + outcome).error();
        assertEquals(502, e.status());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("choice"), e.getMessage());
    }
}
