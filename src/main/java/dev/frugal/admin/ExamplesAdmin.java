package dev.frugal.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.pipeline.ExamplesEvaluation;
import dev.frugal.pipeline.RouteExamples;
import dev.frugal.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A route's learned-quality examples (docs/admin-api.md#route-examples), behind {@link AdminRoutes}'s
 * admin-key guard:
 * <ul>
 *   <li>{@code POST /admin/routes/{route}/examples} ({@code Content-Type: text/csv}): replaces the route's
 *       examples; 202 with the upload's status while its prompts are embedded ({@link RouteExamples});</li>
 *   <li>{@code GET /admin/routes/{route}/examples}: the examples in force and the last upload's progress;</li>
 *   <li>{@code DELETE /admin/routes/{route}/examples}: clears them (the route falls back to its priors);</li>
 *   <li>{@code POST /admin/routes/{route}/evaluate} ({@code text/csv}, optional
 *       {@code ?operating_points=0.5,0.6}): the cost/quality curve on a labelled test set ({@link ExamplesEvaluation}).</li>
 * </ul>
 * Uploads and clears are audited ({@code route.examples.upload}, {@code route.examples.delete}: how many rows,
 * which candidates — never the prompts). A body is at most {@code frugal.routing.examples.max-upload-size}
 * (413 past it); its own body reader runs before any other on these paths.
 */
@Singleton
public class ExamplesAdmin {
    private static final Logger LOG = Logger.getLogger(ExamplesAdmin.class);
    private static final String PATHS = "/admin/routes/[^/]+/(examples|evaluate)";

    @Inject RouteExamples examples;
    @Inject ExamplesEvaluation evaluation;
    @Inject AuditTrail audit;
    @Inject Database database;
    @ConfigProperty(name = "frugal.routing.examples.max-upload-size", defaultValue = "64M") io.quarkus.runtime.configuration.MemorySize maxUpload;

    void register(@Observes Router router) {
        // after the admin-key guard (order -10), before any body reader registered for /admin/routes*
        router.routeWithRegex(PATHS).order(-5).handler(BodyHandler.create(false).setBodyLimit(maxUpload.asLongValue()));
        router.post("/admin/routes/:route/examples").handler(this::upload);
        router.get("/admin/routes/:route/examples").handler(this::status);
        router.delete("/admin/routes/:route/examples").handler(this::delete);
        router.post("/admin/routes/:route/evaluate").handler(this::evaluate);
    }

    private void upload(RoutingContext ctx) {
        String csv = csv(ctx);
        if (csv == null) return;
        String route = ctx.pathParam("route");
        AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
        examples.upload(route, csv, actor.credential()).compose(status -> database.calls().run(() -> {
            ObjectNode after = Json.object().put("upload_id", status.path("upload").path("id").asLong())
                    .put("rows", status.path("upload").path("rows").asInt());
            after.set("candidates", status.path("upload").get("candidates"));
            audit.record(actor, "route.examples.upload", null, route, null, after);
            return status;
        })).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader(HttpHeaders.LOCATION, "/admin/routes/" + route + "/examples");
                AdminResponses.json(ctx, 202, ar.result());
            } else failed(ctx, ar.cause());
        });
    }

    private void status(RoutingContext ctx) {
        examples.status(ctx.pathParam("route")).onComplete(ar -> {
            if (ar.succeeded()) AdminResponses.json(ctx, 200, ar.result());
            else failed(ctx, ar.cause());
        });
    }

    private void delete(RoutingContext ctx) {
        String route = ctx.pathParam("route");
        AuditTrail.Actor actor = AuditTrail.Actor.of(ctx);
        examples.delete(route).compose(rows -> database.calls().run(() -> {
            audit.record(actor, "route.examples.delete", null, route, Json.object().put("rows", rows), null);
            return rows;
        })).onComplete(ar -> {
            if (ar.succeeded()) {
                AdminResponses.json(ctx, 200, Json.object().put("object", "route.examples").put("route", route)
                        .put("deleted", true).put("rows", ar.result()));
            } else failed(ctx, ar.cause());
        });
    }

    private void evaluate(RoutingContext ctx) {
        double[] points = AdminResponses.params(ctx, () -> points(ctx.queryParam("operating_points")));
        if (points == null && ctx.response().ended()) return;
        String csv = csv(ctx);
        if (csv == null) return;
        Future<ObjectNode> result;
        try {
            result = evaluation.evaluate(ctx.pathParam("route"), csv, points);
        } catch (GatewayError e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) AdminResponses.json(ctx, 200, ar.result());
            else failed(ctx, ar.cause());
        });
    }

    /** {@code operating_points=0.5,0.6}: each 0..1, at most 1 000; null when absent. */
    private static double[] points(java.util.List<String> given) {
        if (given == null || given.isEmpty()) return null;
        String[] parts = String.join(",", given).split(",");
        if (parts.length > 1000) throw GatewayError.invalidRequest("At most 1000 operating_points.", "operating_points");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = Double.NaN;
            }
            if (!(out[i] >= 0 && out[i] <= 1)) {
                throw GatewayError.invalidRequest("operating_points must be numbers from 0 to 1, comma-separated: '" + parts[i].trim()
                        + "' is not.", "operating_points");
            }
        }
        return out;
    }

    /** The body as text when it is {@code text/csv}; else answers 415 and gives null. */
    private static String csv(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("text/csv")) {
            AdminResponses.error(ctx, 415, "unsupported_media_type", "Send the outcomes as CSV with Content-Type: text/csv.");
            return null;
        }
        return ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
    }

    private static void failed(RoutingContext ctx, Throwable t) {
        if (t instanceof GatewayError e) AdminResponses.error(ctx, e);
        else {
            LOG.errorf(t, "Admin request %s %s failed", ctx.request().method(), ctx.request().path());
            AdminResponses.error(ctx, 500, "internal_error", "The admin API failed to process the request.");
        }
    }
}
