package dev.frugal.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.ProviderConfig;
import dev.frugal.pipeline.BackendsReport;
import dev.frugal.wire.Json;
import io.quarkus.qute.Engine;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The console's pages: Qute templates under {@code templates/console/}, rendered on the event loop from
 * what is in memory (the session, the config's provider names); their data comes from the admin API
 * through {@code /console/api} ({@link ConsoleRoutes}), read by the pages' scripts. The backends table is
 * a server-rendered fragment that htmx polls. A team session sees the overview and its team only.
 */
@Singleton
public class ConsolePages {
    /** The pages, in the order of the navigation; the team view has the first two. */
    static final List<String> PAGES = List.of("overview", "teams", "routing", "backends", "audit");
    private static final Set<String> TEAM_PAGES = Set.of("overview", "teams");
    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() {};

    @Inject Engine qute;
    @Inject ConfigHolder configs;
    @Inject BackendsReport backends;

    private ConsoleRoutes routes;

    void register(Router router, ConsoleRoutes routes) {
        this.routes = routes;
        for (String page : PAGES) router.get("/console/" + page).handler(ctx -> page(ctx, page));
        router.get("/console/fragments/backends").handler(this::backendRows);
    }

    void login(RoutingContext ctx, int status, String nonce, String error) {
        html(ctx, status, qute.getTemplate("console/login.html").data("nonce", nonce).data("error", error).render());
    }

    private void page(RoutingContext ctx, String page) {
        Optional<ConsoleSession> s = routes.session(ctx);
        if (s.isEmpty()) {
            ConsoleRoutes.redirect(ctx, "/console/login");
            return;
        }
        ConsoleSession session = s.get();
        if (!session.admin() && !TEAM_PAGES.contains(page)) {
            html(ctx, 403, shell("console/forbidden.html", session, page).render());
            return;
        }
        html(ctx, 200, shell("console/" + page + ".html", session, page).data("localProviders", localProviders()).render());
    }

    /** A page with what the layout shows: the session's role and team, its CSRF token, the navigation. */
    private TemplateInstance shell(String template, ConsoleSession s, String page) {
        List<Map<String, String>> nav = PAGES.stream().filter(p -> s.admin() || TEAM_PAGES.contains(p))
                .map(p -> Map.of("name", p, "label", Character.toUpperCase(p.charAt(0)) + p.substring(1))).toList();
        return qute.getTemplate(template).data("admin", s.admin()).data("team", s.team()).data("csrf", routes.csrf(s))
                .data("pages", nav).data("page", page);
    }

    /** The backends' rows, for htmx to swap into the backends page every few seconds. Admin sessions only. */
    private void backendRows(RoutingContext ctx) {
        Optional<ConsoleSession> s = routes.session(ctx);
        if (s.isEmpty() || !s.get().admin()) {
            AdminResponses.error(ctx, 403, "permission_denied", "The backends are for an admin session.");
            return;
        }
        List<Map<String, Object>> rows = Json.mapper().convertValue(backends.list().get("data"), ROWS);
        rows.forEach(r -> r.put("error_pct", String.format(java.util.Locale.ROOT, "%.1f %%",
                100 * ((Number) r.getOrDefault("error_rate", 0)).doubleValue())));
        html(ctx, 200, qute.getTemplate("console/backend-rows.html").data("rows", rows).render());
    }

    /** The providers that are local (on the gateway's own machines), comma-separated: the overview's local/hosted split. */
    private String localProviders() {
        return configs.get().providers().values().stream().filter(ProviderConfig::local).map(ProviderConfig::name)
                .collect(Collectors.joining(","));
    }

    private static void html(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(body);
    }
}
