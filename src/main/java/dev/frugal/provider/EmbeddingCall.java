package dev.frugal.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;

import java.util.List;

/**
 * One attempt to embed on one deployment.
 *
 * @param texts the inputs when they are strings; null when the client sent token arrays
 * @param body  the client's request as received (for passthrough to OpenAI-compatible upstreams)
 * @param traceparent the attempt span's W3C trace context, sent upstream; null when tracing is off
 */
public record EmbeddingCall(String requestId, ModelConfig.Deployment deployment, List<String> texts, ObjectNode body,
                            Integer dimensions, String traceparent) implements UpstreamCall {
    /** A call outside any trace. */
    public EmbeddingCall(String requestId, ModelConfig.Deployment deployment, List<String> texts, ObjectNode body,
                         Integer dimensions) {
        this(requestId, deployment, texts, body, dimensions, null);
    }
}
