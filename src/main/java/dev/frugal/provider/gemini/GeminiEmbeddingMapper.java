package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.Embeddings;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI embeddings ⇄ Gemini {@code :embedContent} (one input) and {@code :batchEmbedContents}
 * (several). provider-protocols.md does not cover these endpoints; the shapes are those of the
 * public Gemini API reference: {@code {"content":{"parts":[{"text":…}]}}} →
 * {@code {"embedding":{"values":[…]}}}, and {@code {"requests":[{"model":"models/x","content":…}]}} →
 * {@code {"embeddings":[{"values":[…]}]}}. OpenAI's {@code dimensions} becomes
 * {@code outputDimensionality}. Gemini's embedding answers usually carry no token count; then
 * {@code prompt_tokens} is 0. Pure.
 */
final class GeminiEmbeddingMapper {
    private GeminiEmbeddingMapper() {}

    /** The body of an {@code :embedContent} request. */
    static ObjectNode single(String text, Integer dimensions) {
        return request(text, dimensions);
    }

    /** The body of a {@code :batchEmbedContents} request; {@code resource} is the model as in the path ({@code models/x}). */
    static ObjectNode batch(String resource, List<String> texts, Integer dimensions) {
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        for (String t : texts) {
            ObjectNode r = Json.object().put("model", resource);
            r.setAll(request(t, dimensions));
            requests.add(r);
        }
        return body;
    }

    private static ObjectNode request(String text, Integer dimensions) {
        ObjectNode r = Json.object();
        r.putObject("content").putArray("parts").addObject().put("text", text);
        if (dimensions != null) r.put("outputDimensionality", dimensions);
        return r;
    }

    /**
     * The vectors of an {@code :embedContent} ({@code embedding}) or {@code :batchEmbedContents}
     * ({@code embeddings}) answer.
     *
     * @throws UpstreamFailure (PROTOCOL) when the answer holds no vectors or not one per input
     */
    static Embeddings toCore(String provider, JsonNode response, int inputs) {
        List<JsonNode> items = new ArrayList<>(inputs);
        if (response.path("embedding").isObject()) items.add(response.get("embedding"));
        else for (JsonNode e : response.path("embeddings")) items.add(e);
        if (items.size() != inputs) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "Upstream provider '" + provider + "' answered "
                    + items.size() + " embeddings for " + inputs + " inputs.");
        }
        List<float[]> vectors = new ArrayList<>(inputs);
        for (JsonNode item : items) {
            JsonNode values = item.get("values");
            if (values == null || !values.isArray()) {
                throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL,
                        "Upstream provider '" + provider + "' answered an embedding without 'values'.");
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) values.get(i).asDouble();
            vectors.add(v);
        }
        long tokens = response.path("usageMetadata").path("promptTokenCount").asLong(0);
        return new Embeddings(vectors, new Usage(tokens, 0, 0, 0));
    }
}
