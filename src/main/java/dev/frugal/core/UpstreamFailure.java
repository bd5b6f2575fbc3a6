package dev.frugal.core;

/**
 * A failed call to an upstream backend, classified by the adapter that saw it. Adapters only
 * classify; the executor in {@code resilience} decides whether to retry or fall back.
 */
public final class UpstreamFailure extends RuntimeException {

    /** What went wrong, independent of the provider's protocol. */
    public enum Kind {
        RATE_LIMITED(true), OVERLOADED(true), TIMEOUT(true), NETWORK(true), UPSTREAM_ERROR(true),
        /** The upstream answered something that is not its protocol (HTML on 200, cut stream). */
        PROTOCOL(true),
        UNAUTHORIZED(false), INVALID_REQUEST(false), NOT_FOUND(false), CONTEXT_TOO_LONG(false),
        /**
         * The provider account behind the deployment is out of credit or quota (OpenAI's 429
         * {@code insufficient_quota}, 402, Anthropic's {@code billing_error}): the gateway's account,
         * never the caller's. Not retried on the same deployment, but the plan moves on to the next
         * one and the deployment cools down (resilience).
         */
        QUOTA_EXHAUSTED(false);

        private final boolean retryable;

        Kind(boolean retryable) { this.retryable = retryable; }

        public boolean retryable() { return retryable; }

        /** The kind an HTTP error status means when the body says nothing more specific. */
        public static Kind forStatus(int status) {
            return switch (status) {
                case 400, 409, 413, 422 -> INVALID_REQUEST;
                case 401, 403 -> UNAUTHORIZED;
                case 402 -> QUOTA_EXHAUSTED;
                case 404 -> NOT_FOUND;
                case 408, 504 -> TIMEOUT;
                case 429 -> RATE_LIMITED;
                case 503, 529 -> OVERLOADED;
                default -> status >= 500 ? UPSTREAM_ERROR : INVALID_REQUEST;
            };
        }
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final long retryAfterSeconds;
    private final String param;

    public UpstreamFailure(Kind kind, int upstreamStatus, String message, String param, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public UpstreamFailure(Kind kind, String message) {
        this(kind, 0, message, null, -1);
    }

    public Kind kind() { return kind; }
    public int upstreamStatus() { return upstreamStatus; }
    public long retryAfterSeconds() { return retryAfterSeconds; }
    public String param() { return param; }
    public boolean retryable() { return kind.retryable(); }

    /** The client-facing error for this failure once no other backend can serve the request. */
    public GatewayError toClientError() {
        String msg = getMessage();
        return switch (kind) {
            case RATE_LIMITED -> new GatewayError(429, "rate_limit_error", "upstream_rate_limited", null, msg, retryAfterSeconds);
            // Not the caller's insufficient_quota (SDKs read that as the caller's own quota): the gateway's provider account.
            case QUOTA_EXHAUSTED -> new GatewayError(503, "upstream_error", "upstream_quota_exhausted", null,
                    "The gateway's account with the upstream provider is out of credit or quota (not your quota). " + msg, -1)
                    .withHeaders(GatewayError.DO_NOT_RETRY);
            case OVERLOADED -> new GatewayError(503, "service_unavailable_error", "upstream_overloaded", null, msg, retryAfterSeconds);
            case TIMEOUT -> new GatewayError(504, "timeout_error", "upstream_timeout", null, msg);
            case NETWORK -> new GatewayError(503, "service_unavailable_error", "no_backend_available", null, msg);
            case UNAUTHORIZED -> new GatewayError(502, "upstream_error", "upstream_auth_failed", null, msg);
            case INVALID_REQUEST -> new GatewayError(400, "invalid_request_error", "upstream_rejected", param, msg);
            case CONTEXT_TOO_LONG -> new GatewayError(400, "invalid_request_error", "context_length_exceeded", param, msg);
            case NOT_FOUND -> new GatewayError(502, "upstream_error", "upstream_not_found", null, msg);
            case PROTOCOL, UPSTREAM_ERROR -> new GatewayError(502, "upstream_error", "upstream_error", null, msg);
        };
    }
}
