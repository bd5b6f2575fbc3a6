package dev.frugal.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** Writes JSON answers and errors (OpenAI-shaped unless a body is given). */
final class Responses {
    static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");

    private Responses() {}

    static ObjectNode errorBody(GatewayError e) {
        ObjectNode root = Json.object();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param() == null) err.putNull("param"); else err.put("param", e.param());
        if (e.code() == null) err.putNull("code"); else err.put("code", e.code());
        return root;
    }

    static void error(HttpServerResponse resp, GatewayError e) {
        error(resp, e, Json.writeBuffer(errorBody(e)));
    }

    /** Answers {@code e}'s status, {@code Retry-After} and its own headers with the given body (the error in some API's shape). */
    static void error(HttpServerResponse resp, GatewayError e, Buffer body) {
        if (resp.ended() || resp.closed()) return;
        if (resp.headWritten()) { // cannot change the status any more; report in-band and stop
            resp.end();
            return;
        }
        resp.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        if (e.retryAfterSeconds() >= 0) resp.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
        e.headers().forEach(resp::putHeader);
        resp.end(body);
    }

    static void json(HttpServerResponse resp, Buffer body) {
        if (resp.ended() || resp.closed()) return;
        resp.putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body);
    }
}
