package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ApiRoutes;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.InvalidConfigException;
import dev.frugal.config.RouteConfig;
import dev.frugal.config.RouteJson;
import dev.frugal.config.RouteStore;
import dev.frugal.config.RuleConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Routes through the admin API: {@code GET /admin/routes}, {@code GET|PUT|DELETE /admin/routes/{route}} and
 * {@code GET /admin/routes/{route}/versions}, behind {@link AdminRoutes}'s admin-key guard (docs/admin-api.md#routes).
 * A route has the fields of {@code routes[]} in the file, checked by the same compiler
 * ({@link ConfigCompiler#compileRoute}); a route of the API wins over the file's of the same name until it is
 * deleted (docs/decisions/0014-routes-through-the-admin-api.md). Every PUT writes a new version; every change
 * leaves one record in the {@link AuditTrail}. The work runs on a thread of the database's calls
 * ({@link Database#calls()}: 503 {@code database_unavailable} when the database stalls). The subpaths
 * {@code /examples} and {@code /evaluate} of a route belong to another class: PUT and DELETE here never touch a
 * route's examples.
 */
@Singleton
public class RoutesAdmin {
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** Fields of a route as GET shows it that a PUT may carry back (GET, edit, PUT); they are ignored, but {@code version}. */
    private static final Set<String> SHOWN_ONLY = Set.of("object", "source", "active", "overrides_file", "problem", "updated_at", "updated_by");

    @Inject ApiRoutes routes;
    @Inject ConfigHolder configs;
    @Inject Database database;
    @Inject AuditTrail audit;

    void register(@Observes Router router) {
        router.get("/admin/routes").handler(ctx -> run(ctx, 200, this::list));
        router.get("/admin/routes/:route").handler(ctx -> run(ctx, 200, () -> shown(ctx.pathParam("route"))));
        router.get("/admin/routes/:route/versions").handler(ctx -> run(ctx, 200, () -> versions(ctx.pathParam("route"))));
        router.put("/admin/routes/:route").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.put("/admin/routes/:route").handler(this::put);
        router.delete("/admin/routes/:route").handler(ctx -> {
            AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
            run(ctx, 200, () -> delete(ctx.pathParam("route"), actor));
        });
    }

    private void run(RoutingContext ctx, int status, Callable<JsonNode> work) {
        AdminResponses.onLane(ctx, database.calls(), status, work);
    }

    // ---- reading -------------------------------------------------------------------------------

    /** The file's routes in file order, each replaced by the API's of the same name, then the API's others by name. */
    private JsonNode list() {
        Map<String, RouteStore.Stored> api = new LinkedHashMap<>();
        routes.routes().forEach(s -> api.put(s.name(), s));
        ObjectNode list = Json.object().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (RouteConfig file : configs.fileConfig().routes().values()) {
            RouteStore.Stored s = api.remove(file.name());
            data.add(s != null ? shown(s, true) : shown(file));
        }
        api.values().forEach(s -> data.add(shown(s, false)));
        return list;
    }

    private JsonNode shown(String name) {
        Optional<RouteStore.Stored> api = routes.route(name);
        RouteConfig file = configs.fileConfig().route(name);
        if (api.isPresent()) return shown(api.get(), file != null);
        if (file != null) return shown(file);
        throw notFound(name);
    }

    private JsonNode versions(String name) {
        var versions = routes.versions(name);
        if (versions.isEmpty() && configs.fileConfig().route(name) == null) throw notFound(name);
        ObjectNode list = Json.object().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (RouteStore.Version v : versions) {
            ObjectNode o = data.addObject().put("object", "route.version").put("name", v.name()).put("version", v.version())
                    .put("deleted", v.spec() == null).put("at", v.at().toString()).put("by", v.by());
            o.set("route", v.spec());
        }
        return list;
    }

    /**
     * A route of the API: its fields, {@code source: api}, its {@code version}, whether it is the route in force
     * on this replica ({@code active}; else {@code problem} says why, or it is newer than this replica's last
     * refresh), whether it overrides the file's route of that name.
     */
    private ObjectNode shown(RouteStore.Stored s, boolean overridesFile) {
        ObjectNode o = Json.object().put("object", "route");
        o.setAll((ObjectNode) s.spec());
        String problem = configs.apiRouteProblems().get(s.name());
        Long applied = routes.appliedVersion(s.name());
        o.put("source", "api").put("version", s.version())
                .put("active", problem == null && applied != null && applied == s.version())
                .put("overrides_file", overridesFile);
        if (problem != null) o.put("problem", problem);
        return o.put("updated_at", s.updatedAt().toString()).put("updated_by", s.updatedBy());
    }

    /** A route of the file: its fields as compiled, {@code source: file}, no version. */
    private static ObjectNode shown(RouteConfig file) {
        ObjectNode o = Json.object().put("object", "route");
        o.setAll(RouteJson.of(file));
        o.put("source", "file").putNull("version").put("active", true);
        return o;
    }

    // ---- changing ------------------------------------------------------------------------------

    private void put(RoutingContext ctx) {
        AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
        String name = ctx.pathParam("route");
        String text = ctx.body() == null ? null : ctx.body().asString();
        int[] status = {200};
        AdminResponses.onLane(ctx, database.calls(), () -> status[0], () -> {
            ObjectNode body = route(name, TeamBodies.parse(text));
            Long expected = expectedVersion(body);
            RouteStore.Change change = routes.put(name, current -> {
                Long version = current.map(RouteStore.Stored::version).orElse(null);
                if (expected != null && !expected.equals(version)) {
                    throw new GatewayError(409, "invalid_request_error", "version_conflict", "version", "Route '" + name
                            + "' is at version " + version + ", not " + expected + ": read it again and apply your change to it.");
                }
                if (body.get("created") == null || body.get("created").isNull()) body.put("created", created(name, current));
                return RouteJson.of(compile(body, configs.get()));
            }, actor.credential());
            RouteStore.Stored after = change.after().orElseThrow();
            RouteConfig file = configs.fileConfig().route(name);
            JsonNode before = change.before().<JsonNode>map(RoutesAdmin::audited).orElse(file == null ? null : audited(file));
            audit.record(actor, change.before().isPresent() ? "route.update" : "route.create", null, name, before, audited(after));
            if (change.before().isEmpty()) status[0] = 201;
            return shown(after, file != null);
        });
    }

    private JsonNode delete(String name, AuditTrail.Actor actor) {
        RouteStore.Change change = routes.delete(name, actor.credential());
        RouteConfig file = configs.fileConfig().route(name);
        if (change.before().isEmpty()) {
            if (file == null) throw notFound(name);
            throw new GatewayError(409, "invalid_request_error", "route_managed_by_config", null, "Route '" + name
                    + "' comes from the config file, which owns it: change it there, or override it with PUT.");
        }
        audit.record(actor, "route.delete", null, name, audited(change.before().get()), file == null ? null : audited(file));
        ObjectNode o = Json.object().put("object", "route.deleted").put("name", name).put("deleted", true);
        if (file != null) o.set("reverted_to", shown(file));
        else o.putNull("reverted_to");
        ArrayNode skipped = o.putArray("rules_skipped");
        if (file == null) {
            for (RuleConfig rule : configs.fileConfig().rules()) if (rule.route().equals(name)) skipped.add(rule.name());
        }
        return o;
    }

    /** The body of a PUT without the fields GET adds, its {@code name} that of the path. */
    private static ObjectNode route(String name, JsonNode body) {
        if (!ConfigCompiler.isName(name)) throw GatewayError.invalidRequest("'" + name + "' is not a valid route name.", "name");
        if (body == null) throw GatewayError.invalidRequest("A JSON object body is required: the route's fields.", null);
        if (!(body instanceof ObjectNode o)) throw GatewayError.invalidRequest("The body must be a JSON object: the route's fields.", null);
        JsonNode n = o.get("name");
        if (n != null && !n.isNull() && !name.equals(n.asText())) {
            throw GatewayError.invalidRequest("A route cannot be renamed: 'name' must be '" + name + "' or left out.", "name");
        }
        ObjectNode copy = o.deepCopy();
        copy.remove(SHOWN_ONLY);
        copy.put("name", name);
        return copy;
    }

    /** The {@code version} the PUT expects to replace (removed from the body), or null when it gives none. */
    private static Long expectedVersion(ObjectNode body) {
        JsonNode v = body.remove("version");
        if (v == null || v.isNull()) return null;
        if (!v.canConvertToExactIntegral() || !v.isNumber() || v.asLong() < 1) throw GatewayError.wrongType("version", "a version number");
        return v.asLong();
    }

    /** A new route's {@code created}: kept from the API's route it replaces, else the file's it overrides, else now. */
    private long created(String name, Optional<RouteStore.Stored> current) {
        if (current.isPresent() && current.get().spec().path("created").canConvertToLong()) return current.get().spec().get("created").asLong();
        RouteConfig file = configs.fileConfig().route(name);
        return file != null ? file.created() : routes.now().getEpochSecond();
    }

    private static RouteConfig compile(ObjectNode body, FrugalConfig config) {
        try {
            return ConfigCompiler.compileRoute(body, config);
        } catch (InvalidConfigException e) {
            throw TeamBodies.invalid(e);
        }
    }

    /** A route as the audit trail keeps it: its fields, source and version. */
    private static ObjectNode audited(RouteStore.Stored s) {
        return ((ObjectNode) s.spec().deepCopy()).put("source", "api").put("version", s.version());
    }

    private static ObjectNode audited(RouteConfig file) {
        return RouteJson.of(file).put("source", "file").putNull("version");
    }

    private static GatewayError notFound(String name) {
        return new GatewayError(404, "invalid_request_error", "route_not_found", null, "No route named '" + name + "'.");
    }
}
