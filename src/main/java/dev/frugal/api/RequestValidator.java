package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.GatewayError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks client requests before anything goes upstream (provider-protocols.md §1.7, §2), so a
 * bad request is answered with a 400 naming the field and never reaches a backend. Pure.
 */
final class RequestValidator {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_EMBEDDING_INPUTS = 2048;

    private RequestValidator() {}

    /** Checks a chat request; the pipeline reads what it needs of it (core.RequestView). */
    static void chat(JsonNode body) {
        Fields.requiredString(body, "model");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) throw GatewayError.missingField("messages");
        if (!messages.isArray()) throw GatewayError.wrongType("messages", "an array");
        if (messages.isEmpty()) throw GatewayError.invalidRequest("'messages' must contain at least one message.", "messages");
        Set<String> toolCallIds = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) message(messages.get(i), "messages[" + i + "]", toolCallIds);
        common(body);
        Fields.optionalInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Fields.optionalNumber(body, "top_p", 0, 1);
        Fields.optionalBoolean(body, "parallel_tool_calls", "parallel_tool_calls");
        boolean logprobs = Fields.optionalBoolean(body, "logprobs", "logprobs");
        Fields.optionalInt(body, "top_logprobs", 0, 20);
        if (body.hasNonNull("top_logprobs") && !logprobs) {
            throw GatewayError.invalidRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        }
        Fields.optionalObject(body, "response_format");
        tools(body);
    }

    static void completion(JsonNode body) {
        Fields.requiredString(body, "model");
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) throw GatewayError.missingField("prompt");
        if (!prompt.isTextual() && !(prompt.isArray() && !prompt.isEmpty())) {
            throw GatewayError.wrongType("prompt", "a string, an array of strings, or token arrays");
        }
        if (body.hasNonNull("logprobs")) Fields.optionalInt(body, "logprobs", 0, 5);
        Fields.optionalInt(body, "best_of", 1, 20);
        common(body);
    }

    /** A valid embeddings request: its model, its text inputs (null for token arrays) and options. */
    record Embedding(String model, List<String> texts, boolean base64, Integer dimensions) {}

    static Embedding embeddings(JsonNode body) {
        String model = Fields.requiredString(body, "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw GatewayError.missingField("input");
        List<String> texts = null;
        if (input.isTextual()) {
            if (input.asText().isEmpty()) throw GatewayError.invalidRequest("'input' must not be an empty string.", "input");
            texts = List.of(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) throw GatewayError.invalidRequest("'input' must not be an empty array.", "input");
            if (input.size() > MAX_EMBEDDING_INPUTS) {
                throw GatewayError.invalidRequest("'input' may hold at most " + MAX_EMBEDDING_INPUTS + " items.", "input");
            }
            if (input.get(0).isTextual()) {
                texts = new ArrayList<>(input.size());
                for (int i = 0; i < input.size(); i++) {
                    JsonNode s = input.get(i);
                    if (!s.isTextual()) throw GatewayError.wrongType("input[" + i + "]", "a string");
                    if (s.asText().isEmpty()) throw GatewayError.invalidRequest("'input[" + i + "]' must not be empty.", "input[" + i + "]");
                    texts.add(s.asText());
                }
            } else {
                tokenArrays(input);
            }
        } else {
            throw GatewayError.wrongType("input", "a string, an array of strings, or token arrays");
        }
        JsonNode fmt = body.get("encoding_format");
        boolean base64 = false;
        if (fmt != null && !fmt.isNull()) {
            if (!fmt.isTextual() || !(fmt.asText().equals("float") || fmt.asText().equals("base64"))) {
                throw GatewayError.invalidRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
            }
            base64 = fmt.asText().equals("base64");
        }
        Fields.optionalInt(body, "dimensions", 1, 65536);
        Integer dims = body.hasNonNull("dimensions") ? body.get("dimensions").asInt() : null;
        return new Embedding(model, texts, base64, dims);
    }

    // ---- pieces --------------------------------------------------------------------------

    private static void common(JsonNode body) {
        boolean stream = Fields.optionalBoolean(body, "stream", "stream");
        JsonNode so = body.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!stream) throw GatewayError.invalidRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");
            if (!so.isObject()) throw GatewayError.wrongType("stream_options", "an object");
            Fields.optionalBoolean(so, "include_usage", "stream_options.include_usage");
        }
        Fields.optionalInt(body, "n", 1, 128);
        Fields.optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE);
        Fields.optionalNumber(body, "temperature", 0, 2);
        Fields.optionalNumber(body, "presence_penalty", -2, 2);
        Fields.optionalNumber(body, "frequency_penalty", -2, 2);
        Fields.optionalStop(body);
    }

    private static void message(JsonNode m, String p, Set<String> toolCallIds) {
        if (!m.isObject()) throw GatewayError.wrongType(p, "an object");
        JsonNode roleNode = m.get("role");
        if (roleNode == null || roleNode.isNull()) throw GatewayError.missingField(p + ".role");
        if (!roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
            throw GatewayError.invalidRequest("'" + p + ".role' must be one of system, developer, user, assistant, tool.", p + ".role");
        }
        String role = roleNode.asText();
        JsonNode content = m.get("content");
        boolean hasToolCalls = m.path("tool_calls").isArray() && !m.get("tool_calls").isEmpty();
        if (content == null || content.isNull()) {
            if (!role.equals("assistant") && !role.equals("function")) throw GatewayError.missingField(p + ".content");
            if (!hasToolCalls && !m.hasNonNull("function_call") && !m.hasNonNull("refusal") && !m.hasNonNull("audio")) {
                throw GatewayError.invalidRequest("'" + p + "' needs 'content' or 'tool_calls'.", p + ".content");
            }
        } else if (content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String pp = p + ".content[" + j + "]";
                if (!part.isObject()) throw GatewayError.wrongType(pp, "an object");
                if (!part.path("type").isTextual()) throw GatewayError.missingField(pp + ".type");
                if (part.get("type").asText().equals("text") && !part.path("text").isTextual()) {
                    throw GatewayError.missingField(pp + ".text");
                }
            }
        } else if (!content.isTextual()) {
            throw GatewayError.wrongType(p + ".content", "a string or an array of content parts");
        }
        if (hasToolCalls) {
            JsonNode calls = m.get("tool_calls");
            for (int j = 0; j < calls.size(); j++) {
                JsonNode id = calls.get(j).get("id");
                if (id == null || !id.isTextual()) throw GatewayError.missingField(p + ".tool_calls[" + j + "].id");
                toolCallIds.add(id.asText());
            }
        }
        if (role.equals("tool")) {
            JsonNode id = m.get("tool_call_id");
            if (id == null || id.isNull()) throw GatewayError.missingField(p + ".tool_call_id");
            if (!id.isTextual()) throw GatewayError.wrongType(p + ".tool_call_id", "a string");
            if (!toolCallIds.contains(id.asText())) {
                throw GatewayError.invalidRequest("'" + p + "' answers tool call '" + id.asText()
                        + "', which no earlier assistant message made.", p + ".tool_call_id");
            }
        }
    }

    private static void tools(JsonNode body) {
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) throw GatewayError.wrongType("tools", "an array");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String p = "tools[" + i + "]";
                if (!t.isObject()) throw GatewayError.wrongType(p, "an object");
                if (!t.path("type").isTextual()) throw GatewayError.missingField(p + ".type");
                if (t.get("type").asText().equals("function")) {
                    JsonNode name = t.path("function").get("name");
                    if (name == null || !name.isTextual()) throw GatewayError.missingField(p + ".function.name");
                    if (!FUNCTION_NAME.matcher(name.asText()).matches()) {
                        throw GatewayError.invalidRequest("'" + p + ".function.name' must be 1-64 of a-z, A-Z, 0-9, _ and -.", p + ".function.name");
                    }
                    JsonNode params = t.path("function").get("parameters");
                    if (params != null && !params.isNull() && !params.isObject()) throw GatewayError.wrongType(p + ".function.parameters", "an object");
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            if (choice.isTextual()) {
                if (!Set.of("none", "auto", "required").contains(choice.asText())) {
                    throw GatewayError.invalidRequest("'tool_choice' must be none, auto, required or an object.", "tool_choice");
                }
            } else if (!choice.isObject()) throw GatewayError.wrongType("tool_choice", "a string or an object");
        }
    }

    private static void tokenArrays(JsonNode input) {
        boolean nested = input.get(0).isArray();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (nested) {
                if (!item.isArray() || item.isEmpty()) throw GatewayError.wrongType("input[" + i + "]", "a non-empty array of token ids");
                for (JsonNode t : item) if (!t.isIntegralNumber()) throw GatewayError.wrongType("input[" + i + "]", "an array of token ids");
            } else if (!item.isIntegralNumber()) {
                throw GatewayError.wrongType("input[" + i + "]", "a token id (integer)");
            }
        }
    }
}
