package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an OpenAI Responses request ({@code POST /v1/responses}, responses-api.md §1) and
 * translates it into the OpenAI chat request every adapter understands (§6.1). A bad request is a
 * 400 naming the field. Pure.
 *
 * <p>Mapping: {@code instructions} → a first system message (never inherited from an earlier
 * response); {@code input} (after the stored context of {@code previous_response_id}) → messages
 * ({@link ResponsesInput}); flat function {@code tools} → nested chat tools ({@code strict} only
 * when true); {@code tool_choice} auto/none/required/function/allowed_tools; {@code text.format}
 * text/json_object/json_schema → {@code response_format}; {@code max_output_tokens} →
 * {@code max_completion_tokens}; {@code reasoning.effort} → {@code reasoning_effort} (each adapter
 * maps it to its backend, §6.1); {@code temperature}, {@code top_p}, {@code parallel_tool_calls},
 * {@code user} as they are; streams ask for {@code include_usage}. {@code store} and
 * {@code metadata} stay in the gateway. Built-in tools, {@code background}, {@code conversation}
 * and stored {@code prompt}s are refused with a 400 naming the field (docs/responses.md).
 */
public final class ResponsesRequestMapper {
    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh", "max");

    private ResponsesRequestMapper() {}

    /**
     * A valid request.
     *
     * @param model    the model the client named
     * @param chat     the chat request it becomes
     * @param context  every input item sent to the model (stored context, then this request's input), with ids
     * @param echo     the request's settings as the response object repeats them (§2.1), defaults filled
     */
    public record Translated(String model, boolean stream, boolean store, ObjectNode chat, ArrayNode context, ObjectNode echo,
                             List<String> dropped) {}

    /**
     * What becomes of tools that have no chat form (hosted ones such as {@code web_search}, and
     * {@code namespace}, {@code tool_search}, …): {@code REJECT} answers 400 naming the tool, {@code DROP}
     * sends the request on without them, their types in {@link Translated#dropped} (decision 0021).
     */
    public enum UnsupportedTools { REJECT, DROP }

