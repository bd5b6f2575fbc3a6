package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.wire.Json;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Translates OpenAI {@code messages} into Gemini {@code contents} plus {@code systemInstruction}
 * (provider-protocols.md §5.2, §5.3):
 * <ul>
 *   <li>system and developer messages, wherever they stand, become {@code systemInstruction} parts;</li>
 *   <li>user → {@code user}, assistant → {@code model}; consecutive contents of one role are merged;</li>
 *   <li>assistant {@code tool_calls} → {@code functionCall} parts with parsed {@code args} and the thought
 *       signature carried by the call id ({@link ToolCallIds});</li>
 *   <li>tool messages → {@code functionResponse} parts in a {@code user} content. Gemini needs the
 *       function <em>name</em>, which OpenAI tool messages lack, so the names of the calls made
 *       earlier in the same request are looked up by {@code tool_call_id} (§0 rule 5);</li>
 *   <li>images: {@code data:} URLs → {@code inlineData}; http(s) and gs:// URLs → {@code fileData}
 *       (Gemini fetches them; the gateway never downloads on the event loop);
 *       {@code input_audio} → {@code inlineData}.</li>
 * </ul>
 * Pure.
 */
final class GeminiContents {
    /** Google's documented value for function calls that carry no signature (history from elsewhere). */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"),
            Map.entry("mp3", "audio/mp3"), Map.entry("wav", "audio/wav"), Map.entry("flac", "audio/flac"),
            Map.entry("mp4", "video/mp4"));

    private GeminiContents() {}

    /** The translated conversation; {@code systemInstruction} is null when there is no system text. */
    record Result(ArrayNode contents, ObjectNode systemInstruction) {}

    /**
     * @param signaturesRequired the model validates thought signatures on function calls (Gemini 3 and later)
     * @throws UpstreamFailure (INVALID_REQUEST) for content Gemini cannot take, naming the offending field
     */
    static Result toGemini(JsonNode messages, boolean signaturesRequired) {
        ArrayNode contents = Json.nodes().arrayNode();
        ArrayNode system = Json.nodes().arrayNode();
        Map<String, String> callNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            switch (m.path("role").asText()) {
                case "system", "developer" -> system.addAll(textOnly(m.get("content"), p));
                case "user" -> append(contents, "user", userParts(m.get("content"), p));
                case "assistant" -> append(contents, "model", assistantParts(m, p, callNames, signaturesRequired));
                case "tool" -> {
                    String callId = m.path("tool_call_id").asText();
                    String name = callNames.get(callId);
                    if (name == null) {
                        throw GeminiRequestMapper.invalid("'" + p + ".tool_call_id' answers tool call '" + callId
                                + "', which no earlier assistant message in this request made.", p + ".tool_call_id");
                    }
                    append(contents, "user", single(functionResponse(name, m.get("content"))));
                }
                case "function" -> append(contents, "user", single(functionResponse(m.path("name").asText(), m.get("content"))));
                default -> throw GeminiRequestMapper.invalid("'" + p + ".role' is not a role Gemini can take.", p + ".role");
            }
        }
        ObjectNode instruction = null;
        if (!system.isEmpty()) {
            instruction = Json.object();
            instruction.set("parts", system);
        }
        return new Result(contents, instruction);
    }

    /** Adds parts as a content of {@code role}, merged into the previous content when it has the same role. */
    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (parts.isEmpty()) return; // Gemini rejects contents without parts (an empty assistant turn, say)
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode c = contents.addObject().put("role", role);
        c.set("parts", parts);
    }

    private static ArrayNode single(ObjectNode part) {
        ArrayNode a = Json.nodes().arrayNode();
        a.add(part);
        return a;
    }

    private static ObjectNode text(String t) {
        return Json.object().put("text", t);
    }

    private static ArrayNode textOnly(JsonNode content, String p) {
        ArrayNode parts = Json.nodes().arrayNode();
        if (content == null || content.isNull()) return parts;
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) parts.add(text(content.asText()));
            return parts;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText();
            if (!"text".equals(type)) {
                throw GeminiRequestMapper.unsupported("'" + type + "' content in a system message", p + ".content[" + j + "]");
            }
            if (!part.path("text").asText().isEmpty()) parts.add(text(part.path("text").asText()));
        }
        return parts;
    }

    private static ArrayNode userParts(JsonNode content, String p) {
        ArrayNode parts = Json.nodes().arrayNode();
        if (content == null || content.isNull()) return parts;
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) parts.add(text(content.asText()));
            return parts;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String pp = p + ".content[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (!part.path("text").asText().isEmpty()) parts.add(text(part.path("text").asText()));
                }
                case "image_url" -> parts.add(image(part.path("image_url").path("url").asText(""), pp + ".image_url.url"));
                case "input_audio" -> {
                    String format = part.path("input_audio").path("format").asText("wav").toLowerCase(Locale.ROOT);
                    parts.add(inline("audio/" + format, part.path("input_audio").path("data").asText("")));
                }
                case "file" -> parts.add(file(part.path("file"), pp + ".file"));
                default -> throw GeminiRequestMapper.unsupported("'" + type + "' content", pp + ".type");
            }
        }
        return parts;
    }

    private static ObjectNode image(String url, String param) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) return dataUrl(url, param);
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("gs://")) {
            ObjectNode part = Json.object();
            // Gemini needs a MIME type for a URI it did not store itself; an image_url with no known extension is taken for JPEG.
            part.putObject("fileData").put("mimeType", mimeOf(url, "image/jpeg")).put("fileUri", url);
            return part;
        }
        throw GeminiRequestMapper.invalid("'" + param + "' must be a data: URL or an http(s) URL.", param);
    }

    private static ObjectNode file(JsonNode file, String param) {
        if (file.hasNonNull("file_id")) {
            throw GeminiRequestMapper.unsupported("An OpenAI file id ('file_id')", param + ".file_id");
        }
        String data = file.path("file_data").asText("");
        if (data.isEmpty()) throw GeminiRequestMapper.invalid("'" + param + ".file_data' is missing.", param + ".file_data");
        if (data.regionMatches(true, 0, "data:", 0, 5)) return dataUrl(data, param + ".file_data");
        String mime = mimeOf(file.path("filename").asText(""), null);
        if (mime == null) {
            throw GeminiRequestMapper.invalid("'" + param + ".file_data' must be a data: URL, or 'filename' must show its type"
                    + " (.pdf, .png, .txt, …).", param + ".file_data");
        }
        return inline(mime, data);
    }

    /** {@code data:<mime>[;…];base64,<data>} → {@code inlineData}. */
    private static ObjectNode dataUrl(String url, String param) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
            throw GeminiRequestMapper.unsupported("A data: URL that is not base64", param);
        }
        int semicolon = header.indexOf(';');
        String mime = header.substring(0, semicolon).trim();
        if (mime.isEmpty()) throw GeminiRequestMapper.invalid("'" + param + "' is a data: URL without a MIME type.", param);
        return inline(mime, url.substring(comma + 1));
    }

    private static ObjectNode inline(String mime, String base64) {
        ObjectNode part = Json.object();
        part.putObject("inlineData").put("mimeType", mime).put("data", base64);
        return part;
    }

    /** The MIME type a URL or file name shows by its extension (query and fragment ignored), or {@code fallback}. */
    static String mimeOf(String name, String fallback) {
        String path = name;
        int cut = path.indexOf('?');
        if (cut >= 0) path = path.substring(0, cut);
        cut = path.indexOf('#');
        if (cut >= 0) path = path.substring(0, cut);
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash) return fallback;
        return MIME_BY_EXTENSION.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), fallback);
    }

    private static ArrayNode assistantParts(JsonNode m, String p, Map<String, String> callNames, boolean signaturesRequired) {
        ArrayNode parts = Json.nodes().arrayNode();
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) parts.add(text(content.asText()));
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String type = part.path("type").asText();
                String t = switch (type) {
                    case "text" -> part.path("text").asText("");
                    case "refusal" -> part.path("refusal").asText("");
                    default -> throw GeminiRequestMapper.unsupported("'" + type + "' content in an assistant message",
                            p + ".content[" + j + "].type");
                };
                if (!t.isEmpty()) parts.add(text(t));
            }
        } else if (m.path("refusal").isTextual() && !m.get("refusal").asText().isEmpty()) {
            parts.add(text(m.get("refusal").asText()));
        }
        ObjectNode firstCall = null;
        boolean signed = false;
        JsonNode calls = m.path("tool_calls");
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String cp = p + ".tool_calls[" + j + "]";
            if (!"function".equals(call.path("type").asText("function"))) {
                throw GeminiRequestMapper.unsupported("A '" + call.path("type").asText() + "' tool call", cp + ".type");
            }
            String id = call.path("id").asText();
            String name = call.path("function").path("name").asText();
            callNames.put(id, name);
            ObjectNode part = functionCall(name, call.path("function").get("arguments"), cp + ".function.arguments");
            String signature = ToolCallIds.signature(id);
            if (signature != null) {
                part.put("thoughtSignature", signature);
                signed = true;
            }
            if (firstCall == null) firstCall = part;
            parts.add(part);
        }
        JsonNode legacy = m.get("function_call");
        if (legacy != null && legacy.isObject()) {
            ObjectNode part = functionCall(legacy.path("name").asText(), legacy.get("arguments"), p + ".function_call.arguments");
            if (firstCall == null) firstCall = part;
            parts.add(part);
        }
        // Gemini 3 rejects a function-call turn without a signature (§5.3); history made elsewhere has none.
        if (signaturesRequired && firstCall != null && !signed) firstCall.put("thoughtSignature", SKIP_SIGNATURE);
        return parts;
    }

    private static ObjectNode functionCall(String name, JsonNode arguments, String param) {
        JsonNode args;
        String text = arguments == null || arguments.isNull() ? "" : arguments.asText();
        if (text.isBlank()) {
            args = Json.object();
        } else {
            try {
                args = Json.parse(text);
            } catch (Exception e) {
                throw GeminiRequestMapper.invalid("'" + param + "' is not valid JSON.", param);
            }
            if (!args.isObject()) throw GeminiRequestMapper.invalid("'" + param + "' must be a JSON object for Gemini.", param);
        }
        ObjectNode part = Json.object();
        ObjectNode fc = part.putObject("functionCall").put("name", name);
        fc.set("args", args);
        return part;
    }

    /**
     * A {@code functionResponse} part. Gemini wants an object: a tool output that is a JSON object is
     * sent as it is, anything else is wrapped as {@code {"output": text}} — the key Gemini's API
     * reference names for a function's output.
     */
    private static ObjectNode functionResponse(String name, JsonNode content) {
        String output;
        if (content == null || content.isNull()) output = "";
        else if (content.isTextual()) output = content.asText();
        else {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) sb.append(part.path("text").asText(""));
            output = sb.toString();
        }
        JsonNode response = null;
        String trimmed = output.strip();
        if (trimmed.startsWith("{")) {
            try {
                response = Json.parse(trimmed);
            } catch (Exception notJson) {
                response = null;
            }
        }
        if (response == null || !response.isObject()) response = Json.object().put("output", output);
        ObjectNode part = Json.object();
        ObjectNode fr = part.putObject("functionResponse").put("name", name);
        fr.set("response", response);
        return part;
    }
}
