package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.tenancy.keys.ApiKeys;
import dev.frugal.tenancy.keys.IssuedKey;
import dev.frugal.tenancy.keys.KeyRecord;
import dev.frugal.tenancy.teams.PolicyJson;
import dev.frugal.tenancy.teams.TeamDirectory;
import dev.frugal.tenancy.teams.TeamRecord;
import dev.frugal.wire.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * The admin API for teams and keys ({@code /admin/teams…}), behind {@link AdminRoutes}'s admin-key
 * guard. Handlers parse on the event loop nothing but path parameters; the body, the rules and the
 * database work run on a thread of the database's calls ({@link Database#calls()}: bounded in number and
 * time, so a stalled database answers 503 {@code database_unavailable}), and the answer is written back.
 * Issued keys appear in the response that creates them and nowhere else: never logged, never listed.
 * Every change that succeeds leaves one record in the {@link AuditTrail}, with the state before and
 * after (keys as lists show them, without their display prefix; never the key, never its hash).
 */
@Singleton
public class TeamsAdmin {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    @Inject TeamDirectory directory;
    @Inject ConfigHolder configs;
    @Inject Database database;
    @Inject AuditTrail audit;

    void register(@Observes Router router) {
        router.route("/admin/teams*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post("/admin/teams").handler(ctx -> change(ctx, 201, actor -> {
            TeamRecord t = directory.createTeam(TeamBodies.newTeam(body(ctx), models()));
            audit.record(actor, "team.create", t.name(), t.name(), null, PolicyJson.team(t.team()));
            return team(t);
        }));
        router.get("/admin/teams").handler(ctx -> run(ctx, 200, () -> {
            ObjectNode list = Json.object().put("object", "list");
            ArrayNode data = list.putArray("data");
            directory.teams().forEach(t -> data.add(team(t)));
            return list;
        }));
        router.get("/admin/teams/:team").handler(ctx -> run(ctx, 200, () -> team(directory.team(teamName(ctx)))));
        router.patch("/admin/teams/:team").handler(ctx -> change(ctx, 200, actor -> {
            String name = teamName(ctx);
            JsonNode body = body(ctx);
            return updated(actor, name, current -> TeamBodies.patched(current, body, models()));
        }));
        router.put("/admin/teams/:team").handler(ctx -> change(ctx, 200, actor -> {
            String name = teamName(ctx);
            TeamConfig replacement = TeamBodies.replacement(name, body(ctx), models());
            return updated(actor, name, current -> replacement);
        }));
        router.delete("/admin/teams/:team").handler(ctx -> change(ctx, 200, actor -> {
            String name = teamName(ctx);
            ObjectNode before = PolicyJson.team(directory.team(name).team());
            ArrayNode keyIds = before.putArray("keys");
            directory.keys(name).forEach(k -> keyIds.add(k.id()));
            int keys = directory.deleteTeam(name);
            audit.record(actor, "team.delete", name, name, before, null);
            return Json.object().put("object", "team.deleted").put("name", name).put("deleted", true).put("keys_deleted", keys);
        }));
        router.post("/admin/teams/:team/keys").handler(ctx -> change(ctx, 201, actor -> {
            String name = teamName(ctx);
            TeamBodies.KeyRequest r = TeamBodies.key(body(ctx), directory.now());
            IssuedKey issued = directory.issueKey(name, r.name(), r.expiresAt(), r.limits(), r.budgets());
            audit.record(actor, "key.issue", name, issued.record().id(), null, audited(issued.record()));
            return issued(issued);
        }));
        router.get("/admin/teams/:team/keys").handler(ctx -> run(ctx, 200, () -> {
            ObjectNode list = Json.object().put("object", "list");
            ArrayNode data = list.putArray("data");
            Instant now = directory.now();
            directory.keys(teamName(ctx)).forEach(k -> data.add(key(k, now)));
            return list;
        }));
        router.delete("/admin/teams/:team/keys/:id").handler(ctx -> change(ctx, 200, actor -> {
            String name = teamName(ctx);
            String id = keyId(ctx, name);
            ObjectNode before = storedKey(name, id);
            KeyRecord revoked = directory.revokeKey(name, id);
            audit.record(actor, "key.revoke", name, id, before, audited(revoked));
            return key(revoked, directory.now());
        }));
        router.post("/admin/teams/:team/keys/:id/rotate").handler(ctx -> change(ctx, 201, actor -> {
            String name = teamName(ctx);
            String id = keyId(ctx, name);
            Duration grace = TeamBodies.grace(body(ctx));
            ObjectNode before = storedKey(name, id);
            IssuedKey fresh = directory.rotateKey(name, id, grace);
            ObjectNode after = storedKey(name, id);
            if (after != null) after.set("replaced_by", audited(fresh.record()));
            audit.record(actor, "key.rotate", name, id, before, after);
            return issued(fresh);
        }));
    }

    /** Work that changes something, given who asks ({@link AuditTrail.Actor}); it records its change in the audit trail. */
    private interface Change {
        JsonNode run(AuditTrail.Actor actor) throws Exception;
    }

    /** Like {@link #run}, for a change: the actor is read on the event loop, the work runs on a worker thread. */
    private void change(RoutingContext ctx, int status, Change work) {
        AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
        run(ctx, status, () -> work.run(actor));
    }

    private JsonNode updated(AuditTrail.Actor actor, String name, UnaryOperator<TeamConfig> change) {
        TeamConfig[] before = new TeamConfig[1];
        TeamRecord t = directory.updateTeam(name, current -> {
            before[0] = current;
            return change.apply(current);
        });
        audit.record(actor, "team.update", name, name, PolicyJson.team(before[0]), PolicyJson.team(t.team()));
        return team(t);
    }

    /**
     * Runs {@code work} on a thread of the database's calls (it touches the database) and answers
     * with its JSON or its error: 503 {@code database_unavailable} when the database did not answer
     * within {@code frugal.db.timeout}.
     */
    private void run(RoutingContext ctx, int status, Callable<JsonNode> work) {
        AdminResponses.onLane(ctx, database.calls(), status, work);
    }

    /** The names a team may list: the configured models and routes. */
    private Set<String> models() {
        dev.frugal.config.FrugalConfig c = configs.get();
        if (c.routes().isEmpty()) return c.models().keySet();
        Set<String> names = new java.util.LinkedHashSet<>(c.models().keySet());
        names.addAll(c.routes().keySet());
        return names;
    }

    private static JsonNode body(RoutingContext ctx) {
        return TeamBodies.parse(ctx.body() == null ? null : ctx.body().asString());
    }

    /** A team name from the path; one that breaks the naming rule cannot exist (404). */
    private static String teamName(RoutingContext ctx) {
        String name = ctx.pathParam("team");
        if (!ConfigCompiler.isName(name)) {
            throw new GatewayError(404, "invalid_request_error", "team_not_found", null, "No such team.");
        }
        return name;
    }

    private static String keyId(RoutingContext ctx, String team) {
        String id = ctx.pathParam("id");
        if (id == null || !ApiKeys.ID.matcher(id).matches()) {
            throw new GatewayError(404, "invalid_request_error", "key_not_found", null, "No such key in team '" + team + "'.");
        }
        return id;
    }

    private ObjectNode team(TeamRecord t) {
        ObjectNode o = Json.object().put("object", "team");
        o.setAll(PolicyJson.team(t.team()));
        return o.put("source", t.source().id()).put("active", directory.active(t))
                .put("created_at", t.createdAt().toString()).put("updated_at", t.updatedAt().toString());
    }

    /** A key as lists show it: never the key, never its hash. */
    private static ObjectNode key(KeyRecord k, Instant now) {
        ObjectNode o = Json.object().put("object", "api_key").put("id", k.id()).put("team", k.team()).put("name", k.name())
                .put("prefix", k.prefix()).put("status", k.status(now).id()).put("created_at", k.createdAt().toString());
        time(o, "expires_at", k.expiresAt());
        time(o, "revoked_at", k.revokedAt());
        if (k.limits().isNone()) o.putNull("limits"); else o.set("limits", PolicyJson.limits(k.limits()));
        o.set("budget", PolicyJson.budgets(k.budgets()));
        return o;
    }

    /** A key as the audit trail keeps it: as lists show it, without even its display prefix. */
    private ObjectNode audited(KeyRecord k) {
        ObjectNode o = key(k, directory.now());
        o.remove("prefix");
        return o;
    }

    /** A stored key of the team as the audit trail keeps it, or null (404 comes from the change itself). */
    private ObjectNode storedKey(String team, String id) {
        java.util.List<KeyRecord> keys;
        try {
            keys = directory.keys(team);
        } catch (GatewayError noSuchTeam) {
            return null;
        }
        return keys.stream().filter(k -> k.id().equals(id)).findFirst().map(this::audited).orElse(null);
    }

    /** A key just issued: the one response that ever carries the key itself. */
    private ObjectNode issued(IssuedKey issued) {
        return key(issued.record(), directory.now()).put("key", issued.secret());
    }

    private static void time(ObjectNode o, String field, Instant t) {
        if (t == null) o.putNull(field); else o.put(field, t.toString());
    }

}
