package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.wire.Json;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request → the body of Anthropic's {@code POST /v1/messages}
 * (provider-protocols.md §4.2, §4.4). Pure and stateless: no I/O, no clock. What Anthropic cannot
 * do fails with a 400 {@link UpstreamFailure} naming the field; OpenAI-only knobs without an
 * Anthropic meaning ({@code presence_penalty}, {@code frequency_penalty}, {@code logit_bias},
 * {@code seed}, {@code service_tier}, {@code metadata}, {@code store}, …) are left out, because
 * Anthropic rejects fields it does not know.
 */
final class AnthropicRequestMapper {
    /** The tool that carries a JSON-mode answer; its input is returned as the message content. */
    static final String JSON_TOOL = "json_response";
    /** Anthropic's smallest thinking budget. */
    static final int MIN_THINKING_BUDGET = 1024;
    /** Thinking budgets per {@code reasoning_effort}, after LiteLLM's defaults (low 1024, medium 2048, high 4096). */
    private static final Map<String, Integer> THINKING_BUDGETS = Map.of(
            "minimal", 1024, "low", 1024, "medium", 2048, "high", 4096, "xhigh", 8192, "max", 16384);

    private AnthropicRequestMapper() {}

    /** @throws UpstreamFailure INVALID_REQUEST (400, with {@code param}) when the request cannot be translated */
    static ObjectNode toAnthropic(ObjectNode req, ModelConfig.Deployment deployment, ProviderConfig config) {
        rejectUnsupported(req);
        ObjectNode out = Json.object();
        out.put("model", deployment.upstreamModel());
        JsonNode clientMax = req.hasNonNull("max_completion_tokens") ? req.get("max_completion_tokens") : req.get("max_tokens");
        boolean clientGaveMax = clientMax != null && clientMax.canConvertToInt();
        int maxTokens = clientGaveMax ? clientMax.asInt() : config.defaultMaxTokens();
        out.put("max_tokens", maxTokens);

        AnthropicMessages.Converted conv = AnthropicMessages.convert(req.path("messages"));
        if (conv.system() != null) out.put("system", conv.system());
        out.set("messages", conv.messages());

        JsonNode stop = req.get("stop");
        if (stop != null && stop.isTextual()) out.putArray("stop_sequences").add(stop.asText());
        else if (stop != null && stop.isArray() && !stop.isEmpty()) out.set("stop_sequences", stop.deepCopy());
        JsonNode temperature = req.get("temperature");
        if (temperature != null && temperature.isNumber()) out.set("temperature", temperature);
        if (req.path("top_p").isNumber()) out.set("top_p", req.get("top_p"));
        if (req.path("top_k").isIntegralNumber()) out.set("top_k", req.get("top_k")); // Anthropic's own knob, sent as an extra field
        JsonNode user = req.hasNonNull("safety_identifier") ? req.get("safety_identifier") : req.get("user");
        if (user != null && user.isTextual() && !user.asText().isEmpty()) out.putObject("metadata").put("user_id", user.asText());

        boolean forcedToolUse = tools(req, out);
        thinking(req, out, maxTokens, clientGaveMax, config, forcedToolUse);
        if (req.path("stream").asBoolean(false)) out.put("stream", true);
        return out;
    }

    /** JSON mode ({@code response_format} json_object or json_schema) is answered through the forced {@link #JSON_TOOL}. */
    static boolean jsonMode(JsonNode req) {
        String type = req.path("response_format").path("type").asText("");
        return type.equals("json_object") || type.equals("json_schema");
    }

