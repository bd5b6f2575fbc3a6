package dev.frugal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.Set;

/**
 * What routing and caching read of one client request, read once: the model asked for, the
 * prompt text worth looking at, the estimated prompt tokens, the output limit, the capabilities
 * the request needs, and a canonical key over everything that changes the answer. The request
 * itself stays the client's JSON ({@link #body()}): fields the gateway does not know still reach
 * the upstream unchanged. An Anthropic {@code /v1/messages} request is viewed after its
 * translation to a chat request.
 *
 * <p>The prompt parts and the cache key are computed on first use (only a router or a cache
 * asks); the request's event loop reads them, or a worker once the loop has handed the view
 * over. Not thread-safe otherwise.
 */
public final class RequestView {

    /** The operation a request asks for. */
    public enum Kind { CHAT, COMPLETIONS, EMBEDDINGS }

    /** What a request needs of the model that serves it. */
    public enum Capability { TOOLS, IMAGES, JSON_MODE, JSON_SCHEMA, STREAMING }

    /**
     * The text a router or a semantic cache looks at: the system prompt (system and developer
     * messages, joined) and the last user turn (for completions the prompt, for embeddings the
     * input). Null when the request has none.
     */
    public record Prompt(String system, String lastUser) {}

    /** No output limit in the request: the model's own applies. */
    public static final long NO_LIMIT = -1;

    /**
     * Fields that do not change the answer, left out of {@link #cacheKey}: who asks ({@code user},
     * {@code metadata}) and how it is delivered ({@code stream}, {@code stream_options}).
     */
    static final Set<String> NOT_IN_KEY = Set.of("user", "stream", "stream_options", "metadata");

    private static final Set<String> IMAGE_PARTS = Set.of("image_url", "image", "input_image");

    private final Kind kind;
    private final ObjectNode body;
    private final String model;
    private final boolean stream;
    private final boolean includeUsage;
    private final long promptTokens;
    private final long outputLimit;
    private final Set<Capability> needs;
    private Prompt prompt;
    private String cacheKey;

    private RequestView(Kind kind, ObjectNode body, long promptTokens, long outputLimit) {
        this.kind = kind;
        this.body = body;
        this.model = body.path("model").asText("");
        this.stream = body.path("stream").asBoolean(false);
        this.includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        this.promptTokens = promptTokens;
        this.outputLimit = outputLimit;
        this.needs = capabilities(body, stream);
    }

    /**
     * The view of a validated request.
     *
     * @param promptTokens the estimated prompt tokens (the pipeline counts them)
     * @param outputLimit  {@code max_completion_tokens} or {@code max_tokens}, or {@link #NO_LIMIT}
     */
    public static RequestView of(Kind kind, ObjectNode body, long promptTokens, long outputLimit) {
        return new RequestView(kind, body, promptTokens, outputLimit);
    }

    public Kind kind() { return kind; }

    /** The client's request as received (translated, for {@code /v1/messages}); adapters copy it before changing it. */
    public ObjectNode body() { return body; }

    /** The model or route the client named. */
    public String model() { return model; }

    public boolean stream() { return stream; }

    /** The client asked for a usage chunk at the end of its stream ({@code stream_options.include_usage}). */
    public boolean includeUsage() { return includeUsage; }

    public long promptTokens() { return promptTokens; }

    /** The most output tokens the request allows, or {@link #NO_LIMIT}. */
    public long outputLimit() { return outputLimit; }

    public boolean needs(Capability c) { return needs.contains(c); }

    public Set<Capability> capabilities() { return Set.copyOf(needs); }

    /**
     * The request asks for a reproducible answer: {@code temperature} 0, or a {@code seed}. Only such
     * requests are cached by default (the same question sampled at a temperature may rightly get another answer).
     */
    public boolean deterministic() {
        JsonNode t = body.get("temperature");
        if (t != null && t.isNumber() && t.doubleValue() == 0) return true;
        JsonNode seed = body.get("seed");
        return seed != null && seed.isNumber() && seed.canConvertToExactIntegral();
    }

    public Prompt prompt() {
        if (prompt == null) prompt = PromptText.of(kind, body);
        return prompt;
    }

    /**
     * SHA-256 (hex) of the request's canonical JSON without {@link #NOT_IN_KEY}, and its kind:
     * equal for requests that must get the same answer, whatever the order of their fields.
     */
    public String cacheKey() {
        if (cacheKey == null) cacheKey = KeyHash.sha256Hex(kind.name() + ' ' + CanonicalJson.of(body, NOT_IN_KEY));
        return cacheKey;
    }

    private static Set<Capability> capabilities(ObjectNode body, boolean stream) {
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        if (stream) needs.add(Capability.STREAMING);
        if (nonEmpty(body.get("tools")) || nonEmpty(body.get("functions"))) needs.add(Capability.TOOLS);
        String format = body.path("response_format").path("type").asText("");
        if (format.equals("json_object")) needs.add(Capability.JSON_MODE);
        else if (format.equals("json_schema")) needs.add(Capability.JSON_SCHEMA);
        for (JsonNode m : body.path("messages")) {
            JsonNode content = m.path("content");
            if (!content.isArray()) continue;
            for (JsonNode part : content) {
                if (IMAGE_PARTS.contains(part.path("type").asText(""))) {
                    needs.add(Capability.IMAGES);
                    return needs;
                }
            }
        }
        return needs;
    }

    private static boolean nonEmpty(JsonNode n) {
        return n != null && n.isArray() && !n.isEmpty();
    }
}
