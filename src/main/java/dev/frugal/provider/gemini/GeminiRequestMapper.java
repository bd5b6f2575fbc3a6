package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.wire.Json;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates an OpenAI chat request into a Gemini {@code GenerateContentRequest}
 * (provider-protocols.md §5.2, §5.3). The model is not part of the body: it goes into the path.
 * A request Gemini cannot serve faithfully (several choices, audio output, custom tools, OpenAI
 * file ids…) fails with a 400 naming the parameter rather than being quietly changed; fields that
 * are only hints to OpenAI (user, metadata, store, service tier, parallel_tool_calls…) are dropped.
 * The decisions are listed in docs/providers.d/gemini.md. Pure.
 */
final class GeminiRequestMapper {
    static final String KIND = "gemini";

    /**
     * {@code reasoning_effort} → {@code thinkingConfig.thinkingBudget} in tokens. Budgets rather than
     * {@code thinkingLevel}, because every thinking model (2.5 and 3) accepts a budget while levels
     * exist only on Gemini 3; the values stay within the smallest model's range (Flash: 0–24576).
     */
    private static final Map<String, Integer> THINKING_BUDGET = Map.of(
            "none", 0, "minimal", 512, "low", 1024, "medium", 8192, "high", 24576, "xhigh", 24576, "max", 24576);

    private static final Pattern GEMINI_VERSION = Pattern.compile("gemini-(\\d+)");

    private GeminiRequestMapper() {}

    /**
     * The Gemini body for {@code req}, sent to {@code upstreamModel}.
     *
     * @throws UpstreamFailure (INVALID_REQUEST, 400) when the request cannot be translated
     */
    static ObjectNode toGemini(JsonNode req, String upstreamModel) {
        if (req.path("n").asInt(1) > 1) throw unsupported("More than one choice ('n' > 1)", "n");
        JsonNode modalities = req.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (JsonNode m : modalities) if (!"text".equals(m.asText())) throw unsupported("'" + m.asText() + "' output", "modalities");
        }
        if (req.hasNonNull("audio")) throw unsupported("Audio output", "audio");
        if (req.hasNonNull("web_search_options")) throw unsupported("'web_search_options'", "web_search_options");

