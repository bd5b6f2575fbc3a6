package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.Credentials;
import dev.frugal.provider.UpstreamErrors;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;

/**
 * Classifies Ollama's errors (provider-protocols.md §6.2): {@code {"error":"text"}} with status
 * 400 (bad input, or {@code think} on a model that cannot think), 404 ({@code model 'x' not
 * found}), 429, 500, 502 (cloud model unreachable) or 503 (server busy, like 529 from a proxy); the same object as one
 * line of a 200 stream. A proxy in front of Ollama may add 401/403 and HTML bodies. Pure.
 */
final class OllamaErrorMapper {
    private OllamaErrorMapper() {}

    static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, Credentials secret, Clock clock) {
        String upstream = message(body);
        Kind kind = Kind.forStatus(status);
        String message = kind == Kind.UNAUTHORIZED
                ? "The upstream provider '" + provider + "' rejected the gateway's credentials (HTTP " + status + ")."
                : "Upstream provider '" + provider + "' answered HTTP " + status
                        + (upstream == null ? "." : ": " + UpstreamErrors.scrub(upstream, secret));
        return new UpstreamFailure(kind, status, message, null, UpstreamErrors.retryAfterSeconds(headers, clock));
    }

    /** An {@code {"error":…}} line inside a 200 stream, or a 200 body that is one. */
    static UpstreamFailure inBand(String provider, JsonNode error, Credentials secret) {
        String text = error.isTextual() ? error.asText() : error.path("message").asText(error.toString());
        return new UpstreamFailure(Kind.UPSTREAM_ERROR, 0,
                "Upstream provider '" + provider + "' reported an error: " + UpstreamErrors.scrub(text, secret), null, -1);
    }

    private static String message(Buffer body) {
        if (body == null || body.length() == 0) return null;
        try {
            JsonNode root = Json.parse(body);
            JsonNode e = root.get("error");
            if (e == null) return null;
            return e.isTextual() ? e.asText() : e.path("message").asText(null);
        } catch (Exception notJson) {
            String text = body.toString().strip();
            return text.isEmpty() ? null : text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
    }
}
