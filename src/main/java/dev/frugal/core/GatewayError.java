package dev.frugal.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An error the gateway answers a client with, in OpenAI's shape
 * ({@code {"error":{"message","type","param","code"}}}). The message never contains secrets.
 * Immutable: {@link #withHeaders} returns a copy.
 */
public final class GatewayError extends RuntimeException {
    /** Tells the OpenAI SDKs not to retry a 429 (their default is to retry every 429). */
    public static final Map<String, String> DO_NOT_RETRY = Map.of("x-should-retry", "false");
    /** The code of a request whose client left before its answer was over (status 499). */
    public static final String CLIENT_CLOSED = "client_closed_request";

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    /** Seconds a client should wait before retrying, or -1 when not known. */
    private final long retryAfterSeconds;
    /** Further response headers (lower-case names), e.g. {@code x-should-retry} or {@code x-ratelimit-*}. */
    private final Map<String, String> headers;

    public GatewayError(int status, String type, String code, String param, String message, long retryAfterSeconds) {
        this(status, type, code, param, message, retryAfterSeconds, Map.of());
    }

    private GatewayError(int status, String type, String code, String param, String message, long retryAfterSeconds,
                         Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
        this.headers = headers;
    }

    public GatewayError(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, -1);
    }

    /** This error with {@code extra} response headers added (names lower-case; a name given again replaces the value). */
    public GatewayError withHeaders(Map<String, String> extra) {
        if (extra.isEmpty()) return this;
        Map<String, String> all = new LinkedHashMap<>(headers);
        extra.forEach((k, v) -> all.put(k.toLowerCase(Locale.ROOT), v));
        return new GatewayError(status, type, code, param, getMessage(), retryAfterSeconds, Collections.unmodifiableMap(all));
    }

    public static GatewayError invalidRequest(String message, String param) {
        return new GatewayError(400, "invalid_request_error", "invalid_value", param, message);
    }

    public static GatewayError missingField(String param) {
        return new GatewayError(400, "invalid_request_error", "missing_required_parameter", param,
                "Missing required parameter: '" + param + "'.");
    }

    public static GatewayError wrongType(String param, String expected) {
        return new GatewayError(400, "invalid_request_error", "invalid_type", param,
                "Invalid type for '" + param + "': expected " + expected + ".");
    }

    public static GatewayError malformedJson(String detail) {
        return new GatewayError(400, "invalid_request_error", "invalid_json", null,
                "We could not parse the JSON body of your request. " + detail);
    }

    public static GatewayError modelNotFound(String model) {
        return new GatewayError(404, "invalid_request_error", "model_not_found", "model",
                "The model `" + model + "` does not exist or you do not have access to it.");
    }

    /**
     * The model has no price and the gateway is set to refuse unpriced models ({@code pricing.reject-unpriced}).
     * 403: retrying cannot help until an administrator sets a price.
     */
    public static GatewayError modelUnpriced(String model) {
        return new GatewayError(403, "invalid_request_error", "model_unpriced", "model",
                "The model `" + model + "` has no price, and this gateway does not serve unpriced models. "
                        + "Ask the gateway's administrator to set a price for it.");
    }

    /** Two credentials in one request (a repeated key header): which one counts would be a guess, so neither does. */
    public static GatewayError ambiguousCredentials(String header) {
        return new GatewayError(400, "invalid_request_error", "ambiguous_credentials", null,
                "The request carries more than one '" + header + "' value; send exactly one key.");
    }

    /**
     * Whether these values of a key header hold more than one credential: the header repeated, or
     * repeated values folded into one with commas (as HTTP allows; no key contains a comma).
     */
    public static boolean ambiguous(java.util.List<String> values) {
        return values.size() > 1 || values.size() == 1 && values.get(0).indexOf(',') >= 0;
    }

    public static GatewayError unauthorized(String message) {
        return new GatewayError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static GatewayError payloadTooLarge(long limitBytes) {
        return new GatewayError(413, "invalid_request_error", "request_too_large", null,
                "Request body exceeds the limit of " + limitBytes + " bytes.");
    }

    public static GatewayError unsupportedMediaType(String got) {
        return new GatewayError(415, "invalid_request_error", "unsupported_media_type", null,
                "Content-Type must be application/json, got '" + got + "'.");
    }

    public static GatewayError notFound(String path) {
        return new GatewayError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + path + ".");
    }

    public static GatewayError methodNotAllowed(String method, String path) {
        return new GatewayError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + method + " is not allowed on " + path + ".");
    }

    public static GatewayError unsupported(String message, String param) {
        return new GatewayError(400, "invalid_request_error", "unsupported_parameter", param, message);
    }

    public static GatewayError noBackend(String message) {
        return new GatewayError(503, "service_unavailable_error", "no_backend_available", null, message);
    }

    /**
     * The database did not answer in time, or could not take more work (a stall, an outage): what
     * needs it (reports, the admin API, a new budget period's spend) fails fast instead of hanging.
     */
    public static GatewayError databaseUnavailable(String message, long retryAfterSeconds) {
        return new GatewayError(503, "service_unavailable_error", "database_unavailable", null, message, retryAfterSeconds);
    }

    public static GatewayError internal(String message) {
        return new GatewayError(500, "server_error", "internal_error", null, message);
    }

    public int status() { return status; }
    public String type() { return type; }
    public String code() { return code; }
    public String param() { return param; }
    public long retryAfterSeconds() { return retryAfterSeconds; }
    /** Further response headers to write with this error (never null; Retry-After is {@link #retryAfterSeconds}). */
    public Map<String, String> headers() { return headers; }
}
