package dev.frugal.admin;

import dev.frugal.core.KeyHash;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * Protects {@code /q/metrics} with its own key when {@code FRUGAL_METRICS_KEY} is set: the
 * metrics name every team, model and provider, which a gateway reachable by its clients should
 * not tell anyone who asks. Neither a team key nor the admin key opens it (a scraper's credential
 * should open nothing else). Without the variable the endpoint stays open, as Prometheus expects
 * by default; see docs/security.md for the other choice (a separate management port).
 */
@ApplicationScoped
public class MetricsGuard {
    @ConfigProperty(name = "frugal.metrics.key")
    Optional<String> metricsKey;

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics")
    String path;

    void register(@Observes Router router) {
        byte[] hash = metricsKey.filter(k -> !k.isBlank()).map(KeyHash::sha256).orElse(null);
        if (hash == null) return;
        // before Quarkus's own handler of the path, and of anything under it
        router.route(path).order(-100).handler(ctx -> authorize(ctx, hash));
        router.route(path + "/*").order(-100).handler(ctx -> authorize(ctx, hash));
    }

    private static void authorize(RoutingContext ctx, byte[] hash) {
        String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : "";
        if (!MessageDigest.isEqual(hash, KeyHash.sha256(key))) { // constant time
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
            AdminResponses.error(ctx, 401, "invalid_api_key", "The metrics endpoint needs the metrics key as 'Authorization: Bearer <key>'.");
            return;
        }
        ctx.next();
    }
}
