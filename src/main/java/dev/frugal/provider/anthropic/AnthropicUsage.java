package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

/**
 * Anthropic's token counts (provider-protocols.md §4.6, Appendix B). Anthropic's
 * {@code input_tokens} excludes cached tokens, so OpenAI's {@code prompt_tokens} is the sum of
 * input, cache-creation and cache-read tokens; {@code output_tokens} already includes thinking.
 * Immutable.
 *
 * @param thinking {@code output_tokens_details.thinking_tokens}, or -1 when the upstream did not say
 */
record AnthropicUsage(long input, long cacheCreation, long cacheRead, long output, long thinking) {

    static final AnthropicUsage NONE = new AnthropicUsage(0, 0, 0, 0, -1);

    /**
     * These counts with every field that {@code usage} carries replacing the old value. Stream
     * usage is cumulative (a {@code message_delta} repeats totals), so values are set, never added.
     */
    AnthropicUsage with(JsonNode usage) {
        if (usage == null || !usage.isObject()) return this;
        JsonNode thinkingNode = usage.path("output_tokens_details").get("thinking_tokens");
        return new AnthropicUsage(
                count(usage, "input_tokens", input),
                count(usage, "cache_creation_input_tokens", cacheCreation),
                count(usage, "cache_read_input_tokens", cacheRead),
                count(usage, "output_tokens", output),
                thinkingNode != null && thinkingNode.canConvertToLong() ? thinkingNode.asLong() : thinking);
    }

    long promptTokens() { return input + cacheCreation + cacheRead; }

    Usage toCore() { return new Usage(promptTokens(), output, cacheRead, Math.max(thinking, 0)); }

    /** OpenAI's {@code usage} object (§1.4), with the spec 2.3.0 {@code cache_write_tokens} for cache writes. */
    ObjectNode toOpenAi() {
        ObjectNode u = Json.object();
        u.put("prompt_tokens", promptTokens());
        u.put("completion_tokens", output);
        u.put("total_tokens", promptTokens() + output);
        ObjectNode prompt = u.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        if (cacheCreation > 0) prompt.put("cache_write_tokens", cacheCreation);
        if (thinking >= 0) u.putObject("completion_tokens_details").put("reasoning_tokens", thinking);
        return u;
    }

    private static long count(JsonNode usage, String field, long old) {
        JsonNode v = usage.get(field);
        return v != null && v.canConvertToLong() ? v.asLong() : old;
    }
}