        ObjectNode out = Json.object();
        GeminiContents.Result c = GeminiContents.toGemini(req.path("messages"), signaturesRequired(upstreamModel));
        out.set("contents", c.contents());
        if (c.systemInstruction() != null) out.set("systemInstruction", c.systemInstruction());
        tools(req, out);
        ObjectNode gen = generationConfig(req);
        if (!gen.isEmpty()) out.set("generationConfig", gen);
        // Gemini-native settings an OpenAI client can send as extra fields (the genai names or snake_case).
        copy(req, out, "safetySettings", "safety_settings");
        copy(req, out, "cachedContent", "cached_content");
        return out;
    }

    /** Gemini 3 and later validate thought signatures on function calls (§5.3). */
    static boolean signaturesRequired(String model) {
        Matcher m = GEMINI_VERSION.matcher(model == null ? "" : model);
        return m.find() && m.group(1).length() < 4 && Integer.parseInt(m.group(1)) >= 3;
    }

    private static ObjectNode generationConfig(JsonNode req) {
        ObjectNode g = Json.object();
        JsonNode max = req.hasNonNull("max_completion_tokens") ? req.get("max_completion_tokens") : req.get("max_tokens");
        if (max != null && !max.isNull()) g.set("maxOutputTokens", max);
        setIfPresent(req, "temperature", g, "temperature");
        setIfPresent(req, "top_p", g, "topP");
        setIfPresent(req, "top_k", g, "topK");
        JsonNode stop = req.get("stop");
        if (stop != null && stop.isTextual()) g.putArray("stopSequences").add(stop.asText());
        else if (stop != null && stop.isArray() && !stop.isEmpty()) g.set("stopSequences", stop);
        setIfPresent(req, "presence_penalty", g, "presencePenalty");
        setIfPresent(req, "frequency_penalty", g, "frequencyPenalty");
        JsonNode seed = req.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.canConvertToInt()) throw invalid("'seed' must fit in 32 bits for Gemini.", "seed");
            g.put("seed", seed.asInt());
        }
        if (req.path("logprobs").asBoolean(false)) {
            g.put("responseLogprobs", true);
            if (req.path("top_logprobs").asInt(0) > 0) g.put("logprobs", req.get("top_logprobs").asInt());
        }
        responseFormat(req.get("response_format"), g);
        JsonNode effort = req.get("reasoning_effort");
        if (effort != null && !effort.isNull()) {
            Integer budget = THINKING_BUDGET.get(effort.asText());
            if (budget == null) throw invalid("'reasoning_effort' must be one of none, minimal, low, medium, high, xhigh, max.", "reasoning_effort");
            ObjectNode thinking = g.putObject("thinkingConfig").put("thinkingBudget", budget);
            if (budget > 0) thinking.put("includeThoughts", true); // so the thoughts can reach reasoning_content
        }
        return g;
    }

    private static void responseFormat(JsonNode format, ObjectNode g) {
        if (format == null || format.isNull()) return;
        String type = format.path("type").asText();
        switch (type) {
            case "text" -> { /* Gemini's default */ }
            case "json_object" -> g.put("responseMimeType", "application/json");
            case "json_schema" -> {
                g.put("responseMimeType", "application/json");
                // responseJsonSchema takes full JSON Schema; responseSchema would need conversion to Gemini's OpenAPI subset.
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema != null && schema.isObject()) g.set("responseJsonSchema", schema);
            }
            default -> throw unsupported("'response_format' of type '" + type + "'", "response_format.type");
        }
    }

    private static void tools(JsonNode req, ObjectNode out) {
        JsonNode tools = req.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) return;
        ArrayNode declarations = Json.nodes().arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            if (!"function".equals(t.path("type").asText())) {
                throw unsupported("A '" + t.path("type").asText() + "' tool", "tools[" + i + "].type");
            }
            JsonNode f = t.path("function");
            ObjectNode d = declarations.addObject().put("name", f.path("name").asText());
            if (f.hasNonNull("description")) d.put("description", f.get("description").asText());
            JsonNode params = f.get("parameters");
            // parametersJsonSchema takes the JSON Schema as OpenAI clients write it (§5.3); `parameters` would reject
            // keywords such as additionalProperties. OpenAI's `strict` has no Gemini counterpart.
            if (params != null && params.isObject()) d.set("parametersJsonSchema", params);
        }
        out.putArray("tools").addObject().set("functionDeclarations", declarations);
        ObjectNode config = functionCallingConfig(req.get("tool_choice"));
        if (config != null) out.putObject("toolConfig").set("functionCallingConfig", config);
    }

    /** {@code tool_choice} → {@code functionCallingConfig} (§5.3), or null to leave Gemini's default (AUTO). */
    private static ObjectNode functionCallingConfig(JsonNode choice) {
        if (choice == null || choice.isNull()) return null;
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "none" -> Json.object().put("mode", "NONE");
                case "required" -> Json.object().put("mode", "ANY");
                case "auto" -> Json.object().put("mode", "AUTO");
                default -> throw invalid("'tool_choice' must be none, auto, required or an object.", "tool_choice");
            };
        }
        String type = choice.path("type").asText();
        if ("function".equals(type)) {
            ObjectNode c = Json.object().put("mode", "ANY");
            c.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
            return c;
        }
        if ("allowed_tools".equals(type)) {
            JsonNode allowed = choice.path("allowed_tools");
            // ANY forces a call among the names; VALIDATED lets the model answer in text or call one of them.
            ObjectNode c = Json.object().put("mode", "required".equals(allowed.path("mode").asText()) ? "ANY" : "VALIDATED");
            ArrayNode names = c.putArray("allowedFunctionNames");
            for (JsonNode t : allowed.path("tools")) {
                if (t.path("function").hasNonNull("name")) names.add(t.path("function").get("name").asText());
            }
            return c;
        }
        throw unsupported("A 'tool_choice' of type '" + type + "'", "tool_choice");
    }

    private static void setIfPresent(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) to.set(as, v);
    }

    private static void copy(JsonNode from, ObjectNode to, String geminiName, String snakeName) {
        JsonNode v = from.hasNonNull(geminiName) ? from.get(geminiName) : from.get(snakeName);
        if (v != null && !v.isNull()) to.set(geminiName, v);
    }

    /** A 400 for what Gemini cannot do: "{what} is not supported by gemini". */
    static UpstreamFailure unsupported(String what, String param) {
        return new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400, what + " is not supported by " + KIND + ".", param, -1);
    }

    /** A 400 for a request that is malformed for the translation. */
    static UpstreamFailure invalid(String message, String param) {
        return new UpstreamFailure(UpstreamFailure.Kind.INVALID_REQUEST, 400, message, param, -1);
    }
}
