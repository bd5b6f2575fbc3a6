package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

/**
 * Gemini's {@code usageMetadata} in OpenAI's accounting (provider-protocols.md §5.5, Appendix B).
 * Stateless.
 *
 * <ul>
 *   <li>prompt = {@code promptTokenCount} (which already includes cached content) +
 *       {@code toolUsePromptTokenCount} (tool-use prompts are billed as input too);</li>
 *   <li>completion = {@code candidatesTokenCount} + {@code thoughtsTokenCount}, because Gemini's
 *       candidate count excludes thinking while OpenAI's completion count includes reasoning;</li>
 *   <li>cached = {@code cachedContentTokenCount}; reasoning = {@code thoughtsTokenCount}.</li>
 * </ul>
 * The total is prompt + completion, which equals Gemini's {@code totalTokenCount} by its definition.
 */
final class GeminiUsage {
    private GeminiUsage() {}

    /** The usage in a response or stream event, or null if it carries no {@code usageMetadata}. */
    static Usage toCore(JsonNode response) {
        JsonNode u = response.get("usageMetadata");
        if (u == null || !u.isObject()) return null;
        long prompt = u.path("promptTokenCount").asLong(0) + u.path("toolUsePromptTokenCount").asLong(0);
        long thoughts = u.path("thoughtsTokenCount").asLong(0);
        long completion = u.path("candidatesTokenCount").asLong(0) + thoughts;
        return new Usage(prompt, completion, u.path("cachedContentTokenCount").asLong(0), thoughts);
    }

    /** OpenAI's {@code usage} object. */
    static ObjectNode toOpenAi(Usage usage) {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return u;
    }
}
