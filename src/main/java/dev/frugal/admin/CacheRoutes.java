package dev.frugal.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.core.GatewayError;
import dev.frugal.pipeline.CacheAdmin;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Set;

/**
 * {@code DELETE /admin/cache[?team=<team>][&model=<model or route>]}: purges the response cache —
 * everything, one team's answers, one model's or route's, or one team's for one model — behind
 * {@link AdminRoutes}'s admin-key guard. Every purge is recorded in the {@link AuditTrail}
 * ({@code cache.purge}), also one that reached only this replica's memory because Redis could not
 * be reached (answered 503 {@code cache_store_unavailable}: retry it).
 */
@Singleton
public class CacheRoutes {
    private static final Set<String> PARAMS = Set.of("team", "model");

    @Inject CacheAdmin cache;
    @Inject AuditTrail audit;
    @Inject Vertx vertx;

    void register(@Observes Router router) {
        router.delete("/admin/cache").handler(this::purge);
    }

    /** What to purge: null fields mean all. */
    private record Target(String team, String model) {}

    private void purge(RoutingContext ctx) {
        Target target = AdminResponses.params(ctx, () -> {
            for (String name : ctx.queryParams().names()) {
                if (!PARAMS.contains(name)) throw GatewayError.invalidRequest("Unknown parameter '" + name + "': purge by team and model.", name);
            }
            return new Target(name(ctx, "team"), name(ctx, "model"));
        });
        if (target == null) return;
        String team = target.team();
        String model = target.model();
        AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
        cache.purge(team, model).onComplete(ar -> {
            ObjectNode result = ar.result();
            vertx.executeBlocking(() -> {
                audit.record(actor, "cache.purge", team, model, null, result);
                return null;
            }, false).onComplete(recorded -> {
                if (!result.path("redis_unreachable").asBoolean(false)) {
                    AdminResponses.json(ctx, 200, result);
                    return;
                }
                AdminResponses.error(ctx, new GatewayError(503, "service_unavailable_error", "cache_store_unavailable", null,
                        "Redis could not be reached: " + result.path("memory_entries").asLong() + " answers were purged from"
                                + " this replica's memory only, not from Redis nor the other replicas. Retry the purge.", 1));
            });
        });
    }

    /** The one value of a name parameter, or null when absent. */
    private static String name(RoutingContext ctx, String param) {
        List<String> values = ctx.queryParam(param);
        if (values.isEmpty()) return null;
        if (values.size() > 1) throw GatewayError.invalidRequest("'" + param + "' may be given once.", param);
        String v = values.get(0);
        if (!ConfigCompiler.isName(v)) throw GatewayError.invalidRequest("'" + param + "' must be a " + param + " name.", param);
        return v;
    }
}
