package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.Usage;

/** Reads OpenAI-shaped usage, with the DeepSeek and Groq variants (Appendix B). */
final class OpenAiUsage {
    private OpenAiUsage() {}

    /** The usage in this response or chunk, or null if it carries none. */
    static Usage toCore(JsonNode node) {
        JsonNode u = node.get("usage");
        if (u == null || !u.isObject()) {
            JsonNode groq = node.path("x_groq").get("usage");
            if (groq == null || !groq.isObject()) return null;
            u = groq;
        }
        long prompt = u.path("prompt_tokens").asLong(0);
        long completion = u.path("completion_tokens").asLong(0);
        JsonNode cachedNode = u.path("prompt_tokens_details").get("cached_tokens");
        long cached = cachedNode != null && cachedNode.canConvertToLong() ? cachedNode.asLong()
                : u.path("prompt_cache_hit_tokens").asLong(0);
        long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        return new Usage(prompt, completion, cached, reasoning);
    }
}
