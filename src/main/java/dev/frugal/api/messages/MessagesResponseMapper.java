package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

/**
 * Translates an OpenAI {@code chat.completion} (what every adapter answers) into an Anthropic
 * {@code message} (provider-protocols.md §4.3, §4.5, §4.6, read in the other direction). Pure.
 *
 * <p>Blocks, in Anthropic's order: a {@code thinking} block from {@code reasoning_content} (with
 * an empty {@code signature}: no backend behind the gateway can sign it), a {@code text} block
 * from {@code content} (or {@code refusal}), then one {@code tool_use} block per tool call, its
 * {@code arguments} parsed into {@code input}. Arguments that are not a JSON object are passed on
 * as the string they are rather than dropped or invented.
 */
public final class MessagesResponseMapper {
    private MessagesResponseMapper() {}

    /**
     * @param completion the OpenAI answer (its first choice is used: the Messages API has no {@code n})
     * @param model      the model name to report: the upstream's (decision 0018)
     * @param usage      the usage the gateway metered for this answer
     */
    public static ObjectNode toAnthropic(JsonNode completion, String model, Usage usage) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = Json.object();
        out.put("id", messageId(completion.path("id").asText("")));
        out.put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = out.putArray("content");
        String reasoning = Json.contentText(message.get("reasoning_content"));
        if (!reasoning.isEmpty()) content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        String text = Json.contentText(message.get("content"));
        if (text.isEmpty()) text = Json.contentText(message.get("refusal"));
        if (!text.isEmpty()) content.addObject().put("type", "text").put("text", text);
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject().put("type", "tool_use");
            block.put("id", call.path("id").asText(""));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", input(call.path("function").path("arguments")));
        }
        boolean toolCalls = !message.path("tool_calls").isEmpty();
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null), toolCalls));
        out.putNull("stop_sequence");
        out.set("usage", usage(usage));
        return out;
    }

    /** Anthropic's {@code stop_reason} for an OpenAI {@code finish_reason} (Appendix A, reversed). */
    static String stopReason(String finishReason, boolean sawToolCalls) {
        if (finishReason == null) return sawToolCalls ? "tool_use" : "end_turn";
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> sawToolCalls ? "tool_use" : "end_turn";
        };
    }

    /**
     * Anthropic usage from the gateway's: {@code input_tokens} excludes cached tokens there
     * (§4.6), so cached tokens move to {@code cache_read_input_tokens}.
     */
    static ObjectNode usage(Usage u) {
        long cached = Math.min(u.cachedTokens(), u.promptTokens());
        return Json.object().put("input_tokens", u.promptTokens() - cached)
                .put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", cached)
                .put("output_tokens", u.completionTokens());
    }

    /** An id of Anthropic's shape that still names the upstream's. */
    static String messageId(String upstreamId) {
        if (upstreamId.startsWith("msg_")) return upstreamId;
        return upstreamId.isEmpty() ? dev.frugal.core.Ids.random("msg_", 24) : "msg_" + upstreamId;
    }

    private static JsonNode input(JsonNode arguments) {
        if (!arguments.isTextual()) return arguments.isObject() ? arguments : Json.object();
        String s = arguments.asText();
        if (s.isBlank()) return Json.object();
        try {
            JsonNode parsed = Json.parse(s);
            return parsed.isObject() ? parsed : arguments;
        } catch (Exception e) {
            return arguments; // the model wrote invalid JSON: the client sees exactly what it wrote
        }
    }
}
