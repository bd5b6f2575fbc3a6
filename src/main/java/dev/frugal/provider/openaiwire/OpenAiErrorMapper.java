package dev.frugal.provider.openaiwire;

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
 * Classifies an error answer of an OpenAI-compatible server. Reads every error shape seen in
 * the wild: {@code {error:{…}}}, {@code {error:"text"}}, flat {@code {object:"error",message}}.
 * Pure; no I/O.
 */
public final class OpenAiErrorMapper {
    private OpenAiErrorMapper() {}

    /** @param clock now, for a {@code retry-after} given as an HTTP date */
    public static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, Credentials secret,
                                            Clock clock) {
        JsonNode error = UpstreamErrors.errorNode(body);
        String upstreamMessage = text(error, "message");
        String code = text(error, "code");
        String type = text(error, "type");
        String param = text(error, "param");
        Kind kind = kind(status, code, type, upstreamMessage);
        String message = switch (kind) {
            case UNAUTHORIZED -> "The upstream provider '" + provider + "' rejected the gateway's credentials (HTTP " + status + ").";
            default -> "Upstream provider '" + provider + "' answered HTTP " + status
                    + (upstreamMessage == null ? "." : ": " + UpstreamErrors.scrub(upstreamMessage, secret));
        };
        return new UpstreamFailure(kind, status, message, UpstreamErrors.scrub(param, secret), UpstreamErrors.retryAfterSeconds(headers, clock));
    }

    /** Classifies an error object that arrived inside a 200 stream or body. */
    public static UpstreamFailure inBand(String provider, JsonNode error, Credentials secret) {
        JsonNode e = error.isObject() ? error : Json.object().put("message", error.asText());
        String message = text(e, "message");
        String code = text(e, "code");
        String type = text(e, "type");
        Kind kind = kind(0, code, type, message);
        return new UpstreamFailure(kind == Kind.INVALID_REQUEST ? Kind.UPSTREAM_ERROR : kind, 0,
                "Upstream provider '" + provider + "' reported an error"
                        + (message == null ? "." : ": " + UpstreamErrors.scrub(message, secret)), null, -1);
    }

    private static Kind kind(int status, String code, String type, String message) {
        if ("insufficient_quota".equals(code) || "insufficient_quota".equals(type) || status == 402) return Kind.QUOTA_EXHAUSTED;
        if ("context_length_exceeded".equals(code) || (message != null && message.contains("maximum context length"))) {
            return Kind.CONTEXT_TOO_LONG;
        }
        if (status == 0) {
            if (type != null && (type.contains("overloaded") || type.contains("unavailable"))) return Kind.OVERLOADED;
            if (type != null && type.contains("rate_limit")) return Kind.RATE_LIMITED;
            return Kind.UPSTREAM_ERROR;
        }
        return Kind.forStatus(status);
    }


    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
