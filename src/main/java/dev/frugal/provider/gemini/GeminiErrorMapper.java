package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.Credentials;
import dev.frugal.wire.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Classifies Gemini's errors (provider-protocols.md §5.7): {@code {"error":{"code":int,"message",
 * "status":"INVALID_ARGUMENT", "details":[…]}}}, sometimes wrapped in an array, or a proxy's
 * non-JSON page. Never lets the provider key travel back to a client. Pure; no I/O.
 */
final class GeminiErrorMapper {
    private static final int MAX_MESSAGE = 500;

    private GeminiErrorMapper() {}

    /** The failure for an HTTP error answer. */
    static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, Credentials secret) {
        JsonNode error = errorNode(body);
        long retryAfter = retryInfoSeconds(error);
        if (retryAfter < 0) retryAfter = retryAfterHeader(headers);
        return classify(provider, status, error, secret, retryAfter);
    }

    /** The failure for an error object that arrived inside a 200 stream, with its own {@code code}. */
    static UpstreamFailure inBand(String provider, JsonNode root, Credentials secret) {
        JsonNode error = unwrap(root);
        return classify(provider, error.path("code").asInt(0), error, secret, retryInfoSeconds(error));
    }

    /** True when a parsed body or stream event is an error rather than a response. */
    static boolean isError(JsonNode root) {
        JsonNode first = root.isArray() && !root.isEmpty() ? root.get(0) : root;
        return first != null && first.isObject() && first.path("error").isObject();
    }

    private static UpstreamFailure classify(String provider, int status, JsonNode error, Credentials secret, long retryAfter) {
        String grpc = text(error, "status");
        String upstreamMessage = text(error, "message");
        Kind kind = kind(status, grpc, upstreamMessage, error);
        String label = status > 0 ? "HTTP " + status + (grpc == null ? "" : " " + grpc) : (grpc == null ? "an error" : grpc);
        String message = kind == Kind.UNAUTHORIZED
                // Gemini's own text about a bad key is of no use to the client and must not leak.
                ? "The upstream provider '" + provider + "' rejected the gateway's credentials (" + label + ")."
                : "Upstream provider '" + provider + "' answered " + label
                        + (upstreamMessage == null ? "." : ": " + scrub(upstreamMessage, secret));
        return new UpstreamFailure(kind, status, message, null, kind == Kind.RATE_LIMITED || kind == Kind.OVERLOADED ? retryAfter : -1);
    }

    private static Kind kind(int status, String grpc, String message, JsonNode error) {
        // A bad key comes back as 400 INVALID_ARGUMENT with reason API_KEY_INVALID (§5.7): our credential, not the client's request.
        if (status == 401 || "UNAUTHENTICATED".equals(grpc) || hasReason(error, "API_KEY_INVALID")
                || ((status == 400 || "INVALID_ARGUMENT".equals(grpc)) && message != null && message.contains("API key"))) {
            return Kind.UNAUTHORIZED;
        }
        if (status == 403 || "PERMISSION_DENIED".equals(grpc)) return Kind.UNAUTHORIZED;
        // E.g. "User location is not supported" or billing not enabled: our account, so another deployment may serve.
        if ("FAILED_PRECONDITION".equals(grpc)) return Kind.UPSTREAM_ERROR;
        if (message != null && message.contains("exceeds the maximum number of tokens")) return Kind.CONTEXT_TOO_LONG;
        if (status == 404 || "NOT_FOUND".equals(grpc)) return Kind.NOT_FOUND;
        if (status == 429 || "RESOURCE_EXHAUSTED".equals(grpc)) return Kind.RATE_LIMITED;
        // 529 is not Gemini's (its overload is 503 UNAVAILABLE) but the de-facto "overloaded" of proxies in front of it.
        if (status == 503 || status == 529 || "UNAVAILABLE".equals(grpc)) return Kind.OVERLOADED;
        if (status == 504 || status == 408 || "DEADLINE_EXCEEDED".equals(grpc)) return Kind.TIMEOUT;
        if (status == 400 || status == 413 || "INVALID_ARGUMENT".equals(grpc) || "OUT_OF_RANGE".equals(grpc)) return Kind.INVALID_REQUEST;
        if (status >= 400 && status < 500 && status != 499) return Kind.INVALID_REQUEST;
        return Kind.UPSTREAM_ERROR; // 500 INTERNAL, 499 CANCELLED, other 5xx, in-band errors without a code
    }

    private static boolean hasReason(JsonNode error, String reason) {
        for (JsonNode d : error.path("details")) if (reason.equals(d.path("reason").asText(null))) return true;
        return false;
    }

    /** Seconds from a {@code google.rpc.RetryInfo} detail ({@code "retryDelay":"41s"} or {@code "0.5s"}), or -1. */
    static long retryInfoSeconds(JsonNode error) {
        for (JsonNode d : error.path("details")) {
            if (!d.path("@type").asText("").endsWith("google.rpc.RetryInfo")) continue;
            String delay = d.path("retryDelay").asText("");
            if (!delay.matches("\\d{1,9}(\\.\\d{1,9})?s")) continue;
            return new BigDecimal(delay.substring(0, delay.length() - 1)).setScale(0, RoundingMode.CEILING).longValueExact();
        }
        return -1;
    }

    private static long retryAfterHeader(MultiMap headers) {
        String ra = headers == null ? null : headers.get("retry-after");
        if (ra == null || !ra.trim().matches("\\d{1,9}")) return -1;
        return Long.parseLong(ra.trim());
    }

    private static JsonNode errorNode(Buffer body) {
        if (body == null || body.length() == 0) return Json.object();
        try {
            return unwrap(Json.parse(body));
        } catch (Exception notJson) {
            String text = body.toString().strip();
            return Json.object().put("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }

    /** The {@code error} object of an error body, which the non-SSE stream endpoint wraps in an array. */
    private static JsonNode unwrap(JsonNode root) {
        JsonNode first = root.isArray() && !root.isEmpty() ? root.get(0) : root;
        JsonNode e = first.get("error");
        if (e == null) return first.isObject() ? first : Json.object();
        return e.isObject() ? e : Json.object().put("message", e.asText());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    /** Removes the provider key, whole or in part, and anything shaped like a Google API key. */
    static String scrub(String message, Credentials secret) {
        String m = Credentials.mask(message, secret, 8);
        m = m.replaceAll("AIza[0-9A-Za-z_-]{8,}", "AIza***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
