package dev.frugal.provider.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.provider.GenerationCall;
import dev.frugal.wire.Json;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Addresses and bodies of Azure OpenAI requests (provider-protocols.md §8.1). Pure.
 *
 * <p>Azure takes OpenAI's request body as it is, so every client field passes through; the
 * deployment (the deployment's upstream {@code model}) selects the model: in the path for the
 * dated API, as body {@code model} for the v1 API. The body carries it in both styles, as
 * OpenAI's own Azure client does; the dated API ignores it.
 */
final class AzureRequests {
    private AzureRequests() {}

    /**
     * The path and query below the resource URL.
     *
     * @param apiVersion the dated API's {@code api-version}; null selects the v1 API
     */
    static String path(String apiVersion, String operationPath, String deployment) {
        if (apiVersion == null) return "/openai/v1" + operationPath;
        return "/openai/deployments/" + encode(deployment).replace("+", "%20") + operationPath
                + "?api-version=" + encode(apiVersion);
    }

    /** The chat or text completion body: the client's, with the deployment as model and usage asked for in streams. */
    static ObjectNode toAzure(GenerationCall call) {
        ObjectNode b = Json.object();
        b.setAll(call.body()); // shallow copy: the original is reused by fallback attempts
        b.put("model", call.deployment().upstreamModel());
        if (call.stream()) {
            ObjectNode so = Json.object();
            if (call.body().get("stream_options") instanceof ObjectNode orig) so.setAll(orig);
            // Always asked for: metering needs usage. The relay hides the chunk from clients that did not ask.
            so.put("include_usage", true);
            b.set("stream_options", so);
        } else {
            b.remove("stream_options");
        }
        return b;
    }

    /** The embeddings body: the client's, with the deployment as model and floats asked for (the edge encodes base64). */
    static ObjectNode embeddingsToAzure(EmbeddingCall call) {
        ObjectNode b = Json.object();
        b.setAll(call.body());
        b.put("model", call.deployment().upstreamModel());
        b.put("encoding_format", "float");
        return b;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
