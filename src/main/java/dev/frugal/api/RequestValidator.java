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
        responseFormat(body.get("response_format"));
        Fields.optionalBoolean(body, "store", "store");
        Fields.optionalObject(body, "metadata");
        Fields.optionalString(body, "reasoning_effort");
        tools(body);
    }

    static void completion(JsonNode body) {
        Fields.requiredString(body, "model");
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) throw GatewayError.missingField("prompt");
        if (prompt.isArray()) {
            if (prompt.isEmpty()) throw GatewayError.invalidRequest("'prompt' must not be an empty array.", "prompt");
            if (prompt.get(0).isTextual()) strings(prompt, "prompt");
            else tokenArrays(prompt, "prompt");
        } else if (!prompt.isTextual()) {
            throw GatewayError.wrongType("prompt", "a string, an array of strings, or token arrays");
        }
        if (body.hasNonNull("logprobs")) Fields.optionalInt(body, "logprobs", 0, 5);
        Fields.optionalInt(body, "best_of", 1, 20);
        Fields.optionalBoolean(body, "echo", "echo");
        Fields.optionalString(body, "suffix");
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
                texts = strings(input, "input");
                for (int i = 0; i < texts.size(); i++) {
                    if (texts.get(i).isEmpty()) throw GatewayError.invalidRequest("'input[" + i + "]' must not be empty.", "input[" + i + "]");
                }
            } else {
                tokenArrays(input, "input");
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
        Fields.optionalString(body, "user");
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
        Fields.optionalString(body, "user");
        Fields.optionalInt(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        logitBias(body.get("logit_bias"));
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
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull() && !calls.isArray()) throw GatewayError.wrongType(p + ".tool_calls", "an array");
        if (calls != null && calls.isArray() && !calls.isEmpty() && !role.equals("assistant")) {
            throw GatewayError.invalidRequest("'" + p + ".tool_calls' may only appear in an assistant message.", p + ".tool_calls");
        }
        boolean hasToolCalls = calls != null && calls.isArray() && !calls.isEmpty();
        if (content == null || content.isNull()) {
            if (!role.equals("assistant") && !role.equals("function")) throw GatewayError.missingField(p + ".content");
            if (!hasToolCalls && !m.hasNonNull("function_call") && !m.hasNonNull("refusal") && !m.hasNonNull("audio")) {
                throw GatewayError.invalidRequest("'" + p + "' needs 'content' or 'tool_calls'.", p + ".content");
            }
        } else if (content.isArray()) {
            ContentParts.check(content, role, p + ".content");
        } else if (!content.isTextual()) {
            throw GatewayError.wrongType(p + ".content", "a string or an array of content parts");
        }
        Fields.optionalString(m, "name", p + ".name");
        Fields.optionalString(m, "refusal", p + ".refusal");
        Fields.optionalObject(m, "function_call", p + ".function_call");
        if (hasToolCalls) toolCalls(m.get("tool_calls"), p + ".tool_calls", toolCallIds);
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
                if (!t.hasNonNull("type")) throw GatewayError.missingField(p + ".type");
                if (!t.get("type").isTextual()) throw GatewayError.wrongType(p + ".type", "a string");
                String type = t.get("type").asText();
                if (type.equals("custom")) {
                    if (!t.path("custom").isObject()) throw GatewayError.missingField(p + ".custom");
                    Fields.requiredString(t.get("custom"), "name", p + ".custom.name");
                } else if (!type.equals("function")) {
                    throw GatewayError.invalidRequest("'" + p + ".type' must be 'function' (or 'custom').", p + ".type");
                } else {
                    JsonNode fn = t.get("function");
                    if (fn == null || fn.isNull()) throw GatewayError.missingField(p + ".function");
                    if (!fn.isObject()) throw GatewayError.wrongType(p + ".function", "an object");
                    Fields.optionalString(fn, "description", p + ".function.description");
                    Fields.optionalBoolean(fn, "strict", p + ".function.strict");
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
            } else if (!choice.isObject()) {
                throw GatewayError.wrongType("tool_choice", "a string or an object");
            } else {
                String type = Fields.requiredString(choice, "type", "tool_choice.type");
                if (type.equals("function")) {
                    if (!choice.path("function").isObject()) throw GatewayError.missingField("tool_choice.function");
                    Fields.requiredString(choice.get("function"), "name", "tool_choice.function.name");
                }
            }
        }
    }

    /** {@code tool_calls} of an assistant message: each an object with an id, type function and a function name and arguments. */
    private static void toolCalls(JsonNode calls, String p, Set<String> toolCallIds) {
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String cp = p + "[" + j + "]";
            if (!call.isObject()) throw GatewayError.wrongType(cp, "an object");
            JsonNode id = call.get("id");
            if (id == null || id.isNull()) throw GatewayError.missingField(cp + ".id");
            if (!id.isTextual()) throw GatewayError.wrongType(cp + ".id", "a string");
            JsonNode type = call.get("type");
            if (type != null && !type.isNull() && !(type.isTextual() && type.asText().equals("function"))) {
                throw GatewayError.invalidRequest("'" + cp + ".type' must be 'function'.", cp + ".type");
            }
            JsonNode fn = call.get("function");
            if (fn == null || fn.isNull()) throw GatewayError.missingField(cp + ".function");
            if (!fn.isObject()) throw GatewayError.wrongType(cp + ".function", "an object");
            Fields.requiredString(fn, "name", cp + ".function.name");
            JsonNode args = fn.get("arguments");
            if (args == null || args.isNull()) throw GatewayError.missingField(cp + ".function.arguments");
            if (!args.isTextual()) throw GatewayError.wrongType(cp + ".function.arguments", "a string (JSON text)");
            toolCallIds.add(id.asText());
        }
    }

    /** {@code response_format}: {@code {type: text | json_object | json_schema}}, a schema's {@code json_schema.name} required. */
    private static void responseFormat(JsonNode rf) {
        if (rf == null || rf.isNull()) return;
        if (!rf.isObject()) throw GatewayError.wrongType("response_format", "an object");
        String type = Fields.requiredString(rf, "type", "response_format.type");
        switch (type) {
            case "text", "json_object" -> { }
            case "json_schema" -> {
                JsonNode schema = rf.get("json_schema");
                if (schema == null || schema.isNull()) throw GatewayError.missingField("response_format.json_schema");
                if (!schema.isObject()) throw GatewayError.wrongType("response_format.json_schema", "an object");
                Fields.requiredString(schema, "name", "response_format.json_schema.name");
                Fields.optionalObject(schema, "schema", "response_format.json_schema.schema");
                Fields.optionalBoolean(schema, "strict", "response_format.json_schema.strict");
            }
            default -> throw GatewayError.invalidRequest("'response_format.type' must be text, json_object or json_schema.", "response_format.type");
        }
    }

    /** {@code logit_bias}: token id → a number from -100 to 100. */
    private static void logitBias(JsonNode bias) {
        if (bias == null || bias.isNull()) return;
        if (!bias.isObject()) throw GatewayError.wrongType("logit_bias", "an object");
        bias.fields().forEachRemaining(e -> {
            String p = "logit_bias." + e.getKey();
            if (!e.getValue().isNumber()) throw GatewayError.wrongType(p, "a number");
            if (e.getValue().asDouble() < -100 || e.getValue().asDouble() > 100) {
                throw GatewayError.invalidRequest("'" + p + "' must be between -100 and 100.", p);
            }
        });
    }

    /** An array whose every item is a string (the first already is): the strings. */
    private static List<String> strings(JsonNode array, String field) {
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode s = array.get(i);
            if (!s.isTextual()) throw GatewayError.wrongType(field + "[" + i + "]", "a string, like the other items");
            out.add(s.asText());
        }
        return out;
    }

    /**
     * Token input of {@code field} ({@code prompt} or {@code input}): all token ids (non-negative
     * integers), or all non-empty arrays of token ids — never a mix ({@code [1, [2]]}).
     */
    private static void tokenArrays(JsonNode input, String field) {
        boolean nested = input.get(0).isArray();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String p = field + "[" + i + "]";
            if (nested) {
                if (!item.isArray() || item.isEmpty()) throw GatewayError.wrongType(p, "a non-empty array of token ids, like the other items");
                for (int j = 0; j < item.size(); j++) tokenId(item.get(j), p + "[" + j + "]");
            } else if (item.isArray()) {
                throw GatewayError.wrongType(p, "a token id (integer), like the other items");
            } else {
                tokenId(item, p);
            }
        }
    }

    private static void tokenId(JsonNode t, String p) {
        if (!t.isIntegralNumber() || !t.canConvertToInt()) throw GatewayError.wrongType(p, "a token id (integer)");
        if (t.asInt() < 0) throw GatewayError.invalidRequest("'" + p + "' must not be negative.", p);
    }
}
