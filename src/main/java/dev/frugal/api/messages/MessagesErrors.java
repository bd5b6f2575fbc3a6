package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;

/**
 * The gateway's errors in Anthropic's shape ({@code {"type":"error","error":{"type","message"},
 * "request_id"}}, provider-protocols.md §4.8) with the HTTP status unchanged: the Anthropic SDKs
 * pick their exception by status and show {@code error.type}. Pure.
 */
public final class MessagesErrors {
    private MessagesErrors() {}

    /** Anthropic's {@code error.type} for a gateway error. */
    public static String type(GatewayError e) {
        return switch (e.status()) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "insufficient_quota".equals(e.type()) || "insufficient_quota".equals(e.code()) ? "billing_error" : "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> e.status() >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The error body; {@code requestId} may be null (it is then left out). */
    public static ObjectNode body(GatewayError e, String requestId) {
        ObjectNode root = Json.object().put("type", "error");
        root.putObject("error").put("type", type(e)).put("message", message(e));
        if (requestId != null) root.put("request_id", requestId);
        return root;
    }

    /** Anthropic's errors carry no {@code param}: the field a 400 is about is named in the message. */
    private static String message(GatewayError e) {
        String m = e.getMessage();
        if (e.param() == null || m.contains("'" + e.param() + "'") || m.contains("`" + e.param() + "`")) return m;
        return e.param() + ": " + m;
    }
}
