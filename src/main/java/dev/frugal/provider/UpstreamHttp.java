package dev.frugal.provider;

import dev.frugal.core.EventLoopTimers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.concurrent.TimeoutException;

/**
 * The one HTTP door upstream: non-blocking Vert.x clients with keep-alive pools per host. Each
 * event-loop thread gets its own clients, so a request and its upstream connection live on the
 * same thread and no response hops between event loops. The client's own retries are off;
 * only {@code resilience} retries. Call it on an event loop, as the pipeline, the probes and model discovery do:
 * off one, a response's body read after the response arrived came back empty about once a hundred times (its
 * data reached the response before the body's handler, across threads; eclipse-vertx/vert.x#5904, UpstreamHttpTest).
 *
 * <p>Compressed answers are asked for over TLS only. A provider reached over TLS is usually across
 * the internet, where gzip saves bandwidth (an embeddings answer shrinks several times); a plaintext
 * upstream is a backend on the same host or network (Ollama, vLLM, llama.cpp), where the bytes cost
 * nothing and a decompressing handler on every message of every answer costs CPU: 2.3 % of a stream's
 * samples though nothing was compressed (docs/benchmarks.md, decision 0038).
 */
@Singleton
public class UpstreamHttp {
    private final Vertx vertx;
    private final HttpClientOptions plain;
    private final HttpClientOptions tls;
    private final PoolOptions pool;
    private final HttpClient sharedPlain;
    private final HttpClient sharedTls;
    private final java.util.List<HttpClient> perThread = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The calling event loop's clients: [plaintext, TLS]. */
    private final ThreadLocal<HttpClient[]> local = new ThreadLocal<>();

    @Inject
    public UpstreamHttp(Vertx vertx,
                        @ConfigProperty(name = "frugal.upstream.max-connections-per-host", defaultValue = "512") int maxPerHost) {
        this(vertx, maxPerHost, new HttpClientOptions());
    }

    /** @param base the options every client starts from (a test's trust settings); the gateway's own are set on a copy */
    UpstreamHttp(Vertx vertx, int maxPerHost, HttpClientOptions base) {
        HttpClientOptions options = new HttpClientOptions(base)
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setMaxInitialLineLength(8192)
                .setName("frugal-upstream");
        this.vertx = vertx;
        this.plain = new HttpClientOptions(options).setDecompressionSupported(false);
        this.tls = new HttpClientOptions(options).setDecompressionSupported(true);
        this.pool = new PoolOptions().setHttp1MaxSize(maxPerHost).setMaxWaitQueueSize(-1);
        this.sharedPlain = vertx.createHttpClient(plain, pool);
        this.sharedTls = vertx.createHttpClient(tls, pool);
    }

    /**
     * A request to send. The options' idle timeout bounds the wait for the response head, as Vert.x's own
     * request timeout does, but on the event loop's own scheduler ({@link EventLoopTimers}): Vert.x's timer,
     * set and cancelled for every request, enters a global map and its context's close hooks, and was 1.3 % of
     * the hot path's samples (docs/benchmarks.md). The options' idle timeout is taken off them for that; read it
     * before if it matters later (a stream's idle watch). On expiry the request is reset, with a
     * {@link TimeoutException} as the cause, which {@link Failures#transport} reads as a timeout.
     */
    public Future<HttpClientRequest> request(RequestOptions options) {
        long headTimeout = options.getIdleTimeout();
        HttpClient client = client(Boolean.TRUE.equals(options.isSsl()));
        if (headTimeout <= 0) return client.request(options);
        options.setIdleTimeout(RequestOptions.DEFAULT_IDLE_TIMEOUT);
        return client.request(options).map(req -> {
            Runnable cancel = EventLoopTimers.start(vertx, headTimeout,
                    () -> req.reset(0, new TimeoutException("no response head within " + headTimeout + " ms")));
            req.response().onComplete(r -> cancel.run());
            return req;
        });
    }

    /** The client for the calling thread and the request's transport: its own on an event loop, a shared one elsewhere. */
    private HttpClient client(boolean ssl) {
        HttpClient[] c = local.get();
        if (c == null) {
            if (!io.vertx.core.Context.isOnEventLoopThread()) return ssl ? sharedTls : sharedPlain;
            c = new HttpClient[]{vertx.createHttpClient(plain, pool), vertx.createHttpClient(tls, pool)};
            perThread.add(c[0]);
            perThread.add(c[1]);
            local.set(c);
        }
        return c[ssl ? 1 : 0];
    }

    @PreDestroy
    void close() {
        sharedPlain.close();
        sharedTls.close();
        perThread.forEach(HttpClient::close);
    }
}
