package dev.frugal.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Protects {@code /q/metrics} with its own key when {@code FRUGAL_METRICS_KEY} is set: the
 * metrics name every team, model and provider, which a gateway reachable by its clients should
 * not tell anyone who asks. Neither a team key nor the admin key opens it (a scraper's credential
 * should open nothing else). The key must pass the admin key's strength rule. Without the variable
 * the endpoint stays open, as Prometheus expects by default; see docs/security.md for the other
 * choice (a separate management port).
 */
@ApplicationScoped
public class MetricsGuard {
    @ConfigProperty(name = "frugal.metrics.key")
    Optional<String> metricsKey;

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics")
    String path;

    void register(@Observes Router router) {
        AdminKey key = AdminKey.fromConfig(metricsKey, "FRUGAL_METRICS_KEY", "frugal.metrics.key", "the metrics key",
                "/q/metrics open").orElse(null);
        if (key == null) return;
        // before Quarkus's own handler of the path, and of anything under it
        router.route(path).order(-100).handler(ctx -> authorize(ctx, key));
        router.route(path + "/*").order(-100).handler(ctx -> authorize(ctx, key));
    }

    private static void authorize(RoutingContext ctx, AdminKey key) {
        if (!key.matches(AdminKey.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            AdminResponses.error(ctx, 401, "invalid_api_key", "The metrics endpoint needs the metrics key as 'Authorization: Bearer <key>'.");
            return;
        }
        ctx.next();
    }
}
