package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PfxOptions;
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
 * timer (and on a Vert.x timer off it), and the timer never cuts a request that was answered. Compressed answers
 * are asked for over TLS only.
 */
@Tag("unit")
class UpstreamHttpTest {
    private static Vertx vertx;
    private static HttpServer server;
    private static UpstreamHttp http;
    /** A header with a copy of the answer's body. */
    private static final String ECHO = "x-echo";

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().equals("/hang")) return; // never answers
            if (req.path().equals("/accept-encoding")) {
                String ae = req.getHeader("accept-encoding");
                answer(req, ae == null ? "none" : ae, null);
                return;
            }
            req.body().onSuccess(b -> vertx.setTimer(req.path().equals("/slow-ok") ? 150 : 1,
                    t -> answer(req, "{\"ok\":true}", null)));
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

    /** Answers {@code text} as the body (gzipped when {@code encoding} says so) and in {@value #ECHO}. */
    private static void answer(HttpServerRequest req, String text, String encoding) {
        HttpServerResponse r = req.response().putHeader("content-type", "application/json").putHeader(ECHO, text);
        if ("gzip".equals(encoding)) r.putHeader("content-encoding", "gzip").end(Buffer.buffer(gzip(text)));
        else r.end(text);
    }

    /**
     * Sends on an event loop (the hot path's case) or on a worker thread, and waits for what was answered: the body
     * on an event loop; off one, the head's copy of it ({@value #ECHO}). Off an event loop a body read as the hot
     * path reads it (the response, then its body) came back empty about once a hundred times: its data reached the
     * response before the body's handler did, across threads (as in eclipse-vertx/vert.x#5904). The gateway makes
     * every upstream call on an event loop (the pipeline, the probes, model discovery); this test's calls off one
     * prove the head's deadline there.
     */
    private static String send(boolean onEventLoop, RequestOptions options) throws Exception {
        return send(http, onEventLoop, options);
    }

    private static String send(UpstreamHttp client, boolean onEventLoop, RequestOptions options) throws Exception {
        CompletableFuture<String> out = new CompletableFuture<>();
        Runnable run = () -> client.request(options).compose(req -> req.send(Buffer.buffer("{}")))
                .compose(resp -> onEventLoop ? resp.body().map(Buffer::toString) : Future.succeededFuture(resp.getHeader(ECHO)))
                .onComplete(r -> {
                    if (r.succeeded()) out.complete(r.result());
                    else out.completeExceptionally(r.cause());
                });
        if (onEventLoop) vertx.getOrCreateContext().runOnContext(v -> run.run());
        else vertx.executeBlocking(() -> { run.run(); return null; });
        return out.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aPlaintextUpstreamIsNotAskedForCompressedAnswers() throws Exception {
        for (boolean onEventLoop : new boolean[]{true, false}) {
            assertEquals("none", send(onEventLoop, options("/accept-encoding", 5_000)));
        }
    }

    /** Over TLS (a hosted provider across the internet) a gzip answer is asked for and read as what it encodes. */
    @Test
    void anUpstreamOverTlsIsAskedForCompressedAnswersAndTheyAreDecoded() throws Exception {
        // a self-signed key made for this test only (keytool, CN and SAN 127.0.0.1, password "test-only")
        PfxOptions key = new PfxOptions().setPath("tls/upstream-test.p12").setPassword("test-only");
        HttpServer tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(key))
                .requestHandler(req -> {
                    String json = "{\"accept_encoding\":\"" + req.getHeader("accept-encoding") + "\",\"pad\":\"" + "x".repeat(4096) + "\"}";
                    answer(req, json, String.valueOf(req.getHeader("accept-encoding")).contains("gzip") ? "gzip" : null);
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        UpstreamHttp trusting = new UpstreamHttp(vertx, 4, new HttpClientOptions().setTrustAll(true));
        try {
            for (boolean onEventLoop : new boolean[]{true, false}) {
                String body = send(trusting, onEventLoop, new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                        .setPort(tls.actualPort()).setSsl(true).setURI("/").setIdleTimeout(5_000));
                assertTrue(body.startsWith("{\"accept_encoding\":\"") && body.contains("gzip") && body.endsWith("x\"}"), body);
            }
        } finally {
            trusting.close();
            tls.close();
        }
    }

    private static byte[] gzip(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
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
