package dev.frugal.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI {@code messages[]} → Anthropic {@code system} + {@code messages[]}
 * (provider-protocols.md §4.2 "Converting messages"). Pure; stateless.
 *
 * <ul>
 *   <li>{@code system} and {@code developer} turns, wherever they stand, are joined in order
 *       (blank line between) into the top-level {@code system} string.</li>
 *   <li>Every turn becomes an array of blocks; empty text is left out, since Anthropic rejects
 *       empty text blocks, and a turn left with no block is skipped.</li>
 *   <li>{@code tool} turns become {@code tool_result} blocks of a {@code user} turn; consecutive
 *       turns of one role are merged, and inside a user turn the {@code tool_result} blocks are
 *       kept before any other block, as Anthropic requires.</li>
 * </ul>
 */
final class AnthropicMessages {
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private AnthropicMessages() {}

    /** The converted conversation; {@code system} is null when the client sent no system text. */
    record Converted(String system, ArrayNode messages) {}

    /** @throws UpstreamFailure INVALID_REQUEST naming the offending field when a turn cannot be translated */
    static Converted convert(JsonNode messages) {
        List<String> system = new ArrayList<>();
        ArrayNode out = Json.nodes().arrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    String text = systemText(m.get("content"), p + ".content");
                    if (!text.isEmpty()) system.add(text);
                }
                case "user" -> append(out, "user", userBlocks(m.get("content"), p + ".content"));
                case "assistant" -> append(out, "assistant", assistantBlocks(m, p));
                case "tool" -> append(out, "user", List.of(toolResult(m, p)));
                default -> throw AnthropicRequestMapper.unsupported("the '" + role + "' role", p + ".role");
            }
        }
        return new Converted(system.isEmpty() ? null : String.join("\n\n", system), out);
    }

    // ---- turns ---------------------------------------------------------------------------

    private static String systemText(JsonNode content, String p) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            if (!"text".equals(part.path("type").asText())) {
                throw AnthropicRequestMapper.unsupported("a '" + part.path("type").asText() + "' part in a system message",
                        p + "[" + j + "]");
            }
            sb.append(part.path("text").asText());
        }
        return sb.toString();
    }

    private static List<ObjectNode> userBlocks(JsonNode content, String p) {
        List<ObjectNode> blocks = new ArrayList<>();
        if (content == null || content.isNull()) return blocks;
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String pp = p + "[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url").path("url").asText(), pp + ".image_url.url"));
                case "file" -> blocks.add(document(part.path("file"), pp + ".file"));
                case "input_audio" -> throw AnthropicRequestMapper.unsupported("Audio input (input_audio)", pp);
                default -> throw AnthropicRequestMapper.unsupported("A '" + type + "' content part", pp);
            }
        }
        return blocks;
    }

    private static List<ObjectNode> assistantBlocks(JsonNode m, String p) {
        List<ObjectNode> blocks = new ArrayList<>();
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) addText(blocks, content.asText());
        else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                switch (part.path("type").asText()) {
                    case "text" -> addText(blocks, part.path("text").asText());
                    case "refusal" -> addText(blocks, part.path("refusal").asText());
                    default -> throw AnthropicRequestMapper.unsupported(
                            "A '" + part.path("type").asText() + "' part in an assistant message", p + ".content[" + j + "]");
                }
            }
        }
        if (m.path("refusal").isTextual()) addText(blocks, m.get("refusal").asText());
        // reasoning_content of earlier turns is not sent back: Anthropic accepts thinking only
        // with the signature it issued, which an OpenAI client never received.
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int j = 0; j < calls.size(); j++) blocks.add(toolUse(calls.get(j), p + ".tool_calls[" + j + "]"));
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String p) {
        if (!"function".equals(call.path("type").asText("function"))) {
            throw AnthropicRequestMapper.unsupported("A '" + call.path("type").asText() + "' tool call", p + ".type");
        }
        JsonNode fn = call.path("function");
        ObjectNode b = Json.object().put("type", "tool_use");
        b.put("id", call.path("id").asText());
        b.put("name", fn.path("name").asText());
        b.set("input", arguments(fn.get("arguments"), p + ".function.arguments"));
        return b;
    }

    /** Anthropic wants the arguments as an object; OpenAI carries them as a JSON string that the model may have botched. */
    private static JsonNode arguments(JsonNode args, String p) {
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) return Json.object();
        if (args.isObject()) return args; // lenient clients send the object itself
        JsonNode parsed;
        try {
            parsed = Json.parse(args.asText());
        } catch (Exception e) {
            throw AnthropicRequestMapper.invalid("The tool call arguments are not valid JSON; Anthropic needs them as a JSON object.", p);
        }
        if (!parsed.isObject()) {
            throw AnthropicRequestMapper.invalid("The tool call arguments must be a JSON object for Anthropic.", p);
        }
        return parsed;
    }

    private static ObjectNode toolResult(JsonNode m, String p) {
        ObjectNode b = Json.object().put("type", "tool_result");
        b.put("tool_use_id", m.path("tool_call_id").asText());
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) b.put("content", content.asText());
        } else if (content != null && content.isArray()) {
            ArrayNode parts = b.putArray("content");
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                if (!"text".equals(part.path("type").asText())) {
                    throw AnthropicRequestMapper.unsupported("A '" + part.path("type").asText() + "' part in a tool message",
                            p + ".content[" + j + "]");
                }
                if (!part.path("text").asText().isEmpty()) parts.addObject().put("type", "text").put("text", part.path("text").asText());
            }
            if (parts.isEmpty()) b.remove("content");
        }
        return b;
    }

    // ---- content parts -------------------------------------------------------------------

    private static void addText(List<ObjectNode> blocks, String text) {
        if (!text.isEmpty()) blocks.add(Json.object().put("type", "text").put("text", text));
    }

    /** A {@code data:} URL becomes a base64 source, an http(s) URL a url source. */
    private static ObjectNode image(String url, String p) {
        ObjectNode b = Json.object().put("type", "image");
        ObjectNode source = b.putObject("source");
        if (url.startsWith("data:")) {
            DataUrl d = DataUrl.parse(url, p);
            if (!IMAGE_TYPES.contains(d.mediaType())) {
                throw AnthropicRequestMapper.unsupported("Image type '" + d.mediaType() + "' (use jpeg, png, gif or webp)", p);
            }
            source.put("type", "base64").put("media_type", d.mediaType()).put("data", d.data());
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url").put("url", url);
        } else {
            throw AnthropicRequestMapper.invalid("An image URL must be an http(s) URL or a base64 data URL.", p);
        }
        return b;
    }

    /** A PDF sent inline ({@code file_data}) becomes a {@code document} block; OpenAI file ids mean nothing to Anthropic. */
    private static ObjectNode document(JsonNode file, String p) {
        JsonNode data = file.get("file_data");
        if (data == null || !data.isTextual()) {
            throw AnthropicRequestMapper.unsupported("A file given by file_id (only inline PDF file_data)", p);
        }
        String text = data.asText();
        String base64 = text;
        if (text.startsWith("data:")) {
            DataUrl d = DataUrl.parse(text, p + ".file_data");
            if (!"application/pdf".equals(d.mediaType())) {
                throw AnthropicRequestMapper.unsupported("A file of type '" + d.mediaType() + "' (only application/pdf)", p + ".file_data");
            }
            base64 = d.data();
        }
        ObjectNode b = Json.object().put("type", "document");
        b.putObject("source").put("type", "base64").put("media_type", "application/pdf").put("data", base64);
        if (file.path("filename").isTextual()) b.put("title", file.get("filename").asText());
        return b;
    }

    /** {@code data:<media type>[;params];base64,<data>}. */
    private record DataUrl(String mediaType, String data) {
        static DataUrl parse(String url, String p) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64")) {
                throw AnthropicRequestMapper.invalid("A data URL must be base64-encoded (data:<type>;base64,<data>).", p);
            }
            int semi = meta.indexOf(';');
            return new DataUrl(meta.substring(0, semi).toLowerCase(java.util.Locale.ROOT), url.substring(comma + 1));
        }
    }

    // ---- merging -------------------------------------------------------------------------

    /** Appends a turn, merging it into the previous one of the same role. */
    private static void append(ArrayNode out, String role, List<ObjectNode> blocks) {
        if (blocks.isEmpty()) return;
        ArrayNode content;
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            content = (ArrayNode) last.get("content");
        } else {
            ObjectNode turn = out.addObject().put("role", role);
            content = turn.putArray("content");
        }
        for (ObjectNode b : blocks) {
            if ("tool_result".equals(b.path("type").asText())) {
                int at = 0; // after the tool results already there, before any other block
                while (at < content.size() && "tool_result".equals(content.get(at).path("type").asText())) at++;
                content.insert(at, b);
            } else {
                content.add(b);
            }
        }
    }
}
