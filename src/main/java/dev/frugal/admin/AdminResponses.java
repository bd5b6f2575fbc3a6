package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.DatabaseLane;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import org.jboss.logging.Logger;

import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** How the admin API answers: JSON bodies, and errors in OpenAI's shape. */
final class AdminResponses {
    private static final Logger LOG = Logger.getLogger(AdminResponses.class);

    private AdminResponses() {}

    /**
     * Runs {@code work} (it touches the database) on a thread of {@code lane} and answers with its JSON
     * or its error: a {@link GatewayError} as it is (503 {@code database_unavailable} when the database did
     * not answer within the lane's timeout), anything else as a logged 500.
     */
    static void onLane(RoutingContext ctx, DatabaseLane lane, int status, Callable<JsonNode> work) {
        onLane(ctx, lane, () -> status, work);
    }

    /** The same, with the status read once the work is done (e.g. 201 or 200, as the work found). */
    static void onLane(RoutingContext ctx, DatabaseLane lane, IntSupplier status, Callable<JsonNode> work) {
        lane.run(work).onComplete(ar -> {
            if (ar.succeeded()) json(ctx, status.getAsInt(), ar.result());
            else if (ar.cause() instanceof GatewayError e) error(ctx, e);
            else {
                LOG.errorf(ar.cause(), "Admin request %s %s failed", ctx.request().method(), ctx.request().path());
                error(ctx, 500, "internal_error", "The admin API failed to process the request.");
            }
        });
    }

    static void json(RoutingContext ctx, int status, JsonNode body) {
        if (ctx.response().ended()) return;
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Json.writeBuffer(body));
    }

    static void error(RoutingContext ctx, GatewayError e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error").put("message", e.getMessage()).put("type", e.type());
        if (e.param() == null) err.putNull("param"); else err.put("param", e.param());
        err.put("code", e.code());
        if (!ctx.response().ended() && !ctx.response().headWritten()) {
            if (e.retryAfterSeconds() >= 0) ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            e.headers().forEach(ctx.response()::putHeader);
        }
        json(ctx, e.status(), root);
    }

    /**
     * What {@code read} makes of a request's parameters, or null once the 400 is answered: for a
     * {@link GatewayError} it throws, or a query string that does not decode.
     */
    static <T> T params(RoutingContext ctx, Supplier<T> read) {
        try {
            return read.get();
        } catch (GatewayError e) {
            error(ctx, e);
        } catch (IllegalArgumentException e) { // a query string that does not decode
            error(ctx, GatewayError.invalidRequest("The query string is malformed.", null));
        }
        return null;
    }

    static void error(RoutingContext ctx, int status, String code, String message) {
        error(ctx, new GatewayError(status, status >= 500 ? "server_error" : "invalid_request_error", code, null, message));
    }
}
