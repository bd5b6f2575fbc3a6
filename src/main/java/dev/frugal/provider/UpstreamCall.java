package dev.frugal.provider;

/**
 * What every upstream request of one attempt carries besides its body: the gateway's request id
 * ({@code x-request-id}) and the attempt's W3C trace context ({@code traceparent}, null when tracing
 * is off), so that the provider's logs and traces join the gateway's.
 */
public interface UpstreamCall {
    String requestId();

    /** The attempt span's {@code traceparent}, or null. */
    String traceparent();
}
