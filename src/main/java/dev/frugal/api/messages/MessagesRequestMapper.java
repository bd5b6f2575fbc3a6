package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an Anthropic Messages request ({@code POST /v1/messages}, provider-protocols.md §4.2–4.4)
 * and translates it into the OpenAI chat request every adapter understands. A bad request is a
 * 400 naming the field; nothing is guessed. Pure.
 *
 * <p>Mapping: {@code system} → a system message; content blocks text/image/document/tool_use/
 * tool_result → OpenAI parts, {@code tool_calls} and {@code tool} messages (tool results first,
 * as OpenAI wants them right after the assistant turn); assistant {@code thinking} → the
 * {@code reasoning_content} of a tool-calling turn (DeepSeek needs it back there, §7.1) and is
 * dropped elsewhere; {@code tools[].input_schema} → {@code function.parameters};
 * {@code tool_choice} auto/any/tool/none → auto/required/function/none;
 * {@code disable_parallel_tool_use} → {@code parallel_tool_calls: false}; {@code max_tokens} →
 * {@code max_completion_tokens}; {@code stop_sequences} → {@code stop};
 * {@code metadata.user_id} → {@code user}. Accepted and dropped, having no OpenAI meaning:
 * {@code top_k}, {@code thinking}, {@code service_tier}, {@code cache_control} on blocks.
 */
public final class MessagesRequestMapper {
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private MessagesRequestMapper() {}

    /** A valid request: the model it names, whether it streams, and the OpenAI chat request it becomes. */
    public record Translated(String model, boolean stream, ObjectNode openAi) {}

