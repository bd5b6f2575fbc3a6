package dev.frugal.admin;

import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.pipeline.BackendsReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * The admin API ({@code /admin/...}), guarded by its own key from {@code FRUGAL_ADMIN_KEY} —
 * never a team key. Without that variable the admin API is off (every path answers 404); a weak
 * key stops the start ({@link AdminKey}). Wrong keys are throttled per client address
 * ({@link AdminThrottle}: 429 with {@code Retry-After}), logged without the key and counted in
 * {@value #AUTH_FAILURES}. A request that passes carries its {@link AuditTrail.Actor}.
 */
@Singleton
public class AdminRoutes {
    /** Wrong admin keys; tag {@code outcome}: {@code rejected} (401) or {@code throttled} (429, the address is locked out). */
    public static final String AUTH_FAILURES = "frugal.admin.auth.failures";
    private static final Logger LOG = Logger.getLogger(AdminRoutes.class);
    private static final int MAX_LOGGED_PATH = 200;
    @Inject BackendsReport backendsReport;
    @Inject TimeSource time;
    @Inject MeterRegistry registry;

    @ConfigProperty(name = "frugal.admin.key")
    Optional<String> adminKey;
    @ConfigProperty(name = "frugal.admin.auth.max-failures", defaultValue = "10")
    int maxFailures;
    @ConfigProperty(name = "frugal.admin.auth.failure-window", defaultValue = "1m")
    Duration failureWindow;
    @ConfigProperty(name = "frugal.admin.auth.lockout", defaultValue = "1m")
    Duration lockout;
    @ConfigProperty(name = "frugal.admin.auth.max-lockout", defaultValue = "1h")
    Duration maxLockout;
    @ConfigProperty(name = "frugal.admin.auth.max-addresses", defaultValue = "10000")
    int maxAddresses;

    private AdminKey key;
    private AdminThrottle throttle;
    private Counter rejected;
    private Counter throttled;

    void register(@Observes Router router) {
        key = AdminKey.fromConfig(adminKey).orElse(null);
        if (key != null) LOG.infof("Admin API on; admin key id %s", key.id());
        throttle = new AdminThrottle(maxFailures, failureWindow, lockout, maxLockout, maxAddresses, time::nanoTime);
        rejected = Counter.builder(AUTH_FAILURES).description("Admin API requests refused for their key").tag("outcome", "rejected").register(registry);
        throttled = Counter.builder(AUTH_FAILURES).description("Admin API requests refused for their key").tag("outcome", "throttled").register(registry);
        router.route("/admin/*").order(-10).handler(this::authorize);
        router.get("/admin/backends").handler(this::backends);
        router.route("/admin/*").failureHandler(this::failed);
        router.route("/admin/*").last().handler(ctx -> AdminResponses.error(ctx, 404, "unknown_url",
                "Unknown admin URL: " + ctx.request().method() + " " + ctx.request().path() + "."));
    }

    /** A handler failed or a body was refused (413 by the body reader): answer in OpenAI's shape, never a stack trace. */
    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 413) AdminResponses.error(ctx, 413, "request_too_large", "The request body is too large.");
        else if (status < 500) AdminResponses.error(ctx, status, "invalid_request", "The request could not be processed.");
        else {
            LOG.errorf(ctx.failure(), "Admin request %s %s failed", ctx.request().method(), ctx.request().path());
            AdminResponses.error(ctx, 500, "internal_error", "The admin API failed to process the request.");
        }
    }

    /**
     * Admin key check. A locked-out address is refused before its key is compared; a wrong key counts
     * against its address, a missing one does not (nothing was guessed). The presented key is never logged.
     */
    private void authorize(RoutingContext ctx) {
        if (ConsoleSession.granted(ctx)) { // rerouted by the console after its own session and CSRF checks
            ctx.next();
            return;
        }
        if (key == null) {
            AdminResponses.error(ctx, 404, "not_found", "The admin API is off: set FRUGAL_ADMIN_KEY to turn it on.");
            return;
        }
        SocketAddress remote = ctx.request().remoteAddress();
        String address = remote == null ? "unknown" : remote.host();
        Duration wait = throttle.lockedFor(address);
        if (!wait.isZero()) {
            throttled.increment();
            tooManyFailures(ctx, wait);
            return;
        }
        if (GatewayError.ambiguous(ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION))) {
            AdminResponses.error(ctx, GatewayError.ambiguousCredentials("Authorization"));
            return;
        }
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        String presented = AdminKey.bearer(auth);
        if (!key.matches(presented)) {
            if (!presented.isEmpty()) wrongKey(ctx, address);
            AdminResponses.error(ctx, 401, "invalid_api_key", "The admin API needs the admin key as 'Authorization: Bearer <key>'.");
            return;
        }
        throttle.succeeded(address);
        new AuditTrail.Actor("admin-key:" + key.id(), address).attachTo(ctx);
        ctx.next();
    }

    /** The admin key, or null when the admin API (and so the console) is off. */
    AdminKey key() {
        return key;
    }

    /**
     * The console's sign-in with a key: whether the address is locked out (a non-zero wait), else whether
     * {@code presented} is the admin key; a wrong key counts against the address as on the API, unless
     * {@code otherwiseValid} (it is a team key, signing in to a team's view).
     */
    Duration lockedOut(String address) {
        return throttle.lockedFor(address);
    }

    boolean signIn(String presented, String address, boolean otherwiseValid, RoutingContext ctx) {
        if (key != null && key.matches(presented)) {
            throttle.succeeded(address);
            return true;
        }
        if (!otherwiseValid && !presented.isEmpty()) wrongKey(ctx, address);
        return false;
    }

    private void wrongKey(RoutingContext ctx, String address) {
        rejected.increment();
        AdminThrottle.Failure f = throttle.failed(address);
        String path = ctx.request().path();
        if (path != null && path.length() > MAX_LOGGED_PATH) path = path.substring(0, MAX_LOGGED_PATH) + "…";
        LOG.warnf("Admin authentication failed from %s on %s %s: %d failure(s) within %d s", address, ctx.request().method(), path,
                f.count(), failureWindow.toSeconds());
        if (!f.lockout().isZero()) {
            LOG.warnf("Admin authentication from %s locked out for %d s after %d failures", address, seconds(f.lockout()), f.count());
        }
    }

    private static void tooManyFailures(RoutingContext ctx, Duration wait) {
        long s = seconds(wait);
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(s));
        AdminResponses.error(ctx, new GatewayError(429, "rate_limit_error", "too_many_failed_authentications", null,
                "Too many failed admin authentications from this address: try again in " + s + " s."));
    }

    /** Whole seconds, rounded up, at least 1 (what Retry-After can say). */
    private static long seconds(Duration d) {
        return Math.max(1, (d.toNanos() + 999_999_999L) / 1_000_000_000L);
    }

    /** Every deployment the gateway has called: circuit, cooldown, load, recent outcomes. */
    private void backends(RoutingContext ctx) {
        AdminResponses.json(ctx, 200, backendsReport.list());
    }
}
