package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Ids;
import dev.frugal.wire.Json;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static dev.frugal.api.responses.ResponsesRequestMapper.optional;
import static dev.frugal.api.responses.ResponsesRequestMapper.required;

/**
 * The {@code input} items of a Responses request (responses-api.md §1.2): checked, normalized to
 * item form with ids (what {@code input_items} lists and a stored response keeps), and turned into
 * chat messages (§6.2). Tolerant reader: an item without {@code type} that has a {@code role} is a
 * message, every role takes both part families, unknown fields are ignored. Pure.
 */
final class ResponsesInput {
    /** The roles an input message may have. */
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");

    private ResponsesInput() {}

    /**
     * Appends the request's {@code input} to {@code context} as normalized items. Items already in the
     * context (same {@code id}, as stateless clients resend them) are skipped rather than refused;
     * an {@code item_reference} is resolved against the context, else against {@code referable}: the items
     * of the caller's other stored responses that the request names.
     */
    static void appendInput(JsonNode input, ArrayNode context, Map<String, JsonNode> referable) {
        if (input == null || input.isNull()) return;
        if (input.isTextual()) {
            ObjectNode m = Json.object().put("id", Ids.random("msg_", 24));
            m.setAll(message("user", Json.nodes().arrayNode().add(Json.object().put("type", "input_text").put("text", input.asText()))));
            context.add(m);
            return;
        }
        if (!input.isArray()) throw GatewayError.wrongType("input", "a string or an array of items");
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode item : context) if (item.hasNonNull("id")) byId.put(item.get("id").asText(), item);
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String p = "input[" + i + "]";
            if (!item.isObject()) throw GatewayError.wrongType(p, "an object");
            String id = optional(item, "id", p + ".id");
            if (id != null && byId.containsKey(id)) continue;
            ObjectNode normalized = normalize(item, p, byId, referable);
            byId.put(normalized.get("id").asText(), normalized);
            context.add(normalized);
        }
    }

    private static ObjectNode normalize(JsonNode item, String p, Map<String, JsonNode> byId, Map<String, JsonNode> referable) {
        String type = optional(item, "type", p + ".type");
        if (type == null) {
            if (!item.has("role")) throw GatewayError.missingField(p + ".type");
            type = "message";
        }
        ObjectNode out;
        switch (type) {
            case "message" -> {
                String role = required(item, "role", p + ".role");
                if (!ROLES.contains(role)) {
                    throw GatewayError.invalidRequest("'" + p + ".role' must be user, system, developer or assistant.", p + ".role");
                }
                out = message(role, content(item.get("content"), role, p + ".content"));
            }
            case "function_call" -> out = toolCall(item, p, type, "arguments");
            case "custom_tool_call" -> out = toolCall(item, p, type, "input");
            case "function_call_output", "custom_tool_call_output" -> {
                out = Json.object().put("type", type);
                out.put("call_id", required(item, "call_id", p + ".call_id"));
                JsonNode output = item.get("output");
                if (output == null || output.isNull()) throw GatewayError.missingField(p + ".output");
                if (output.isTextual()) out.put("output", output.asText());
                else if (output.isArray()) out.put("output", text(output, p + ".output"));
                else throw GatewayError.wrongType(p + ".output", "a string or an array of parts");
                out.put("status", "completed");
            }
            case "reasoning" -> {
                out = Json.object().put("type", "reasoning");
                out.set("summary", item.has("summary") && item.get("summary").isArray() ? item.get("summary") : Json.nodes().arrayNode());
                if (item.has("content") && item.get("content").isArray()) out.set("content", item.get("content"));
            }
            case "item_reference" -> {
                String id = required(item, "id", p + ".id");
                JsonNode found = byId.get(id);
                if (found == null && referable.containsKey(id)) found = referable.get(id).deepCopy();
                if (found == null) throw GatewayError.invalidRequest("Item with id '" + id + "' not found.", p + ".id");
                return (ObjectNode) found;
            }
            default -> throw GatewayError.invalidRequest("Input items of type '" + type + "' are not supported: the gateway runs "
                    + "no built-in tools (docs/responses.md).", p + ".type");
        }
        String id = optional(item, "id", p + ".id");
        ObjectNode withId = Json.object().put("id", id != null ? id : Ids.random(prefix(out.get("type").asText()), 24));
        withId.setAll(out);
        return withId;
    }

    private static String prefix(String type) {
        return switch (type) {
            case "function_call" -> "fc_";
            case "function_call_output" -> "fco_";
            case "custom_tool_call" -> "ctc_";
            case "custom_tool_call_output" -> "ctco_";
            case "reasoning" -> "rs_";
            default -> "msg_";
        };
    }

    private static ObjectNode message(String role, ArrayNode content) {
        ObjectNode m = Json.object().put("type", "message").put("role", role).put("status", "completed");
        m.set("content", content);
        return m;
    }

    /** A message's content as parts: a string becomes one {@code input_text} ({@code output_text} for the assistant). */
    private static ArrayNode content(JsonNode content, String role, String p) {
        if (content == null || content.isNull()) throw GatewayError.missingField(p);
        ArrayNode out = Json.nodes().arrayNode();
        boolean assistant = role.equals("assistant");
        if (content.isTextual()) {
            ObjectNode part = out.addObject().put("type", assistant ? "output_text" : "input_text").put("text", content.asText());
            if (assistant) part.set("annotations", Json.nodes().arrayNode());
            return out;
        }
        if (!content.isArray()) throw GatewayError.wrongType(p, "a string or an array of parts");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String pp = p + "[" + i + "]";
            if (!part.isObject()) throw GatewayError.wrongType(pp, "an object");
            String type = required(part, "type", pp + ".type");
            switch (type) {
                case "input_text", "output_text" -> {
                    String text = optional(part, "text", pp + ".text");
                    if (text == null) throw GatewayError.missingField(pp + ".text");
                }
                case "refusal" -> {
                    if (optional(part, "refusal", pp + ".refusal") == null) throw GatewayError.missingField(pp + ".refusal");
                }
                case "input_image" -> {
                    if (optional(part, "image_url", pp + ".image_url") == null) {
                        throw GatewayError.unsupported("Images by file_id are not supported; send image_url (a URL or a data: URL).", pp + ".image_url");
                    }
                }
                case "input_file" -> {
                    if (optional(part, "file_data", pp + ".file_data") == null) {
                        throw GatewayError.unsupported("Files by file_id or file_url are not supported; send file_data.", pp + ".file_data");
                    }
                }
                default -> throw GatewayError.invalidRequest("'" + pp + ".type' must be input_text, input_image, input_file, output_text or refusal.",
                        pp + ".type");
            }
            out.add(part);
        }
        return out;
    }

    /** The text parts of a list joined (a tool output, for chat's text-only tool messages; §6.5.4). */
    private static String text(JsonNode parts, String p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            if (!part.isObject()) throw GatewayError.wrongType(p + "[" + i + "]", "an object");
            if (part.hasNonNull("text")) sb.append(part.get("text").asText());
        }
        return sb.toString();
    }

    // ---- items → chat messages (§6.2) ----------------------------------------------------------

    /**
     * Appends the chat messages of {@code items} (normalized) to {@code out}: consecutive function
     * and custom tool calls join the assistant message before them (a custom one as a function call
     * whose arguments carry its input: {@link CustomTools}), outputs become {@code tool} messages, a
     * reasoning item goes to the next assistant message as {@code reasoning_content} when that
     * message calls tools (DeepSeek needs it back there) and is dropped otherwise. Every call
     * needs exactly one output after it, and every output a call before it.
     */
    static void toMessages(ArrayNode items, ArrayNode out) {
        ObjectNode assistant = null; // the assistant message function calls may still join
        String reasoning = null;
        Set<String> calls = new HashSet<>();
        Set<String> answered = new HashSet<>();
        for (JsonNode item : items) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    String role = item.get("role").asText();
                    if (role.equals("assistant")) {
                        assistant = out.addObject().put("role", "assistant").put("content", joined(item.get("content")));
                        if (reasoning != null) assistant.put("reasoning_content", reasoning);
                        reasoning = null;
                    } else {
                        assistant = null;
                        if (role.equals("user")) out.addObject().put("role", "user").set("content", userContent(item.get("content")));
                        else out.addObject().put("role", "system").put("content", joined(item.get("content")));
                    }
                }
                case "function_call", "custom_tool_call" -> {
                    if (assistant == null) {
                        assistant = out.addObject().put("role", "assistant").putNull("content");
                        if (reasoning != null) assistant.put("reasoning_content", reasoning);
                        reasoning = null;
                    }
                    String callId = item.get("call_id").asText();
                    if (!calls.add(callId)) throw GatewayError.invalidRequest("Duplicate function call id '" + callId + "'.", "input");
                    ArrayNode tc = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls") : assistant.putArray("tool_calls");
                    String arguments = item.has("input") ? CustomTools.arguments(item.get("input").asText()) : item.get("arguments").asText();
                    tc.addObject().put("id", callId).put("type", "function").putObject("function")
                            .put("name", item.get("name").asText()).put("arguments", arguments);
                }
                case "function_call_output", "custom_tool_call_output" -> {
                    String callId = item.get("call_id").asText();
                    if (!calls.contains(callId)) {
                        throw GatewayError.invalidRequest("No function call found for function call output with call_id " + callId + ".", "input");
                    }
                    if (!answered.add(callId)) throw GatewayError.invalidRequest("Duplicate output for function call " + callId + ".", "input");
                    out.addObject().put("role", "tool").put("tool_call_id", callId).put("content", item.get("output").asText());
                    assistant = null;
                }
                case "reasoning" -> reasoning = reasoningText(item);
                default -> { }
            }
        }
        for (String call : calls) {
            if (!answered.contains(call)) throw GatewayError.invalidRequest("No tool output found for function call " + call + ".", "input");
        }
        for (JsonNode m : out) { // reasoning travels back only with a tool-calling turn
            if (m.has("reasoning_content") && !m.has("tool_calls")) ((ObjectNode) m).remove("reasoning_content");
        }
    }

    /** A tool call of the history, completed: its id, its name and its payload ({@code arguments}, or a custom tool's {@code input}). */
    private static ObjectNode toolCall(JsonNode item, String p, String type, String payload) {
        ObjectNode out = Json.object().put("type", type);
        out.put("call_id", required(item, "call_id", p + ".call_id"));
        out.put("name", required(item, "name", p + ".name"));
        String value = optional(item, payload, p + "." + payload);
        if (value == null) throw GatewayError.missingField(p + "." + payload);
        return out.put(payload, value).put("status", "completed");
    }

    private static String reasoningText(JsonNode item) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : item.path("content")) sb.append(c.path("text").asText(""));
        if (sb.isEmpty()) for (JsonNode s : item.path("summary")) sb.append(s.path("text").asText(""));
        return sb.isEmpty() ? null : sb.toString();
    }

    /** Text and refusal parts joined. */
    private static String joined(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : parts) {
            if (part.hasNonNull("text")) sb.append(part.get("text").asText());
            else if (part.hasNonNull("refusal")) sb.append(part.get("refusal").asText());
        }
        return sb.toString();
    }

    /** A user message's content: one text part as a string, else chat parts (text, image_url, file). */
    private static JsonNode userContent(JsonNode parts) {
        if (parts.size() == 1 && parts.get(0).hasNonNull("text")) return parts.get(0).get("text");
        ArrayNode out = Json.nodes().arrayNode();
        for (JsonNode part : parts) {
            switch (part.path("type").asText()) {
                case "input_image" -> {
                    ObjectNode url = out.addObject().put("type", "image_url").putObject("image_url").put("url", part.get("image_url").asText());
                    String detail = part.path("detail").asText("");
                    if (!detail.isEmpty()) url.put("detail", detail.equals("original") ? "high" : detail);
                }
                case "input_file" -> {
                    ObjectNode file = out.addObject().put("type", "file").putObject("file").put("file_data", part.get("file_data").asText());
                    if (part.hasNonNull("filename")) file.put("filename", part.get("filename").asText());
                }
                default -> out.addObject().put("type", "text").put("text", part.path("text").asText(part.path("refusal").asText("")));
            }
        }
        return out;
    }
}
