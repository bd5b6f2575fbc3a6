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
 * event-loop thread gets its own client, so a request and its upstream connection live on the
 * same thread and no response hops between event loops. The client's own retries are off;
 * only {@code resilience} retries.
 */
@Singleton
public class UpstreamHttp {
    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final HttpClient shared;
    private final java.util.List<HttpClient> perThread = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ThreadLocal<HttpClient> local = new ThreadLocal<>();

    @Inject
    public UpstreamHttp(Vertx vertx,
                        @ConfigProperty(name = "frugal.upstream.max-connections-per-host", defaultValue = "512") int maxPerHost) {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(true)
                .setMaxInitialLineLength(8192)
                .setName("frugal-upstream");
        this.vertx = vertx;
        this.options = options;
        this.pool = new PoolOptions().setHttp1MaxSize(maxPerHost).setMaxWaitQueueSize(-1);
        this.shared = vertx.createHttpClient(options, pool);
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
        if (headTimeout <= 0) return client().request(options);
        options.setIdleTimeout(RequestOptions.DEFAULT_IDLE_TIMEOUT);
        return client().request(options).map(req -> {
            Runnable cancel = EventLoopTimers.start(vertx, headTimeout,
                    () -> req.reset(0, new TimeoutException("no response head within " + headTimeout + " ms")));
            req.response().onComplete(r -> cancel.run());
            return req;
        });
    }

    /** The client for the calling thread: its own on an event loop, a shared one elsewhere. */
    private HttpClient client() {
        HttpClient c = local.get();
        if (c != null) return c;
        if (!io.vertx.core.Context.isOnEventLoopThread()) return shared;
        c = vertx.createHttpClient(options, pool);
        perThread.add(c);
        local.set(c);
        return c;
    }

    @PreDestroy
    void close() {
        shared.close();
        perThread.forEach(HttpClient::close);
    }
}
