import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Target (g) of bench/issue15.sh: the floor of Frugal's stack. Vert.x alone, from the jars Frugal ships
 * (target/quarkus-app/lib), on epoll, with as many event loops as cores and a server and an upstream client on each
 * (as Frugal's UpstreamHttp), proxying like nginx-proxy.conf: /sse/v1/... to the streaming upstream, the stream relayed
 * as it arrives; everything else to the plain upstream, read whole and written in one piece. No auth, routing,
 * metering, JSON or ledger: what is left between this and Frugal is Frugal's own work.
 *
 * <p>Run by bench/issue15.sh with the JVM options Frugal gets:
 * {@code java @config/jvm.options -cp 'target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*' bench/StackFloor.java PORT PLAIN_PORT SSE_PORT}
 *
 * <p>{@code -Dfloor.work-us=N} (default 0) busy-waits N µs on the event loop before each request goes upstream: the
 * floor given a proxy's own CPU a request without its code, to tell what that CPU costs in latency by itself
 * (bench/wakeups.sh; docs/benchmarks.md, session 18).
 */
public class StackFloor {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int plainPort = Integer.parseInt(args[1]);
        int ssePort = Integer.parseInt(args[2]);
        int loops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops));
        if (!vertx.isNativeTransportEnabled()) throw new IllegalStateException("epoll is not available", vertx.unavailableNativeTransportCause());
        vertx.deployVerticle(() -> new Proxy(port, plainPort, ssePort), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("stack floor listening on 127.0.0.1:" + port + " with " + loops + " event loops"))
                .onFailure(t -> { t.printStackTrace(); System.exit(1); });
    }

    static final class Proxy extends AbstractVerticle {
        private final int port;
        private final int plainPort;
        private final int ssePort;
        private HttpClient client;

        Proxy(int port, int plainPort, int ssePort) {
            this.port = port;
            this.plainPort = plainPort;
            this.ssePort = ssePort;
        }

        @Override
        public void start(Promise<Void> started) {
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(256).setDefaultHost("127.0.0.1"));
            vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
                    .requestHandler(this::proxy)
                    .listen().<Void>mapEmpty().onComplete(started);
        }

        private static final long WORK_NANOS = Long.getLong("floor.work-us", 0) * 1000;

        private static void work() {
            long end = System.nanoTime() + WORK_NANOS;
            while (System.nanoTime() < end) Thread.onSpinWait();
        }

        private void proxy(HttpServerRequest req) {
            boolean sse = req.path().startsWith("/sse/");
            String uri = sse ? req.uri().substring(4) : req.uri();
            req.body().compose(body -> client.request(req.method() == HttpMethod.GET ? HttpMethod.GET : HttpMethod.POST,
                            sse ? ssePort : plainPort, "127.0.0.1", uri)
                    .compose(up -> {
                        String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
                        if (type != null) up.putHeader(HttpHeaders.CONTENT_TYPE, type);
                        if (WORK_NANOS > 0) work();
                        return up.send(body);
                    }))
                    .onSuccess(resp -> relay(req, resp, sse))
                    .onFailure(t -> req.response().setStatusCode(502).end());
        }

        private static void relay(HttpServerRequest req, HttpClientResponse resp, boolean sse) {
            var out = req.response().setStatusCode(resp.statusCode());
            String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null) out.putHeader(HttpHeaders.CONTENT_TYPE, type);
            if (sse) {
                out.setChunked(true);
                resp.pipeTo(out);
            } else {
                resp.body().onSuccess(out::end).onFailure(t -> out.setStatusCode(502).end());
            }
        }
    }
}
