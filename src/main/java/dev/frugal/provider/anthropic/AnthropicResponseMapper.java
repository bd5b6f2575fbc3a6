package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

/**
 * An Anthropic {@code Message} → an OpenAI {@code chat.completion} (provider-protocols.md §4.3,
 * §4.5, §4.6). Pure and stateless; the creation time is passed in.
 *
 * <ul>
 *   <li>{@code text} blocks are joined into {@code content} ({@code null} when there is none);</li>
 *   <li>{@code tool_use} blocks become {@code tool_calls} in order, {@code arguments} being the
 *       JSON text of {@code input}; in JSON mode the {@code json_response} call is the content instead;</li>
 *   <li>{@code thinking} text goes to {@code reasoning_content} (an extension field, absent when
 *       there was no thinking); {@code redacted_thinking} is dropped (it is encrypted);</li>
 *   <li>server tools ({@code server_tool_use}, {@code *_tool_result}) are dropped: they ran on
 *       Anthropic's side, and as {@code tool_calls} the client would try to run them.</li>
 * </ul>
 */
final class AnthropicResponseMapper {
    private AnthropicResponseMapper() {}

    /**
     * @param message      the 200 body, already checked to be a JSON object
     * @param created      Unix seconds to stamp the answer with
     * @param jsonMode     the request asked for JSON through the {@code json_response} tool
     * @param keepThinking whether thinking text is returned as {@code reasoning_content}
     */
    static ObjectNode toOpenAi(JsonNode message, long created, boolean jsonMode, boolean keepThinking) {
        StringBuilder text = null;
        StringBuilder thinking = null;
        ArrayNode calls = Json.nodes().arrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text = append(text, block.path("text").asText());
                case "thinking" -> thinking = append(thinking, block.path("thinking").asText());
                case "tool_use" -> {
                    String input = Json.write(block.has("input") ? block.get("input") : Json.object());
                    if (jsonMode && AnthropicRequestMapper.JSON_TOOL.equals(block.path("name").asText())) {
                        text = append(text, input);
                    } else {
                        ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText()).put("arguments", input);
                    }
                }
                default -> { /* redacted_thinking, server tools, and block types added later */ }
            }
        }
        ObjectNode out = Json.object();
        out.put("id", message.path("id").asText());
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", message.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode msg = choice.putObject("message").put("role", "assistant");
        if (text == null) msg.putNull("content");
        else msg.put("content", text.toString());
        msg.putNull("refusal");
        if (!calls.isEmpty()) msg.set("tool_calls", calls);
        if (thinking != null && keepThinking) msg.put("reasoning_content", thinking.toString());
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").textValue(), !calls.isEmpty()));
        out.set("usage", usage(message).toOpenAi());
        return out;
    }

    static AnthropicUsage usage(JsonNode message) {
        return AnthropicUsage.NONE.with(message.get("usage"));
    }

    /**
     * {@code tool_use} with no call left for the client (the JSON-mode tool, or only server tools)
     * is a finished answer, so {@code stop}: {@code tool_calls} would send the client looking for calls.
     */
    static String finishReason(String stopReason, boolean clientToolCalls) {
        String mapped = StopReasons.toOpenAi(stopReason);
        return mapped.equals("tool_calls") && !clientToolCalls ? "stop" : mapped;
    }

    private static StringBuilder append(StringBuilder sb, String s) {
        return sb == null ? new StringBuilder(s) : sb.append(s);
    }
}