    public static Translated toOpenAi(JsonNode body) {
        String model = Check.string(body, "model", "model", true);
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) throw GatewayError.missingField("max_tokens");
        if (!maxTokens.isIntegralNumber() || !maxTokens.canConvertToInt()) throw GatewayError.wrongType("max_tokens", "an integer");
        if (maxTokens.asInt() < 1) throw GatewayError.invalidRequest("'max_tokens' must be at least 1.", "max_tokens");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) throw GatewayError.missingField("messages");
        if (!messages.isArray()) throw GatewayError.wrongType("messages", "an array");
        if (messages.isEmpty()) throw GatewayError.invalidRequest("'messages' must contain at least one message.", "messages");
        boolean stream = Check.bool(body, "stream");

        ObjectNode out = Json.object();
        out.put("model", model);
        ArrayNode msgs = out.putArray("messages");
        String system = system(body.get("system"));
        if (system != null) msgs.addObject().put("role", "system").put("content", system);
        Set<String> toolUseIds = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) MessagesContent.message(messages.get(i), "messages[" + i + "]", msgs, toolUseIds);

        out.put("max_completion_tokens", maxTokens.asInt());
        copyNumber(body, "temperature", 0, 1, out);
        copyNumber(body, "top_p", 0, 1, out);
        JsonNode topK = body.get("top_k");
        if (topK != null && !topK.isNull() && (!topK.isIntegralNumber() || topK.asLong() < 0)) {
            throw GatewayError.wrongType("top_k", "a non-negative integer");
        }
        stop(body.get("stop_sequences"), out);
        metadata(body.get("metadata"), out);
        tools(body, out);
        JsonNode thinking = body.get("thinking");
        if (thinking != null && !thinking.isNull() && !thinking.isObject()) throw GatewayError.wrongType("thinking", "an object");
        JsonNode tier = body.get("service_tier");
        if (tier != null && !tier.isNull() && !tier.isTextual()) throw GatewayError.wrongType("service_tier", "a string");
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true); // message_delta carries the usage
        }
        return new Translated(model, stream, out);
    }

    // ---- top-level fields ----------------------------------------------------------------

    /** The system prompt as one string (text blocks joined by blank lines), or null when there is none. */
    private static String system(JsonNode system) {
        if (system == null || system.isNull()) return null;
        if (system.isTextual()) return system.asText().isEmpty() ? null : system.asText();
        if (!system.isArray()) throw GatewayError.wrongType("system", "a string or an array of text blocks");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode b = system.get(i);
            String p = "system[" + i + "]";
            if (!b.isObject()) throw GatewayError.wrongType(p, "a text block");
            if (!"text".equals(b.path("type").asText())) throw GatewayError.invalidRequest("'" + p + ".type' must be 'text'.", p + ".type");
            String text = Check.string(b, "text", p + ".text", false);
            if (!sb.isEmpty()) sb.append("\n\n");
            sb.append(text);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static void copyNumber(JsonNode body, String field, double min, double max, ObjectNode out) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isNumber()) throw GatewayError.wrongType(field, "a number");
        if (v.asDouble() < min || v.asDouble() > max) {
            throw GatewayError.invalidRequest("'" + field + "' must be between " + (int) min + " and " + (int) max + ".", field);
        }
        out.set(field, v);
    }

    private static void stop(JsonNode stop, ObjectNode out) {
        if (stop == null || stop.isNull()) return;
        if (!stop.isArray()) throw GatewayError.wrongType("stop_sequences", "an array of strings");
        ArrayNode arr = Json.nodes().arrayNode();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) throw GatewayError.wrongType("stop_sequences[" + i + "]", "a string");
            arr.add(stop.get(i).asText());
        }
        if (!arr.isEmpty()) out.set("stop", arr);
    }

    private static void metadata(JsonNode metadata, ObjectNode out) {
        if (metadata == null || metadata.isNull()) return;
        if (!metadata.isObject()) throw GatewayError.wrongType("metadata", "an object");
        JsonNode user = metadata.get("user_id");
        if (user == null || user.isNull()) return;
        if (!user.isTextual()) throw GatewayError.wrongType("metadata.user_id", "a string");
        out.put("user", user.asText());
    }

    private static void tools(JsonNode body, ObjectNode out) {
        JsonNode tools = body.get("tools");
        boolean any = false;
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) throw GatewayError.wrongType("tools", "an array");
            ArrayNode arr = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) arr.add(tool(tools.get(i), "tools[" + i + "]"));
            any = !arr.isEmpty();
            if (!any) out.remove("tools");
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) return;
        if (!choice.isObject()) throw GatewayError.wrongType("tool_choice", "an object");
        String type = Check.string(choice, "type", "tool_choice.type", true);
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", Check.string(choice, "name", "tool_choice.name", true));
            default -> throw GatewayError.invalidRequest("'tool_choice.type' must be auto, any, tool or none.", "tool_choice.type");
        }
        JsonNode noParallel = choice.get("disable_parallel_tool_use");
        if (noParallel != null && !noParallel.isNull()) {
            if (!noParallel.isBoolean()) throw GatewayError.wrongType("tool_choice.disable_parallel_tool_use", "a boolean");
            if (noParallel.asBoolean() && any) out.put("parallel_tool_calls", false);
        }
        if (!any) { // OpenAI servers reject a tool_choice without tools
            out.remove("tool_choice");
            out.remove("parallel_tool_calls");
        }
    }

    private static ObjectNode tool(JsonNode t, String p) {
        if (!t.isObject()) throw GatewayError.wrongType(p, "an object");
        JsonNode type = t.get("type");
        if (type != null && !type.isNull() && !type.isTextual()) throw GatewayError.wrongType(p + ".type", "a string");
        if (type != null && !type.isNull() && !"custom".equals(type.asText())) {
            throw GatewayError.unsupported("Server tools ('" + type.asText() + "') are not supported by /v1/messages; "
                    + "only tools the client runs itself are.", p + ".type");
        }
        String name = Check.string(t, "name", p + ".name", true);
        if (!TOOL_NAME.matcher(name).matches()) {
            throw GatewayError.invalidRequest("'" + p + ".name' must be 1-64 of a-z, A-Z, 0-9, _ and -.", p + ".name");
        }
        JsonNode schema = t.get("input_schema");
        if (schema == null || schema.isNull()) throw GatewayError.missingField(p + ".input_schema");
        if (!schema.isObject()) throw GatewayError.wrongType(p + ".input_schema", "an object");
        ObjectNode fn = Json.object().put("type", "function");
        ObjectNode f = fn.putObject("function").put("name", name);
        JsonNode description = t.get("description");
        if (description != null && !description.isNull()) f.put("description", Check.string(t, "description", p + ".description", false));
        f.set("parameters", schema);
        JsonNode strict = t.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) throw GatewayError.wrongType(p + ".strict", "a boolean");
        if (strict != null && strict.isBoolean()) f.put("strict", strict.asBoolean());
        return fn;
    }

    /** Small typed reads that answer a 400 naming the field. */
    static final class Check {
        private Check() {}

        static String string(JsonNode node, String field, String param, boolean nonEmpty) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) throw GatewayError.missingField(param);
            if (!v.isTextual()) throw GatewayError.wrongType(param, "a string");
            if (nonEmpty && v.asText().isEmpty()) throw GatewayError.invalidRequest("'" + param + "' must not be empty.", param);
            return v.asText();
        }

        static boolean bool(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) return false;
            if (!v.isBoolean()) throw GatewayError.wrongType(field, "a boolean");
            return v.asBoolean();
        }

        static void mediaType(String type, String param) {
            if (!MEDIA_TYPES.contains(type)) {
                throw GatewayError.invalidRequest("'" + param + "' must be image/jpeg, image/png, image/gif or image/webp.", param);
            }
        }
    }
}
