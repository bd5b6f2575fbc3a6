package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.Database;
import dev.frugal.config.Defaults;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.pipeline.RoutingExplain;
import dev.frugal.tenancy.teams.TeamDirectory;
import dev.frugal.tenancy.teams.TeamRecord;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * {@code POST /admin/routing/explain} with {@code {"team": "<team>", "request": {<a chat completions body>},
 * "key_id": "<key id>", "headers": {"x-frugal-route": "<value>"}}} (the last two optional, for rules that
 * match them): the routing decision the request would get now, from {@link RoutingExplain}, without
 * calling any upstream. Behind {@link AdminRoutes}'s admin-key guard; reads nothing it changes, so it
 * leaves no audit record. A team of the config file is found in memory; one made through the admin API is
 * read from the database on a thread of its calls ({@link Database#calls()}: 503 {@code database_unavailable}
 * when it does not answer in time).
 */
@Singleton
public class RoutingAdmin {
    private static final Logger LOG = Logger.getLogger(RoutingAdmin.class);
    /** A request body as large as the model endpoints accept by default, plus the envelope. */
    private static final long MAX_BODY_BYTES = Defaults.MAX_BODY_BYTES + 64 * 1024;

    @Inject RoutingExplain explain;
    @Inject TeamDirectory directory;
    @Inject Database database;

    void register(@Observes Router router) {
        router.route("/admin/routing/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post("/admin/routing/explain").handler(this::explain);
    }

    private void explain(RoutingContext ctx) {
        String teamName, keyId, header;
        JsonNode request;
        try {
            JsonNode body = TeamBodies.parse(ctx.body() == null ? null : ctx.body().asString());
            if (body == null || !body.isObject()) {
                throw GatewayError.invalidRequest("The body must be {\"team\": \"<team>\", \"request\": {<a chat completions body>}}.", null);
            }
            teamName = text(body, "team", true);
            keyId = text(body, "key_id", false);
            JsonNode headers = body.get("headers");
            if (headers != null && !headers.isNull() && !headers.isObject()) throw GatewayError.wrongType("headers", "object");
            header = headers == null || headers.isNull() ? null : text(headers, "x-frugal-route", false);
            request = body.get("request");
            if (request == null || request.isNull()) throw GatewayError.missingField("request");
        } catch (GatewayError e) {
            AdminResponses.error(ctx, e);
            return;
        }
        team(teamName).compose(team -> explain.explain(team, keyId, header, request)).onComplete(ar -> {
            if (ar.succeeded()) AdminResponses.json(ctx, 200, ar.result());
            else if (ar.cause() instanceof GatewayError e) AdminResponses.error(ctx, e);
            else {
                LOG.errorf(ar.cause(), "Admin request %s %s failed", ctx.request().method(), ctx.request().path());
                AdminResponses.error(ctx, 500, "internal_error", "The admin API failed to process the request.");
            }
        });
    }

    /** The team as it authenticates now: the file's from memory, else an active one made through the API (the database's calls read it). */
    private Future<TeamConfig> team(String name) {
        TeamConfig file = explain.fileTeam(name);
        if (file != null) return Future.succeededFuture(file);
        if (!ConfigCompiler.isName(name)) return Future.failedFuture(noSuchTeam(name));
        return database.calls().run(() -> {
            TeamRecord t = directory.team(name);
            if (!directory.active(t)) throw noSuchTeam(name);
            return t.team();
        });
    }

    private static GatewayError noSuchTeam(String name) {
        return new GatewayError(404, "invalid_request_error", "team_not_found", "team", "No such team: '" + name + "'.");
    }

    private static String text(JsonNode o, String field, boolean required) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) throw GatewayError.missingField(field);
            return null;
        }
        if (!n.isTextual()) throw GatewayError.wrongType(field, "string");
        return n.asText();
    }
}
