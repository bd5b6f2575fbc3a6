package dev.frugal.provider.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.EmbeddingCall;
import dev.frugal.wire.Json;

import java.util.HashMap;
import java.util.Map;

/**
 * Translates an OpenAI chat request into Ollama's native {@code POST /api/chat} body
 * (provider-protocols.md §6.1). Pure. What Ollama cannot do fails with a 400
 * ({@link Kind#INVALID_REQUEST}) naming the field, never silently: {@code n > 1},
 * {@code logprobs}, a forced {@code tool_choice}, non-function tools, the deprecated
 * {@code functions}, audio and file parts, and image URLs that are not inline data.
 *
 * <p>OpenAI-only fields with no Ollama meaning ({@code user}, {@code metadata}, {@code store},
 * {@code service_tier}, {@code logit_bias}, {@code parallel_tool_calls}, {@code stream_options}…)
 * are dropped. Ollama's own {@code options}, {@code keep_alive} and {@code think} pass through
 * when a client sends them, so callers can reach {@code num_ctx}, {@code top_k} and the like.
 */
final class OllamaRequestMapper {
    private static final String KIND = "ollama";

    private OllamaRequestMapper() {}

    /**
     * @param request       the client's OpenAI request (not modified)
     * @param upstreamModel the deployment's model name on the Ollama server
     * @param stream        whether to ask for NDJSON streaming (always written: Ollama streams when it is absent)
     */
    static ObjectNode toOllama(ObjectNode request, String upstreamModel, boolean stream) {
        ObjectNode out = Json.object();
        out.put("model", upstreamModel);
        out.set("messages", messages(request.path("messages")));
        out.put("stream", stream);
        if (request.hasNonNull("n") && request.get("n").asInt(1) != 1) throw unsupported("n > 1", "n");
        if (request.path("logprobs").asBoolean(false)) throw unsupported("logprobs", "logprobs");
        if (request.hasNonNull("functions") || request.hasNonNull("function_call")) {
            throw unsupported("the deprecated 'functions' (send 'tools')", request.hasNonNull("functions") ? "functions" : "function_call");
        }
        tools(request, out);
        ObjectNode options = options(request);
        if (!options.isEmpty()) out.set("options", options);
        JsonNode format = format(request.get("response_format"));
        if (format != null) out.set("format", format);
        JsonNode think = think(request);
        if (think != null) out.set("think", think);
        if (request.hasNonNull("keep_alive")) out.set("keep_alive", request.get("keep_alive"));
        return out;
    }

    /** The {@code POST /api/embed} body; token-array inputs have no Ollama form. */
    static ObjectNode embedToOllama(EmbeddingCall call) {
        if (call.texts() == null) throw unsupported("token-array inputs", "input");
        ObjectNode out = Json.object();
        out.put("model", call.deployment().upstreamModel());
        ArrayNode input = out.putArray("input");
        call.texts().forEach(input::add);
        if (call.dimensions() != null) out.put("dimensions", call.dimensions());
        for (String f : new String[] {"truncate", "keep_alive", "options"}) {
            if (call.body().hasNonNull(f)) out.set(f, call.body().get(f));
        }
        return out;
    }

    // ---- messages ------------------------------------------------------------------------

