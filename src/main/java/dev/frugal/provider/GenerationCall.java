package dev.frugal.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;

/**
 * One attempt to generate on one deployment.
 *
 * @param body             the client's request as received; adapters copy it before changing anything,
 *                         because a fallback attempt reuses it
 * @param clientWantsUsage the client asked for a usage chunk ({@code stream_options.include_usage})
 * @param traceparent      the attempt span's W3C trace context, sent upstream; null when tracing is off
 */
public record GenerationCall(String requestId, Operation operation, ModelConfig.Deployment deployment,
                             ObjectNode body, boolean stream, boolean clientWantsUsage, String traceparent)
        implements UpstreamCall {
    /** A call outside any trace. */
    public GenerationCall(String requestId, Operation operation, ModelConfig.Deployment deployment,
                          ObjectNode body, boolean stream, boolean clientWantsUsage) {
        this(requestId, operation, deployment, body, stream, clientWantsUsage, null);
    }
}
