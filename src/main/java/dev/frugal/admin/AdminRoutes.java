package dev.frugal.admin;

import dev.frugal.core.KeyHash;
import dev.frugal.pipeline.BackendsReport;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin API ({@code /admin/...}), guarded by its own key from {@code FRUGAL_ADMIN_KEY} —
 * never a team key. Without that variable the admin API is off (every path answers 404).
 */
@ApplicationScoped
public class AdminRoutes {
    private static final Logger LOG = Logger.getLogger(AdminRoutes.class);
    @Inject BackendsReport backendsReport;

    @ConfigProperty(name = "frugal.admin.key")
    Optional<String> adminKey;

    private byte[] adminKeyHash;

    void register(@Observes Router router) {
        adminKeyHash = adminKey.filter(k -> !k.isBlank()).map(KeyHash::sha256).orElse(null);
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

    private void authorize(RoutingContext ctx) {
        if (adminKeyHash == null) {
            AdminResponses.error(ctx, 404, "not_found", "The admin API is off: set FRUGAL_ADMIN_KEY to turn it on.");
            return;
        }
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
        if (!MessageDigest.isEqual(adminKeyHash, KeyHash.sha256(key))) { // constant time
            AdminResponses.error(ctx, 401, "invalid_api_key", "The admin API needs the admin key as 'Authorization: Bearer <key>'.");
            return;
        }
        ctx.next();
    }

    /** Every deployment the gateway has called: circuit, cooldown, load, recent outcomes. */
    private void backends(RoutingContext ctx) {
        AdminResponses.json(ctx, 200, backendsReport.list());
    }
}