    /** The id named by {@code previous_response_id}, or null; checked before the stored response is read. */
    public static String previousResponseId(JsonNode body) {
        JsonNode v = body.get("previous_response_id");
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isEmpty()) throw GatewayError.wrongType("previous_response_id", "a non-empty string");
        return v.asText();
    }

    /** Of the stored responses a request may name by its items at most this many are read. */
    static final int MAX_REFERENCED_RESPONSES = 16;

    /**
     * The stored responses whose output items the request's {@code input} names by {@code item_reference}
     * (item ids carry their response's: {@link ResponseObject#itemId}), but {@code previous}; at most
     * {@value #MAX_REFERENCED_RESPONSES}, the rest left to fail as not found.
     */
    public static Set<String> referencedResponses(JsonNode body, String previous) {
        Set<String> out = new LinkedHashSet<>();
        JsonNode input = body.get("input");
        if (input == null || !input.isArray()) return out;
        for (JsonNode item : input) {
            if (!item.isObject() || !"item_reference".equals(item.path("type").asText()) || !item.path("id").isTextual()) continue;
            String response = ResponseObject.responseOfItem(item.get("id").asText());
            if (response != null && !response.equals(previous) && out.size() < MAX_REFERENCED_RESPONSES) out.add(response);
        }
        return out;
    }

    /**
     * @param body  the request
     * @param prior the stored context of {@code previous_response_id} (its input items, then its output), or null
     */
    public static Translated toChat(JsonNode body, ArrayNode prior) {
        return toChat(body, prior, Map.of());
    }

    /**
     * @param referable the items of the caller's other stored responses the input names ({@link #referencedResponses}), by id
     */
    public static Translated toChat(JsonNode body, ArrayNode prior, Map<String, JsonNode> referable) {
        return toChat(body, prior, referable, UnsupportedTools.REJECT);
    }

    /** @param unsupported what becomes of tools that have no chat form ({@link UnsupportedTools}) */
    public static Translated toChat(JsonNode body, ArrayNode prior, Map<String, JsonNode> referable, UnsupportedTools unsupported) {
        String model = required(body, "model", "model");
        refuse(body, "background", "Background mode is not supported.", v -> v.isBoolean() && v.asBoolean());
        refuse(body, "conversation", "The Conversations API is not supported; use previous_response_id.", v -> true);
        refuse(body, "prompt", "Stored prompts are not supported; send instructions and input.", v -> true);
        boolean stream = bool(body, "stream", false);
        boolean store = bool(body, "store", true);
        JsonNode input = body.get("input");
        if ((input == null || input.isNull()) && prior == null) throw GatewayError.missingField("input");

        ArrayNode context = prior == null ? Json.nodes().arrayNode() : prior.deepCopy();
        ResponsesInput.appendInput(input, context, referable);
        ObjectNode chat = Json.object();
        chat.put("model", model);
        ArrayNode messages = chat.putArray("messages");
        String instructions = optional(body, "instructions", "instructions");
        if (instructions != null && !instructions.isEmpty()) messages.addObject().put("role", "system").put("content", instructions);
        ResponsesInput.toMessages(context, messages);
        if (messages.isEmpty()) throw GatewayError.invalidRequest("'input' must contain at least one item.", "input");

        ObjectNode echo = Json.object();
        echo.set("instructions", instructions == null ? Json.nodes().nullNode() : Json.nodes().textNode(instructions));
        List<String> dropped = tools(body, chat, echo, unsupported);
        text(body, chat, echo);
        JsonNode max = body.get("max_output_tokens");
        if (max != null && !max.isNull()) {
            if (!max.isIntegralNumber() || !max.canConvertToInt()) throw GatewayError.wrongType("max_output_tokens", "an integer");
            if (max.asInt() < 1) throw GatewayError.invalidRequest("'max_output_tokens' must be at least 1.", "max_output_tokens");
            chat.put("max_completion_tokens", max.asInt());
            echo.put("max_output_tokens", max.asInt());
        } else echo.putNull("max_output_tokens");
        echo.put("temperature", number(body, "temperature", 2, chat));
        echo.put("top_p", number(body, "top_p", 1, chat));
        reasoning(body, chat, echo);
        echo.set("metadata", metadata(body.get("metadata")));
        String user = optional(body, "user", "user");
        if (user != null) chat.put("user", user);
        echo.set("user", user == null ? Json.nodes().nullNode() : Json.nodes().textNode(user));
        echo.put("store", store);
        echo.put("truncation", "disabled");
        echo.put("background", false);
        echo.put("service_tier", "default");
        String previous = previousResponseId(body);
        echo.set("previous_response_id", previous == null ? Json.nodes().nullNode() : Json.nodes().textNode(previous));
        if (stream) {
            chat.put("stream", true);
            chat.putObject("stream_options").put("include_usage", true); // response.completed carries the usage
        }
        return new Translated(model, stream, store, chat, context, echo, dropped);
    }

    // ---- settings ---------------------------------------------------------------------------

    /** The chat tools and tool choice, and the echoed tools; returns the types of the tools dropped. */
    private static List<String> tools(JsonNode body, ObjectNode chat, ObjectNode echo, UnsupportedTools unsupported) {
        ArrayNode echoed = echo.putArray("tools");
        List<String> dropped = new ArrayList<>();
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) throw GatewayError.wrongType("tools", "an array");
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < tools.size(); i++) {
                ObjectNode t = tool(tools.get(i), "tools[" + i + "]", unsupported);
                if (t == null) {
                    dropped.add(tools.get(i).get("type").asText());
                    continue;
                }
                if (!names.add(t.get("name").asText())) {
                    throw GatewayError.invalidRequest("Tool name '" + t.get("name").asText() + "' is used twice.", "tools[" + i + "].name");
                }
                echoed.add(t);
            }
        }
        ArrayNode nested = Json.nodes().arrayNode();
        for (JsonNode t : echoed) {
            ObjectNode f = nested.addObject().put("type", "function").putObject("function").put("name", t.get("name").asText());
            if (t.get("type").asText().equals("custom")) {
                CustomTools.describe(t, f);
                continue;
            }
            if (t.hasNonNull("description")) f.set("description", t.get("description"));
            JsonNode params = t.get("parameters");
            f.set("parameters", params == null || params.isNull() ? Json.object().put("type", "object").set("properties", Json.object()) : params);
            if (t.path("strict").asBoolean(false)) f.put("strict", true); // §6.5.3: only an explicit true
        }
        JsonNode choice = body.get("tool_choice");
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) throw GatewayError.wrongType("parallel_tool_calls", "a boolean");
        echo.put("parallel_tool_calls", parallel == null || parallel.isNull() || parallel.asBoolean());
        if (choice == null || choice.isNull()) echo.put("tool_choice", "auto");
        else {
            echo.set("tool_choice", choice);
            nested = toolChoice(choice, nested, chat);
        }
        if (nested.isEmpty()) { // OpenAI servers reject a tool_choice without tools
            chat.remove("tool_choice");
            return dropped;
        }
        chat.set("tools", nested);
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean()) chat.put("parallel_tool_calls", false);
        return dropped;
    }

    /** A tool as the response echoes it; null for one the policy drops. */
    private static ObjectNode tool(JsonNode t, String p, UnsupportedTools unsupported) {
        if (!t.isObject()) throw GatewayError.wrongType(p, "an object");
        String type = required(t, "type", p + ".type");
        if (type.equals("custom")) return CustomTools.tool(t, p);
        if (!type.equals("function")) {
            if (unsupported == UnsupportedTools.DROP) return null;
            throw GatewayError.invalidRequest("Tool type '" + type + "' is not supported: the gateway runs no built-in tools, "
                    + "only function and custom tools the client runs itself (an administrator may have such tools dropped "
                    + "instead: frugal.responses.unsupported-tools=drop).", p + ".type");
        }
        String name = name(t, p);
        JsonNode params = t.get("parameters");
        if (params != null && !params.isNull() && !params.isObject()) throw GatewayError.wrongType(p + ".parameters", "an object");
        JsonNode strict = t.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) throw GatewayError.wrongType(p + ".strict", "a boolean");
        optional(t, "description", p + ".description");
        ObjectNode out = Json.object().put("type", "function").put("name", name);
        out.set("description", t.hasNonNull("description") ? t.get("description") : Json.nodes().nullNode());
        out.set("parameters", params == null ? Json.nodes().nullNode() : params);
        out.set("strict", strict == null ? Json.nodes().nullNode() : strict);
        return out;
    }

    /** The chat rule for a function's name (RequestValidator's), compiled once: names are checked on every request. */
    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** A tool's name: 1-64 of a-z, A-Z, 0-9, _, . and - (a 400 naming the field otherwise). */
    static String name(JsonNode t, String p) {
        String name = required(t, "name", p + ".name");
        if (!TOOL_NAME.matcher(name).matches()) {
            throw GatewayError.invalidRequest("'" + p + ".name' must be 1-64 of a-z, A-Z, 0-9, _, . and -.", p + ".name");
        }
        return name;
    }

    /** Sets the chat {@code tool_choice}; returns the tools to send (allowed_tools filters them). */
    private static ArrayNode toolChoice(JsonNode choice, ArrayNode tools, ObjectNode chat) {
        if (choice.isTextual()) {
            String c = choice.asText();
            if (!Set.of("auto", "none", "required").contains(c)) {
                throw GatewayError.invalidRequest("'tool_choice' must be auto, none, required or an object.", "tool_choice");
            }
            chat.put("tool_choice", c);
            return tools;
        }
        if (!choice.isObject()) throw GatewayError.wrongType("tool_choice", "a string or an object");
        String type = required(choice, "type", "tool_choice.type");
        switch (type) {
            case "function", "custom" -> {
                String name = required(choice, "name", "tool_choice.name");
                if (!names(tools).contains(name)) {
                    throw GatewayError.invalidRequest("'tool_choice.name' names '" + name + "', which is not among the tools.", "tool_choice.name");
                }
                chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", name);
                return tools;
            }
            case "allowed_tools" -> {
                String mode = required(choice, "mode", "tool_choice.mode");
                if (!mode.equals("auto") && !mode.equals("required")) {
                    throw GatewayError.invalidRequest("'tool_choice.mode' must be auto or required.", "tool_choice.mode");
                }
                JsonNode allowed = choice.get("tools");
                if (allowed == null || !allowed.isArray()) throw GatewayError.wrongType("tool_choice.tools", "an array");
                Set<String> keep = new java.util.HashSet<>();
                for (JsonNode a : allowed) keep.add(a.path("name").asText());
                ArrayNode filtered = Json.nodes().arrayNode();
                for (JsonNode t : tools) if (keep.contains(t.path("function").path("name").asText())) filtered.add(t);
                chat.put("tool_choice", mode);
                return filtered;
            }
            default -> throw GatewayError.invalidRequest("tool_choice of type '" + type + "' is not supported: the gateway runs no built-in tools.",
                    "tool_choice.type");
        }
    }

    private static Set<String> names(ArrayNode tools) {
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode t : tools) names.add(t.path("function").path("name").asText());
        return names;
    }

    private static void text(JsonNode body, ObjectNode chat, ObjectNode echo) {
        JsonNode text = body.get("text");
        ObjectNode echoed = echo.putObject("text");
        if (text == null || text.isNull()) {
            echoed.putObject("format").put("type", "text");
            return;
        }
        if (!text.isObject()) throw GatewayError.wrongType("text", "an object");
        echoed.setAll((ObjectNode) text);
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            echoed.putObject("format").put("type", "text");
            return;
        }
        if (!format.isObject()) throw GatewayError.wrongType("text.format", "an object");
        String type = required(format, "type", "text.format.type");
        switch (type) {
            case "text" -> { }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                String name = required(format, "name", "text.format.name");
                JsonNode schema = format.get("schema");
                if (schema == null || schema.isNull()) throw GatewayError.missingField("text.format.schema");
                if (!schema.isObject()) throw GatewayError.wrongType("text.format.schema", "an object");
                ObjectNode js = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema").put("name", name);
                js.set("schema", schema);
                JsonNode strict = format.get("strict");
                if (strict != null && !strict.isNull()) {
                    if (!strict.isBoolean()) throw GatewayError.wrongType("text.format.strict", "a boolean");
                    js.put("strict", strict.asBoolean());
                }
                String description = optional(format, "description", "text.format.description");
                if (description != null) js.put("description", description);
            }
            default -> throw GatewayError.invalidRequest("'text.format.type' must be text, json_object or json_schema.", "text.format.type");
        }
    }

    private static void reasoning(JsonNode body, ObjectNode chat, ObjectNode echo) {
        JsonNode r = body.get("reasoning");
        ObjectNode echoed = echo.putObject("reasoning");
        echoed.putNull("effort").putNull("summary");
        if (r == null || r.isNull()) return;
        if (!r.isObject()) throw GatewayError.wrongType("reasoning", "an object");
        String effort = optional(r, "effort", "reasoning.effort");
        if (effort != null) {
            if (!EFFORTS.contains(effort)) {
                throw GatewayError.invalidRequest("'reasoning.effort' must be one of none, minimal, low, medium, high, xhigh, max.", "reasoning.effort");
            }
            chat.put("reasoning_effort", effort);
            echoed.put("effort", effort);
        }
        String summary = optional(r, "summary", "reasoning.summary"); // raw reasoning is returned; no summaries (§6.5.2)
        if (summary != null) echoed.put("summary", summary);
    }

    private static ObjectNode metadata(JsonNode m) {
        if (m == null || m.isNull()) return Json.object();
        if (!m.isObject()) throw GatewayError.wrongType("metadata", "an object");
        if (m.size() > 16) throw GatewayError.invalidRequest("'metadata' may hold at most 16 pairs.", "metadata");
        var it = m.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().length() > 64) throw GatewayError.invalidRequest("'metadata' keys may be at most 64 characters.", "metadata");
            if (!e.getValue().isTextual()) throw GatewayError.wrongType("metadata." + e.getKey(), "a string");
            if (e.getValue().asText().length() > 512) {
                throw GatewayError.invalidRequest("'metadata' values may be at most 512 characters.", "metadata." + e.getKey());
            }
        }
        return (ObjectNode) m;
    }

    // ---- typed reads ------------------------------------------------------------------------

    /** A number within [0, max] copied to the chat request; the value to echo (the default 1.0 when absent). */
    private static double number(JsonNode body, String field, double max, ObjectNode chat) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return 1.0;
        if (!v.isNumber()) throw GatewayError.wrongType(field, "a number");
        if (v.asDouble() < 0 || v.asDouble() > max) {
            throw GatewayError.invalidRequest("'" + field + "' must be between 0 and " + (int) max + ".", field);
        }
        chat.set(field, v);
        return v.asDouble();
    }

    private static void refuse(JsonNode body, String field, String message, java.util.function.Predicate<JsonNode> when) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && when.test(v)) throw GatewayError.unsupported(message, field);
    }

    private static boolean bool(JsonNode body, String field, boolean otherwise) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return otherwise;
        if (!v.isBoolean()) throw GatewayError.wrongType(field, "a boolean");
        return v.asBoolean();
    }

    /** A string field, or null when absent; 400 when of another type. */
    static String optional(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw GatewayError.wrongType(param, "a string");
        return v.asText();
    }

    /** A non-empty string field; 400 naming {@code param} when absent, of another type or empty. */
    static String required(JsonNode node, String field, String param) {
        String s = optional(node, field, param);
        if (s == null) throw GatewayError.missingField(param);
        if (s.isEmpty()) throw GatewayError.invalidRequest("'" + param + "' must not be empty.", param);
        return s;
    }
}
