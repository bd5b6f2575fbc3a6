package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.core.Usage;
import dev.frugal.wire.Json;

/**
 * The Responses API's {@code response} object (responses-api.md §2) and its output items, built
 * from an OpenAI {@code chat.completion} (§6.3). Conservative writer: every field the spec marks
 * required is present, nullable ones as {@code null}; {@code output_text} is never sent (SDK-only).
 * Pure.
 */
public final class ResponseObject {
    private ResponseObject() {}

    /** A new response id. */
    public static String newId() { return Ids.random(RESPONSE_PREFIX, RESPONSE_ID_CHARS); }

    private static final String RESPONSE_PREFIX = "resp_";
    private static final int RESPONSE_ID_CHARS = 24;

    /**
     * An output item's id: its kind's prefix ({@code msg_}, {@code fc_}, {@code rs_}), the id of the response
     * it belongs to, and a short random part. A client may later name the item alone ({@code item_reference},
     * as the Vercel AI SDK does between the steps of a tool loop) and the gateway finds the stored response
     * that holds it ({@link #responseOfItem}).
     */
    public static String itemId(String prefix, String responseId) {
        String own = responseId.startsWith(RESPONSE_PREFIX) ? responseId.substring(RESPONSE_PREFIX.length()) : responseId;
        return prefix + own + "_" + Ids.random("", 8);
    }

    /** The response an output item id names ({@link #itemId}), or null for an id of another shape. */
    public static String responseOfItem(String itemId) {
        int first = itemId.indexOf('_'), last = itemId.lastIndexOf('_');
        if (first < 0 || last <= first + 1) return null;
        String own = itemId.substring(first + 1, last);
        if (own.length() != RESPONSE_ID_CHARS) return null;
        for (int i = 0; i < own.length(); i++) if (!Character.isLetterOrDigit(own.charAt(i))) return null;
        return RESPONSE_PREFIX + own;
    }

    /**
     * The response as it starts: {@code in_progress}, no output, no usage.
     *
     * @param model the model the client asked for (decision 0018)
     * @param echo  the request's settings ({@link ResponsesRequestMapper.Translated#echo()})
     */
    public static ObjectNode start(String id, long createdAt, String model, ObjectNode echo) {
        ObjectNode r = Json.object().put("id", id).put("object", "response").put("created_at", createdAt).put("status", "in_progress");
        r.putNull("completed_at").putNull("error").putNull("incomplete_details");
        r.put("model", model);
        r.putArray("output");
        r.putNull("usage");
        r.setAll(echo);
        return r;
    }

    /**
     * The output items of a whole chat completion, in the order reasoning, message, tool calls (§6.5.12):
     * a call of one of the {@code custom} tools is a {@code custom_tool_call} ({@link CustomTools}), any other a
     * {@code function_call}.
     */
    static ArrayNode output(JsonNode completion, String responseId, java.util.Set<String> custom) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        String itemStatus = incompleteReason(choice.path("finish_reason").asText(null)) == null ? "completed" : "incomplete";
        ArrayNode out = Json.nodes().arrayNode();
        String reasoning = Json.contentText(message.get("reasoning_content"));
        if (reasoning.isEmpty()) reasoning = Json.contentText(message.get("reasoning"));
        if (!reasoning.isEmpty()) out.add(reasoning(itemId("rs_", responseId), reasoning));
        String text = Json.contentText(message.get("content"));
        String refusal = Json.contentText(message.get("refusal"));
        if (!text.isEmpty() || !refusal.isEmpty()) {
            ObjectNode m = messageItem(itemId("msg_", responseId), itemStatus);
            if (!text.isEmpty()) m.withArray("content").add(outputText(text));
            if (!refusal.isEmpty()) m.withArray("content").add(Json.object().put("type", "refusal").put("refusal", refusal));
            out.add(m);
        }
        java.util.Set<String> callIds = new java.util.HashSet<>();
        for (JsonNode call : message.path("tool_calls")) {
            String callId = call.path("id").asText("");
            if (callId.isEmpty() || !callIds.add(callId)) callId = Ids.random("call_", 24); // §6.3: unique and non-empty
            callIds.add(callId);
            out.add(toolCall(responseId, callId, call.path("function").path("name").asText(""),
                    call.path("function").path("arguments").asText(""), itemStatus, custom));
        }
        return out;
    }

    /**
     * Ends {@code response} with a whole chat completion: its output items, the model the upstream
     * reports (decision 0018; kept when it names none), status, usage and completion time.
     */
    public static void complete(ObjectNode response, JsonNode completion, Usage usage, long completedAt) {
        if (!completion.path("model").asText("").isEmpty()) response.put("model", completion.get("model").asText());
        finish(response, output(completion, response.path("id").asText(), CustomTools.names(response.path("tools"))), completion.path("choices").path(0).path("finish_reason").asText(null), usage, completedAt);
    }

    /**
     * Ends {@code response}: its output, status by the finish reason ({@code length} and
     * {@code content_filter} make it {@code incomplete}), usage and completion time.
     */
    public static void finish(ObjectNode response, ArrayNode output, String finishReason, Usage usage, long completedAt) {
        response.set("output", output);
        String reason = incompleteReason(finishReason);
        if (reason == null) {
            response.put("status", "completed").put("completed_at", completedAt);
        } else {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", reason);
        }
        response.set("usage", usage(usage));
    }

    /** Ends {@code response} as failed, with the output produced so far and the usage known. */
    public static void fail(ObjectNode response, ArrayNode output, GatewayError e, Usage usage) {
        response.set("output", output);
        response.put("status", "failed");
        response.putObject("error").put("code", e.status() == 429 ? "rate_limit_exceeded" : "server_error").put("message", e.getMessage());
        response.set("usage", usage.totalTokens() == 0 ? Json.nodes().nullNode() : usage(usage));
    }

    /** {@code max_output_tokens} or {@code content_filter} for a finish reason that leaves the answer incomplete, else null. */
    static String incompleteReason(String finishReason) {
        if ("length".equals(finishReason)) return "max_output_tokens";
        if ("content_filter".equals(finishReason)) return "content_filter";
        return null;
    }

    static ObjectNode usage(Usage u) {
        ObjectNode o = Json.object().put("input_tokens", u.promptTokens());
        o.putObject("input_tokens_details").put("cached_tokens", u.cachedTokens()).put("cache_write_tokens", 0);
        o.put("output_tokens", u.completionTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        return o.put("total_tokens", u.totalTokens());
    }

    // ---- items ---------------------------------------------------------------------------------

    static ObjectNode messageItem(String id, String status) {
        ObjectNode m = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        m.putArray("content");
        return m;
    }

    static ObjectNode outputText(String text) {
        ObjectNode p = Json.object().put("type", "output_text").put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }

    static ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status).put("call_id", callId)
                .put("name", name).put("arguments", arguments);
    }

    /** The item of a whole tool call: a {@code custom_tool_call} for one of the {@code custom} tools, else a {@code function_call}. */
    static ObjectNode toolCall(String responseId, String callId, String name, String arguments, String status, java.util.Set<String> custom) {
        if (custom.contains(name)) return CustomTools.call(itemId("ctc_", responseId), callId, name, CustomTools.input(arguments), status);
        return functionCall(itemId("fc_", responseId), callId, name, arguments, status);
    }

    static ObjectNode reasoning(String id, String text) {
        ObjectNode r = Json.object().put("id", id).put("type", "reasoning");
        r.putArray("summary");
        r.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
        return r;
    }
}
