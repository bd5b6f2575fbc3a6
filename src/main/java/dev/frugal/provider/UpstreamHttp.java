package dev.frugal.provider;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one HTTP door upstream: a single non-blocking Vert.x client with keep-alive pools per
 * host. Its own retries are off; only {@code resilience} retries.
 */
@ApplicationScoped
public class UpstreamHttp {
    private final HttpClient client;

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
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxPerHost).setMaxWaitQueueSize(-1));
    }

    public HttpClient client() { return client; }

    @PreDestroy
    void close() { client.close(); }
}
