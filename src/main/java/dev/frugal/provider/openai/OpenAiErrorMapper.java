package dev.frugal.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Classifies an error answer of an OpenAI-compatible server. Reads every error shape seen in
 * the wild: {@code {error:{…}}}, {@code {error:"text"}}, flat {@code {object:"error",message}}.
 * Pure; no I/O.
 */
final class OpenAiErrorMapper {
    private static final int MAX_MESSAGE = 500;

    private OpenAiErrorMapper() {}

    static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, String secret) {
        JsonNode error = errorNode(body);
        String upstreamMessage = text(error, "message");
        String code = text(error, "code");
        String type = text(error, "type");
        String param = text(error, "param");
        Kind kind = kind(status, code, type, upstreamMessage);
        String message = switch (kind) {
            case UNAUTHORIZED -> "The upstream provider '" + provider + "' rejected the gateway's credentials (HTTP " + status + ").";
            default -> "Upstream provider '" + provider + "' answered HTTP " + status
                    + (upstreamMessage == null ? "." : ": " + scrub(upstreamMessage, secret));
        };
        return new UpstreamFailure(kind, status, message, param, retryAfterSeconds(headers));
    }

    /** Classifies an error object that arrived inside a 200 stream or body. */
    static UpstreamFailure inBand(String provider, JsonNode error, String secret) {
        JsonNode e = error.isObject() ? error : Json.object().put("message", error.asText());
        String message = text(e, "message");
        String code = text(e, "code");
        String type = text(e, "type");
        Kind kind = kind(0, code, type, message);
        return new UpstreamFailure(kind == Kind.INVALID_REQUEST ? Kind.UPSTREAM_ERROR : kind, 0,
                "Upstream provider '" + provider + "' reported an error"
                        + (message == null ? "." : ": " + scrub(message, secret)), null, -1);
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
        return switch (status) {
            case 400, 413, 422 -> Kind.INVALID_REQUEST;
            case 401, 403 -> Kind.UNAUTHORIZED;
            case 404 -> Kind.NOT_FOUND;
            case 408, 504 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMITED;
            case 503, 529 -> Kind.OVERLOADED;
            default -> status >= 500 ? Kind.UPSTREAM_ERROR : Kind.INVALID_REQUEST;
        };
    }

    private static JsonNode errorNode(Buffer body) {
        if (body == null || body.length() == 0) return Json.object();
        try {
            JsonNode root = Json.parse(body);
            JsonNode e = root.get("error");
            if (e == null) return root;
            if (e.isTextual()) return Json.object().put("message", e.asText());
            return e;
        } catch (Exception notJson) {
            String text = body.toString().strip();
            return Json.object().put("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Never let the provider credential travel back to a client, whole or in part. */
    static String scrub(String message, String secret) {
        String m = message;
        if (secret != null && !secret.isEmpty()) {
            m = m.replace(secret, "***");
            if (secret.length() >= 8) m = m.replace(secret.substring(0, 8), "***");
        }
        m = m.replaceAll("sk-[A-Za-z0-9_*-]{6,}", "sk-***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }

    /** {@code retry-after-ms}, then {@code retry-after} as seconds or HTTP date; -1 when absent. */
    static long retryAfterSeconds(MultiMap headers) {
        if (headers == null) return -1;
        try {
            String ms = headers.get("retry-after-ms");
            if (ms != null) return (long) Math.ceil(Double.parseDouble(ms.trim()) / 1000.0);
            String ra = headers.get("retry-after");
            if (ra == null) return -1;
            ra = ra.trim();
            if (ra.matches("\\d+(\\.\\d+)?")) return (long) Math.ceil(Double.parseDouble(ra));
            ZonedDateTime at = ZonedDateTime.parse(ra, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toSeconds());
        } catch (RuntimeException unparseable) {
            return -1;
        }
    }
}
