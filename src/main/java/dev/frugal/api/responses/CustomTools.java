package dev.frugal.api.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;

import java.util.HashSet;
import java.util.Set;

import static dev.frugal.api.responses.ResponsesRequestMapper.optional;
import static dev.frugal.api.responses.ResponsesRequestMapper.required;

/**
 * Custom (free-form) tools of the Responses API, such as Codex CLI's {@code apply_patch}, on chat
 * backends, which only know function tools (decision 0021, docs/responses.md):
 * <ul>
 *   <li>a {@code custom} tool becomes a function tool of the same name with one string parameter,
 *       {@value #INPUT}, that carries the free-form input; the description says so and repeats the
 *       tool's format (its grammar, when it has one: the backend cannot enforce it);</li>
 *   <li>the model's call of such a function becomes a {@code custom_tool_call} item whose
 *       {@code input} is that string (the raw arguments when they are not such an object);</li>
 *   <li>a {@code custom_tool_call} item sent back becomes the function call again, and its
 *       {@code custom_tool_call_output} a {@code tool} message.</li>
 * </ul>
 * Pure.
 */
final class CustomTools {
    /** The one parameter of the function a custom tool becomes. */
    static final String INPUT = "input";

    private CustomTools() {}

    /** A {@code custom} tool checked, as the response echoes it. */
    static ObjectNode tool(JsonNode t, String p) {
        String name = ResponsesRequestMapper.name(t, p);
        ObjectNode out = Json.object().put("type", "custom").put("name", name);
        String description = optional(t, "description", p + ".description");
        if (description != null) out.put("description", description);
        JsonNode format = t.get("format");
        if (format != null && !format.isNull()) {
            if (!format.isObject()) throw GatewayError.wrongType(p + ".format", "an object");
            String type = required(format, "type", p + ".format.type");
            if (type.equals("grammar")) {
                required(format, "definition", p + ".format.definition");
                optional(format, "syntax", p + ".format.syntax");
            } else if (!type.equals("text")) {
                throw GatewayError.invalidRequest("'" + p + ".format.type' must be text or grammar.", p + ".format.type");
            }
            out.set("format", format);
        }
        return out;
    }

    /** Fills the chat function ({@code name} already set) that stands for the echoed custom tool {@code t}. */
    static void describe(JsonNode t, ObjectNode function) {
        StringBuilder d = new StringBuilder(t.path("description").asText(""));
        if (!d.isEmpty()) d.append("\n\n");
        d.append("This tool takes free-form text, not JSON: pass the whole text, unchanged, as the string parameter '")
                .append(INPUT).append("'.");
        JsonNode format = t.path("format");
        if (format.path("type").asText("").equals("grammar")) {
            d.append(" The text must match this grammar (").append(format.path("syntax").asText("lark")).append(" syntax):\n")
                    .append(format.path("definition").asText());
        }
        function.put("description", d.toString());
        ObjectNode params = function.putObject("parameters").put("type", "object");
        params.putObject("properties").putObject(INPUT).put("type", "string").put("description", "The free-form input of the tool.");
        params.putArray("required").add(INPUT);
        params.put("additionalProperties", false);
    }

    /** The names of the custom tools among a response's echoed {@code tools}. */
    static Set<String> names(JsonNode tools) {
        Set<String> names = new HashSet<>();
        for (JsonNode t : tools) if (t.path("type").asText().equals("custom")) names.add(t.path("name").asText());
        return names;
    }

    /** The free-form input a function call's arguments carry: the {@value #INPUT} string, else the arguments as they are. */
    static String input(String arguments) {
        try {
            JsonNode args = Json.parse(arguments);
            if (args.isObject() && args.path(INPUT).isTextual()) return args.get(INPUT).asText();
        } catch (Exception e) {
            // a model that wrote the text itself rather than the object: the text is the input
        }
        return arguments;
    }

    /** The function call arguments that carry {@code input}. */
    static String arguments(String input) {
        return Json.write(Json.object().put(INPUT, input));
    }

    static ObjectNode call(String id, String callId, String name, String input, String status) {
        return Json.object().put("id", id).put("type", "custom_tool_call").put("status", status).put("call_id", callId)
                .put("name", name).put("input", input);
    }
}
