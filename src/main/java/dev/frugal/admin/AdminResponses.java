package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Supplier;

/** How the admin API answers: JSON bodies, and errors in OpenAI's shape. */
final class AdminResponses {
    private AdminResponses() {}

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
