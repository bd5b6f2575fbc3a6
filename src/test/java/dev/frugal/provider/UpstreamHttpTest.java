package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wait for an upstream's response head is bounded by the request's idle timeout, on the event loop's own
 * timer (and on a Vert.x timer off it), and the timer never cuts a request that was answered.
 */
@Tag("unit")
class UpstreamHttpTest {
    private static Vertx vertx;
    private static HttpServer server;
    private static UpstreamHttp http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/hang")) return; // never answers
            req.body().onSuccess(b -> vertx.setTimer(req.path().equals("/slow-ok") ? 150 : 1,
                    t -> req.response().putHeader("content-type", "application/json").end("{\"ok\":true}")));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http = new UpstreamHttp(vertx, 8);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static RequestOptions options(String path, long idleMillis) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(server.actualPort())
                .setURI(path).setIdleTimeout(idleMillis);
    }

    /** Sends on an event loop (the hot path's case) or on a worker thread, and waits for the answer's body. */
    private static String send(boolean onEventLoop, RequestOptions options) throws Exception {
        CompletableFuture<String> out = new CompletableFuture<>();
        Runnable run = () -> http.request(options).compose(req -> req.send(Buffer.buffer("{}")))
                .compose(HttpClientResponse::body).map(Buffer::toString).onComplete(r -> {
                    if (r.succeeded()) out.complete(r.result());
                    else out.completeExceptionally(r.cause());
                });
        if (onEventLoop) vertx.getOrCreateContext().runOnContext(v -> run.run());
        else vertx.executeBlocking(() -> { run.run(); return null; });
        return out.get(20, TimeUnit.SECONDS);
    }

    @Test
    void anUpstreamThatSendsNoHeadFailsAsATimeoutAfterTheIdleTimeoutOnAnEventLoop() {
        assertHeadTimeout(true);
    }

    @Test
    void anUpstreamThatSendsNoHeadFailsAsATimeoutAfterTheIdleTimeoutOffAnEventLoop() {
        assertHeadTimeout(false);
    }

    private static void assertHeadTimeout(boolean onEventLoop) {
        long t0 = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> send(onEventLoop, options("/hang", 300)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(UpstreamFailure.Kind.TIMEOUT, Failures.transport("p", e.getCause()).kind(), "failed with " + e.getCause());
        assertTrue(ms >= 250 && ms < 10_000, "cut after " + ms + " ms (idle timeout 300 ms)");
    }

    @Test
    void anAnswerWithinTheIdleTimeoutIsNotCutAndItsTimerIsGone() throws Exception {
        for (boolean onEventLoop : new boolean[]{true, false}) {
            assertEquals("{\"ok\":true}", send(onEventLoop, options("/slow-ok", 400)));
            // past the first request's timeout: its timer, cancelled at the head, fails nothing on the pooled connection
            Thread.sleep(450);
            assertEquals("{\"ok\":true}", send(onEventLoop, options("/ok", 400)));
        }
    }

    @Test
    void theRequestTakesTheIdleTimeoutOffItsOptionsSoVertxSetsNoTimerOfItsOwn() throws Exception {
        RequestOptions o = options("/ok", 5_000);
        assertEquals("{\"ok\":true}", send(true, o));
        assertEquals(RequestOptions.DEFAULT_IDLE_TIMEOUT, o.getIdleTimeout());
        RequestOptions none = options("/ok", 0);
        assertEquals("{\"ok\":true}", send(true, none), "no idle timeout: no timer");
    }
}