    private static ArrayNode messages(JsonNode messages) {
        ArrayNode out = Json.nodes().arrayNode();
        Map<String, String> toolNames = new HashMap<>(); // tool_call_id → function name, for tool_name
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            String role = m.path("role").asText();
            ObjectNode o = out.addObject();
            switch (role) {
                case "system", "developer" -> o.put("role", "system");
                case "user", "assistant" -> o.put("role", role);
                case "tool", "function" -> o.put("role", "tool");
                default -> throw unsupported("the role '" + role + "'", p + ".role");
            }
            content(m.get("content"), p, o);
            if (role.equals("assistant")) {
                if (m.path("reasoning_content").isTextual()) o.put("thinking", m.get("reasoning_content").asText());
                JsonNode calls = m.get("tool_calls");
                if (calls != null && calls.isArray() && !calls.isEmpty()) o.set("tool_calls", toolCalls(calls, p, toolNames));
            } else if (role.equals("tool")) {
                String id = m.path("tool_call_id").asText();
                o.put("tool_call_id", id);
                String name = toolNames.get(id);
                if (name != null) o.put("tool_name", name);
            } else if (role.equals("function")) {
                o.put("tool_name", m.path("name").asText());
            }
        }
        return out;
    }

    /** Flattens text parts into {@code content} (joined by newlines) and inline images into {@code images}. */
    private static void content(JsonNode content, String p, ObjectNode o) {
        if (content == null || content.isNull()) {
            o.put("content", "");
            return;
        }
        if (content.isTextual()) {
            o.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode images = null;
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String pp = p + ".content[" + j + "]";
            switch (part.path("type").asText()) {
                case "text" -> {
                    if (!text.isEmpty()) text.append('\n');
                    text.append(part.path("text").asText());
                }
                case "refusal" -> { /* an earlier refusal carries nothing the model needs */ }
                case "image_url" -> {
                    JsonNode url = part.path("image_url");
                    String u = url.isTextual() ? url.asText() : url.path("url").asText();
                    if (images == null) images = Json.nodes().arrayNode();
                    images.add(imageData(u, pp + ".image_url.url"));
                }
                default -> throw unsupported("'" + part.path("type").asText() + "' content parts", pp + ".type");
            }
        }
        o.put("content", text.toString());
        if (images != null) o.set("images", images);
    }

    /** The base64 payload of a {@code data:…;base64,…} URL; Ollama cannot fetch remote images. */
    private static String imageData(String url, String param) {
        if (url.startsWith("http://") || url.startsWith("https://")) {
            throw unsupported("image URLs (send the image inline as a base64 data: URL)", param);
        }
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw new UpstreamFailure(Kind.INVALID_REQUEST, 400, "'" + param + "' must be a base64 data: URL or an http(s) URL.", param, -1);
        }
        return url.substring(comma + 1);
    }

    /** OpenAI tool calls → Ollama's, whose {@code arguments} is a JSON object, not a string. */
    private static ArrayNode toolCalls(JsonNode calls, String p, Map<String, String> toolNames) {
        ArrayNode out = Json.nodes().arrayNode();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode c = calls.get(j);
            String pp = p + ".tool_calls[" + j + "]";
            if (!"function".equals(c.path("type").asText("function"))) throw unsupported("'" + c.path("type").asText() + "' tool calls", pp + ".type");
            String name = c.path("function").path("name").asText();
            String id = c.path("id").asText();
            toolNames.put(id, name);
            ObjectNode call = out.addObject();
            if (!id.isEmpty()) call.put("id", id);
            ObjectNode fn = call.putObject("function");
            fn.put("index", j);
            fn.put("name", name);
            fn.set("arguments", arguments(c.path("function").get("arguments"), pp + ".function.arguments"));
        }
        return out;
    }

    private static JsonNode arguments(JsonNode args, String param) {
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) return Json.object();
        if (args.isObject()) return args;
        JsonNode parsed = null;
        try {
            if (args.isTextual()) parsed = Json.parse(args.asText());
        } catch (Exception notJson) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            throw new UpstreamFailure(Kind.INVALID_REQUEST, 400,
                    "'" + param + "' must be a JSON object encoded as a string: ollama takes tool arguments as an object.", param, -1);
        }
        return parsed;
    }

    // ---- everything else -----------------------------------------------------------------

    private static void tools(ObjectNode request, ObjectNode out) {
        JsonNode choice = request.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            if (choice.isTextual() && choice.asText().equals("none")) return; // no tools offered: exactly "none"
            if (!choice.isTextual() || !choice.asText().equals("auto")) {
                throw unsupported("forcing a tool with 'tool_choice' (only 'auto' and 'none')", "tool_choice");
            }
        }
        JsonNode tools = request.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) return;
        for (int i = 0; i < tools.size(); i++) {
            if (!"function".equals(tools.get(i).path("type").asText())) {
                throw unsupported("'" + tools.get(i).path("type").asText() + "' tools", "tools[" + i + "].type");
            }
        }
        out.set("tools", tools); // Ollama takes OpenAI's function-tool shape as it is
    }

    private static ObjectNode options(ObjectNode request) {
        ObjectNode o = Json.object();
        JsonNode max = request.hasNonNull("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens");
        if (max != null && !max.isNull()) o.set("num_predict", max);
        for (String f : new String[] {"temperature", "top_p", "seed", "presence_penalty", "frequency_penalty"}) {
            if (request.hasNonNull(f)) o.set(f, request.get(f));
        }
        JsonNode stop = request.get("stop");
        if (stop != null && stop.isTextual()) o.putArray("stop").add(stop.asText());
        else if (stop != null && stop.isArray()) o.set("stop", stop);
        // Ollama's own options, sent by a client that knows them (num_ctx, top_k…), win over the mapped ones.
        if (request.get("options") instanceof ObjectNode ollamaOptions) o.setAll(ollamaOptions);
        return o;
    }

    private static JsonNode format(JsonNode rf) {
        if (rf == null || rf.isNull()) return null;
        return switch (rf.path("type").asText()) {
            case "text" -> null;
            case "json_object" -> Json.nodes().textNode("json");
            case "json_schema" -> {
                JsonNode schema = rf.path("json_schema").get("schema");
                yield schema != null && schema.isObject() ? schema : Json.nodes().textNode("json");
            }
            default -> throw unsupported("response_format '" + rf.path("type").asText() + "'", "response_format.type");
        };
    }

    /**
     * {@code reasoning_effort} → {@code think} (§6.1): {@code none} turns thinking off, {@code minimal}
     * is clamped to {@code low} and {@code xhigh} to {@code max}, because native {@code think} takes
     * only true/false and low/medium/high/max. Without it, a client's own {@code think} passes through.
     */
    private static JsonNode think(ObjectNode request) {
        JsonNode effort = request.get("reasoning_effort");
        if (effort == null || effort.isNull()) return request.hasNonNull("think") ? request.get("think") : null;
        return switch (effort.asText()) {
            case "none" -> Json.nodes().booleanNode(false);
            case "minimal", "low" -> Json.nodes().textNode("low");
            case "medium" -> Json.nodes().textNode("medium");
            case "high" -> Json.nodes().textNode("high");
            case "xhigh", "max" -> Json.nodes().textNode("max");
            default -> throw unsupported("reasoning_effort '" + effort.asText() + "'", "reasoning_effort");
        };
    }

    private static UpstreamFailure unsupported(String what, String param) {
        return new UpstreamFailure(Kind.INVALID_REQUEST, 400, what + " is not supported by " + KIND, param, -1);
    }
}
