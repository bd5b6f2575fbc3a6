package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.Credentials;
import dev.frugal.provider.UpstreamErrors;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.time.Clock;

import java.util.Locale;

/**
 * Classifies Anthropic's errors (provider-protocols.md §4.8): the body
 * {@code {"type":"error","error":{"type","message"},"request_id"}} of a non-2xx answer, and the
 * same object arriving as an {@code event: error} inside a 200 stream. HTTP errors are classified
 * by status, in-band errors by {@code error.type} (their status is the stream's 200). Messages
 * never carry the provider key. Pure; no I/O.
 */
final class AnthropicErrorMapper {
    private static final int MAX_MESSAGE = 500;

    private AnthropicErrorMapper() {}

    /** The failure for a non-2xx answer. */
    static UpstreamFailure toFailure(String provider, int status, MultiMap headers, Buffer body, Credentials secret, Clock clock) {
        JsonNode error = UpstreamErrors.errorNode(body);
        String type = text(error, "type");
        String upstreamMessage = text(error, "message");
        Kind kind = byStatus(status, type, upstreamMessage);
        String message = kind == Kind.UNAUTHORIZED
                // The upstream's text may quote (part of) our key; the client learns only that it was refused.
                ? "The upstream provider '" + provider + "' rejected the gateway's credentials (HTTP " + status + ")."
                : "Upstream provider '" + provider + "' answered HTTP " + status
                        + (upstreamMessage == null ? "." : ": " + scrub(upstreamMessage, secret));
        long retryAfter = kind == Kind.RATE_LIMITED || kind == Kind.OVERLOADED ? UpstreamErrors.retryAfterSeconds(headers, clock) : -1;
        return new UpstreamFailure(kind, status, message, null, retryAfter);
    }

    /** The failure for an {@code error} event in a stream, or an error object in a 200 body. */
    static UpstreamFailure inBand(String provider, JsonNode root, Credentials secret) {
        JsonNode error = root.has("error") ? root.get("error") : root;
        String type = text(error, "type");
        String message = text(error, "message");
        Kind kind = type == null ? Kind.UPSTREAM_ERROR : switch (type) {
            case "overloaded_error" -> Kind.OVERLOADED;
            case "rate_limit_error" -> Kind.RATE_LIMITED;
            case "timeout_error" -> Kind.TIMEOUT;
            case "authentication_error", "permission_error" -> Kind.UNAUTHORIZED;
            case "billing_error" -> Kind.QUOTA_EXHAUSTED;
            // A request the upstream first accepted and then refused mid-stream is not the
            // client's fault in a way a 400 could name; report it as the upstream's error.
            default -> Kind.UPSTREAM_ERROR;
        };
        String text = kind == Kind.UNAUTHORIZED
                ? "The upstream provider '" + provider + "' rejected the gateway's credentials."
                : "Upstream provider '" + provider + "' reported " + (type == null ? "an error" : type)
                        + (message == null ? "." : ": " + scrub(message, secret));
        return new UpstreamFailure(kind, 0, text, null, -1);
    }

    private static Kind byStatus(int status, String type, String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        // A spend limit or an empty credit balance comes back as 400 invalid_request_error, not 402
        // (§4.8): retrying or failing over on the same key cannot help.
        if ("billing_error".equals(type) || status == 402
                || m.contains("credit balance is too low") || m.contains("reached your specified api usage limits")) {
            return Kind.QUOTA_EXHAUSTED;
        }
        if (status == 400 && m.contains("prompt is too long")) return Kind.CONTEXT_TOO_LONG;
        if ("overloaded_error".equals(type)) return Kind.OVERLOADED;
        return Kind.forStatus(status);
    }


    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Never let a provider credential (any of {@link Credentials}) travel back to a client, whole or in part. */
    static String scrub(String message, Credentials secret) {
        // Anthropic-shaped keys first, whole: masking a prefix first would hide them from the pattern.
        String m = message.replaceAll("sk-ant-[A-Za-z0-9_*-]{4,}", "sk-ant-***");
        m = Credentials.mask(m, secret, 12);
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