    private static void rejectUnsupported(JsonNode req) {
        if (req.path("n").asInt(1) > 1) throw unsupported("More than one choice (n > 1)", "n");
        if (req.path("logprobs").asBoolean(false)) throw unsupported("logprobs", "logprobs");
        if (req.hasNonNull("top_logprobs")) throw unsupported("top_logprobs", "top_logprobs");
        if (req.hasNonNull("functions")) throw unsupported("The deprecated 'functions' field (use 'tools')", "functions");
        if (req.hasNonNull("audio")) throw unsupported("Audio output", "audio");
        for (JsonNode m : req.path("modalities")) {
            if ("audio".equals(m.asText())) throw unsupported("Audio output", "modalities");
        }
        JsonNode t = req.get("temperature");
        if (t != null && t.isNumber() && t.asDouble() > 1) {
            // OpenAI allows 0..2, Anthropic 0..1. Rescaling would silently change the sampling the
            // client asked for, so the request is refused instead (as envoy ai-gateway does).
            throw new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400,
                    "temperature above 1 is not supported by anthropic (its range is 0 to 1).", "temperature", -1);
        }
    }

    // ---- tools ---------------------------------------------------------------------------

    /** Writes {@code tools} and {@code tool_choice}; true when the answer must be a tool call. */
    private static boolean tools(JsonNode req, ObjectNode out) {
        JsonNode choice = req.get("tool_choice");
        Set<String> allowed = null;
        String mode = "auto"; // OpenAI's default once tools are given
        String named = null;
        if (choice != null && choice.isTextual()) mode = choice.asText();
        else if (choice != null && choice.isObject()) {
            switch (choice.path("type").asText()) {
                case "function" -> { mode = "named"; named = choice.path("function").path("name").asText(); }
                case "allowed_tools" -> {
                    // No Anthropic equivalent: offer only the allowed tools, then apply the mode (§4.4).
                    JsonNode at = choice.path("allowed_tools");
                    mode = at.path("mode").asText("auto");
                    allowed = new HashSet<>();
                    for (JsonNode t : at.path("tools")) allowed.add(t.path("function").path("name").asText());
                }
                default -> throw unsupported("A '" + choice.path("type").asText() + "' tool_choice", "tool_choice");
            }
        }
        boolean json = jsonMode(req);
        ArrayNode tools = Json.nodes().arrayNode();
        JsonNode given = req.path("tools");
        for (int i = 0; i < given.size(); i++) {
            JsonNode t = given.get(i);
            if (!"function".equals(t.path("type").asText())) {
                throw unsupported("A '" + t.path("type").asText() + "' tool (only function tools)", "tools[" + i + "].type");
            }
            JsonNode fn = t.path("function");
            String name = fn.path("name").asText();
            if (json && JSON_TOOL.equals(name)) {
                throw invalid("The tool name '" + JSON_TOOL + "' is reserved for JSON mode on anthropic.", "tools[" + i + "].function.name");
            }
            if (allowed != null && !allowed.contains(name)) continue;
            ObjectNode tool = tools.addObject().put("name", name);
            if (fn.path("description").isTextual()) tool.put("description", fn.get("description").asText());
            JsonNode params = fn.get("parameters");
            tool.set("input_schema", params != null && params.isObject() ? params : Json.object().put("type", "object")
                    .set("properties", Json.object()));
            if (fn.path("strict").isBoolean()) tool.put("strict", fn.get("strict").asBoolean());
        }
        boolean clientTools = !tools.isEmpty();
        ObjectNode tc = null;
        if (json) {
            tools.add(jsonTool(req.path("response_format")));
            if (!clientTools || mode.equals("none")) {
                tc = Json.object().put("type", "tool").put("name", JSON_TOOL).put("disable_parallel_tool_use", true);
            } else if (mode.equals("named")) {
                tc = Json.object().put("type", "tool").put("name", named);
            } else {
                // auto or required: the model calls one of the client's tools or answers through the JSON tool.
                tc = Json.object().put("type", "any");
            }
        } else if (clientTools) {
            tc = switch (mode) {
                case "auto" -> choice == null && req.path("parallel_tool_calls").asBoolean(true) ? null : Json.object().put("type", "auto");
                case "required" -> Json.object().put("type", "any");
                case "none" -> Json.object().put("type", "none");
                case "named" -> Json.object().put("type", "tool").put("name", named);
                default -> throw invalid("Unknown tool_choice '" + mode + "'.", "tool_choice");
            };
        }
        if (tc != null && !"none".equals(tc.get("type").asText()) && !tc.has("disable_parallel_tool_use")
                && !req.path("parallel_tool_calls").asBoolean(true)) {
            tc.put("disable_parallel_tool_use", true);
        }
        if (!tools.isEmpty()) out.set("tools", tools);
        if (tc != null) out.set("tool_choice", tc);
        return tc != null && (tc.get("type").asText().equals("any") || tc.get("type").asText().equals("tool"));
    }

    private static ObjectNode jsonTool(JsonNode format) {
        ObjectNode tool = Json.object().put("name", JSON_TOOL);
        JsonNode js = format.path("json_schema");
        JsonNode schema = js.get("schema");
        if ("json_schema".equals(format.path("type").asText()) && schema != null && schema.isObject()) {
            if (schema.has("type") && !"object".equals(schema.get("type").asText())) {
                // A tool's input is always an object on Anthropic.
                throw unsupported("A JSON schema whose top level is not an object", "response_format.json_schema.schema");
            }
            tool.put("description", js.path("description").asText("Respond with the final answer as JSON matching the input schema."));
            ObjectNode s = schema.deepCopy();
            s.put("type", "object");
            tool.set("input_schema", s);
            if (js.path("strict").isBoolean()) tool.put("strict", js.get("strict").asBoolean());
        } else {
            tool.put("description", "Respond with the final answer as a JSON object.");
            tool.set("input_schema", Json.object().put("type", "object"));
        }
        return tool;
    }

    // ---- thinking ------------------------------------------------------------------------

    /**
     * {@code reasoning_effort} turns on extended thinking with a budget by effort. Not when tool use
     * is forced (Anthropic rejects thinking with a forced tool) and not while a tool loop goes on
     * (Anthropic then needs the signed thinking block of the previous turn, which an OpenAI client
     * cannot send back). A client's own {@code thinking} object is sent as it is.
     */
    private static void thinking(JsonNode req, ObjectNode out, int maxTokens, boolean clientGaveMax, ProviderConfig config,
                                 boolean forcedToolUse) {
        if (req.path("thinking").isObject()) {
            out.set("thinking", req.get("thinking"));
            return;
        }
        String effort = req.path("reasoning_effort").asText("");
        Integer budget = THINKING_BUDGETS.get(effort);
        if (budget == null || forcedToolUse) return; // "none", absent or an unknown level: no thinking
        JsonNode messages = req.path("messages");
        if (!messages.isEmpty() && "tool".equals(messages.get(messages.size() - 1).path("role").asText())) return;
        if (clientGaveMax) {
            // Thinking counts against max_tokens and its budget must stay below it.
            if (maxTokens <= MIN_THINKING_BUDGET) {
                throw invalid("reasoning_effort needs max_completion_tokens above " + MIN_THINKING_BUDGET
                        + " on anthropic (thinking takes at least " + MIN_THINKING_BUDGET + " tokens).", "reasoning_effort");
            }
            budget = Math.min(budget, maxTokens - 1);
        } else {
            out.put("max_tokens", config.defaultMaxTokens() + budget); // room for the answer after the thinking
        }
        out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
    }

    // ---- failures ------------------------------------------------------------------------

    static UpstreamFailure unsupported(String what, String param) {
        return new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400, what + " is not supported by anthropic.", param, -1);
    }

    static UpstreamFailure invalid(String message, String param) {
        return new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400, message, param, -1);
    }
}
