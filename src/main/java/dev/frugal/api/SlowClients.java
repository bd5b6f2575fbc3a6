package dev.frugal.api;

import dev.frugal.config.ConfigHolder;
import dev.frugal.config.ServerSettings;
import dev.frugal.core.EventLoopTimers;
import dev.frugal.core.GatewayError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Keeps slow and hostile clients from holding the gateway's connections: the request-head, idle
 * and per-address limits and the codec's errors at the connection level ({@link ConnectionGuard}),
 * and the request body's deadline here, at the route level, where the surface that reads a body
 * answers its 408 in its own shape ({@link #answerBodyTimeoutWith}). Settings come from the
 * {@code server} section of the config, read anew for every connection and request.
 *
 * <p>The guard is put into the pipeline of each listening channel of the Quarkus HTTP server once it
 * listens ({@link HttpServerStart}): Quarkus offers no hook on accepted connections, so the listening
 * channel is read from Vert.x's server (its {@code bindFuture}); if a Vert.x upgrade moves it, the
 * start logs an error and the slow-client tests fail (decision 0010).
 *
 * <p>Metrics: {@value #TIMEOUTS} (tag {@code phase}: head, body, idle), {@value #REFUSED} (connections
 * over the per-address cap), {@value #MALFORMED} (tag {@code status}: 400, 414, 431).
 */
@Singleton
public class SlowClients {
    public static final String TIMEOUTS = "frugal.http.client.timeouts";
    public static final String REFUSED = "frugal.http.connections.refused";
    public static final String MALFORMED = "frugal.http.malformed.requests";
    private static final Logger LOG = Logger.getLogger(SlowClients.class);
    /** Before every other route: the body's deadline starts with its head. */
    private static final int ORDER = -1_000_000;
    /** A route's answer to its body timing out (a {@code Consumer<GatewayError>} in the routing context). */
    private static final String BODY_TIMEOUT_ANSWER = "frugal.body-timeout-answer";

    @Inject ConfigHolder configs;
    @Inject Vertx vertx;
    @Inject MeterRegistry registry;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile ConnectionGuard guard;
    private volatile boolean installed;

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::bodyDeadline);
    }

    void httpStarted(@ObservesAsync HttpServerStart started) {
        install();
    }

    void httpsStarted(@ObservesAsync HttpsServerStart started) {
        install();
    }

    /** Whether the connection guard is in place on the gateway's listening channels. */
    public boolean installed() { return installed; }

    /** Open connections from one client address now (its /64 for IPv6). */
    public int openConnections(String address) {
        ConnectionGuard g = guard;
        return g == null ? 0 : g.open(address);
    }

    /**
     * Makes {@code answer} the way this request's body timing out is answered: it is given the 408
     * and must write it in the route's shape and settle what the route started. Without one, the
     * 408 is answered in OpenAI's shape.
     */
    static void answerBodyTimeoutWith(RoutingContext ctx, Consumer<GatewayError> answer) {
        ctx.put(BODY_TIMEOUT_ANSWER, answer);
    }

    private ServerSettings settings() {
        return configs.get().server();
    }

    private synchronized void install() {
        if (guard == null) guard = new ConnectionGuard(this::settings, new Events());
        try {
            for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
                Channel listening = listeningChannel(server);
                if (listening != null && listening.pipeline().get(ConnectionGuard.ACCEPTOR) == null) {
                    listening.pipeline().addFirst(ConnectionGuard.ACCEPTOR, guard.acceptor());
                    installed = true;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.errorf(e, "Slow-client protection is OFF: the HTTP server's listening channel could not be reached "
                    + "(head and idle timeouts, per-address connection caps and JSON codec errors do not apply)");
        }
    }

    @SuppressWarnings("unchecked")
    private static Channel listeningChannel(TCPServerBase server) throws ReflectiveOperationException {
        Field bind = TCPServerBase.class.getDeclaredField("bindFuture");
        bind.setAccessible(true);
        Future<Channel> bound = (Future<Channel>) bind.get(server);
        return bound == null || !bound.succeeded() ? null : bound.result();
    }

    // ---- the body's deadline ---------------------------------------------------------------

    private void bodyDeadline(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Duration limit = settings().bodyTimeout();
        if (hasBody(req) && !req.isEnded()) {
            Runnable cancel = EventLoopTimers.start(vertx, limit.toMillis(), () -> bodyTimedOut(ctx, limit));
            req.end().onComplete(ended -> cancel.run());
        }
        ctx.next();
    }

    private static boolean hasBody(HttpServerRequest req) {
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.trim().equals("0");
    }

    private void bodyTimedOut(RoutingContext ctx, Duration limit) {
        HttpServerRequest req = ctx.request();
        if (req.isEnded()) return;
        count(TIMEOUTS, "phase", "body");
        HttpServerResponse resp = ctx.response();
        if (resp.headWritten() || resp.ended() || resp.closed()) { // answered already: nothing more can be said
            req.connection().close();
            return;
        }
        resp.putHeader(HttpHeaders.CONNECTION, "close");
        ctx.addEndHandler(written -> req.connection().close()); // the rest of the body will not be read
        GatewayError timeout = GatewayError.requestTimeout("body", limit);
        Consumer<GatewayError> answer = ctx.get(BODY_TIMEOUT_ANSWER);
        if (answer != null) answer.accept(timeout);
        else Responses.error(resp, timeout);
    }

    private void count(String name, String tag, String value) {
        counters.computeIfAbsent(name + '|' + value, k -> Counter.builder(name).description(switch (name) {
            case TIMEOUTS -> "Connections closed because a client was too slow, by phase";
            case REFUSED -> "Connections refused, by reason";
            default -> "Requests the HTTP codec refused as malformed, by status";
        }).tag(tag, value).register(registry)).increment();
    }

    private final class Events implements ConnectionGuard.Events {
        @Override public void refused() { count(REFUSED, "reason", "per_address_cap"); }

        @Override public void timedOut(String phase) { count(TIMEOUTS, "phase", phase); }

        @Override public void malformed(int status) { count(MALFORMED, "status", Integer.toString(status)); }
    }
}
