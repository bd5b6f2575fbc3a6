package dev.frugal.admin;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Locale;
import java.util.Optional;

/**
 * Serves {@code /q/metrics} in the format the caller can parse, in place of the extension's own handler,
 * which answered OpenMetrics to {@code Accept: *}{@code /*} (curl's default), a body that the classic
 * text parsers (promtool, most scrapers other than Prometheus) reject, and 406 to a plain
 * {@code application/openmetrics-text}. Here: OpenMetrics 1.0.0 only when the caller prefers it
 * (Prometheus does, by its {@code q} values); the Prometheus text format 0.0.4 for everything else that
 * accepts text, with or without an {@code Accept} header; 406 (OpenAI-shaped) only for a caller that
 * accepts neither.
 *
 * <p>With {@code FRUGAL_METRICS_KEY} set it also asks for that key: the metrics name every team, model and
 * provider, which a gateway reachable by its clients should not tell anyone who asks. Neither a team key
 * nor the admin key opens it (a scraper's credential should open nothing else). The key must pass the
 * admin key's strength rule. Without the variable the endpoint stays open, as Prometheus expects by
 * default; see docs/security.md for the other choice (a separate management port).
 */
@Singleton
public class MetricsEndpoint {
    static final String TEXT = TextFormat.CONTENT_TYPE_004;
    static final String OPENMETRICS = TextFormat.CONTENT_TYPE_OPENMETRICS_100;

    @ConfigProperty(name = "frugal.metrics.key")
    Optional<String> metricsKey;

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "/q/metrics")
    String path;

    @Inject PrometheusMeterRegistry registry;

    void register(@Observes Router router) {
        AdminKey key = AdminKey.fromConfig(metricsKey, "FRUGAL_METRICS_KEY", "frugal.metrics.key", "the metrics key",
                "/q/metrics open").orElse(null);
        // before the extension's own handler of the path (order 1), which then never runs
        router.route(path).order(-100).handler(ctx -> serve(ctx, key));
        if (key != null) router.route(path + "/*").order(-100).handler(ctx -> authorize(ctx, key));
    }

    private void serve(RoutingContext ctx, AdminKey key) {
        if (key != null && !authorized(ctx, key)) return;
        String type = contentType(ctx.request().getHeader(HttpHeaders.ACCEPT));
        if (type == null) {
            AdminResponses.error(ctx, 406, "not_acceptable",
                    "The metrics are served as 'text/plain; version=0.0.4' or 'application/openmetrics-text; version=1.0.0'.");
            return;
        }
        // a scrape formats every series: off the event loop, as it grows with the number of teams and models
        ctx.vertx().executeBlocking(() -> registry.scrape(type), false).onComplete(ar -> {
            if (ar.failed()) {
                AdminResponses.error(ctx, 500, "internal_error", "The metrics could not be written.");
                return;
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).end(ar.result());
        });
    }

    /**
     * The format for an {@code Accept} header: OpenMetrics when an {@code application/openmetrics-text} range
     * (any version) has a higher {@code q} than every text range, else the text format when any range accepts
     * it ({@code text/plain}, {@code text/*}, {@code *}{@code /*}, or no header), else null.
     */
    static String contentType(String accept) {
        if (accept == null || accept.isBlank()) return TEXT;
        double openMetrics = -1, text = -1;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String media = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q <= 0) continue;
            switch (media) {
                case "application/openmetrics-text" -> openMetrics = Math.max(openMetrics, q);
                case "text/plain", "text/*", "*/*" -> text = Math.max(text, q);
                default -> { }
            }
        }
        if (openMetrics > text) return OPENMETRICS;
        return text > 0 ? TEXT : null;
    }

    private static void authorize(RoutingContext ctx, AdminKey key) {
        if (authorized(ctx, key)) ctx.next();
    }

    private static boolean authorized(RoutingContext ctx, AdminKey key) {
        if (key.matches(AdminKey.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)))) return true;
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
        AdminResponses.error(ctx, 401, "invalid_api_key", "The metrics endpoint needs the metrics key as 'Authorization: Bearer <key>'.");
        return false;
    }
}
