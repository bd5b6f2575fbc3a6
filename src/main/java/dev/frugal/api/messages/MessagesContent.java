package dev.frugal.api.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.api.messages.MessagesRequestMapper.Check;
import dev.frugal.core.GatewayError;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates the {@code messages[]} of an Anthropic request, one turn at a time, into OpenAI chat
 * messages (provider-protocols.md §4.2, read in the other direction). Pure.
 */
final class MessagesContent {
    private MessagesContent() {}

    /**
     * Appends the OpenAI messages for one Anthropic turn to {@code out}.
     *
     * @param toolUseIds ids of the {@code tool_use} blocks seen so far; a {@code tool_result} must answer one
     */
    static void message(JsonNode m, String p, ArrayNode out, Set<String> toolUseIds) {
        if (!m.isObject()) throw GatewayError.wrongType(p, "an object");
        String role = Check.string(m, "role", p + ".role", true);
        if (!role.equals("user") && !role.equals("assistant")) {
            throw GatewayError.invalidRequest("'" + p + ".role' must be 'user' or 'assistant'.", p + ".role");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) throw GatewayError.missingField(p + ".content");
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) throw GatewayError.wrongType(p + ".content", "a string or an array of content blocks");
        if (content.isEmpty() && role.equals("user")) {
            throw GatewayError.invalidRequest("'" + p + ".content' must contain at least one content block.", p + ".content");
        }
        if (role.equals("user")) user(content, p + ".content", out, toolUseIds);
        else assistant(content, p + ".content", out, toolUseIds);
    }

    // ---- user turns ----------------------------------------------------------------------

    /** Tool results become {@code tool} messages, first; the other blocks one user message after them. */
    private static void user(JsonNode blocks, String p, ArrayNode out, Set<String> toolUseIds) {
        ArrayNode parts = Json.nodes().arrayNode();
        List<ObjectNode> toolMessages = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = block(blocks.get(i), p + "[" + i + "]");
            String bp = p + "[" + i + "]";
            switch (b.get("type").asText()) {
                case "text" -> parts.addObject().put("type", "text").put("text", Check.string(b, "text", bp + ".text", false));
                case "image" -> parts.add(image(b, bp));
                case "document" -> parts.add(document(b, bp));
                case "tool_result" -> toolMessages.add(toolResult(b, bp, parts, toolUseIds));
                case "tool_use", "thinking", "redacted_thinking" ->
                        throw GatewayError.invalidRequest("'" + bp + "' of type '" + b.get("type").asText()
                                + "' may only appear in an assistant message.", bp + ".type");
                default -> throw unknownBlock(b, bp);
            }
        }
        toolMessages.forEach(out::add);
        if (parts.isEmpty()) return;
        ObjectNode msg = out.addObject().put("role", "user");
        if (parts.size() == 1 && "text".equals(parts.get(0).get("type").asText())) msg.put("content", parts.get(0).get("text").asText());
        else msg.set("content", parts);
    }

    /** A tool_result block: a {@code tool} message; its images go to the user message that follows. */
    private static ObjectNode toolResult(JsonNode b, String p, ArrayNode userParts, Set<String> toolUseIds) {
        String id = Check.string(b, "tool_use_id", p + ".tool_use_id", true);
        if (!toolUseIds.contains(id)) {
            throw GatewayError.invalidRequest("'" + p + ".tool_use_id' answers tool use '" + id
                    + "', which no earlier assistant message made.", p + ".tool_use_id");
        }
        JsonNode isError = b.get("is_error");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) throw GatewayError.wrongType(p + ".is_error", "a boolean");
        JsonNode content = b.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && !content.isNull()) {
            if (content.isTextual()) text.append(content.asText());
            else if (content.isArray()) {
                for (int i = 0; i < content.size(); i++) {
                    JsonNode c = block(content.get(i), p + ".content[" + i + "]");
                    String cp = p + ".content[" + i + "]";
                    switch (c.get("type").asText()) {
                        case "text" -> {
                            if (!text.isEmpty()) text.append("\n\n");
                            text.append(Check.string(c, "text", cp + ".text", false));
                        }
                        // OpenAI tool messages carry text only: images travel in the next user message
                        case "image" -> userParts.add(image(c, cp));
                        case "document" -> userParts.add(document(c, cp));
                        default -> throw GatewayError.invalidRequest("'" + cp + ".type' must be text, image or document.", cp + ".type");
                    }
                }
            } else throw GatewayError.wrongType(p + ".content", "a string or an array of content blocks");
        }
        return Json.object().put("role", "tool").put("tool_call_id", id).put("content", text.toString());
    }

    private static ObjectNode image(JsonNode b, String p) {
        JsonNode source = source(b, p);
        String type = Check.string(source, "type", p + ".source.type", true);
        String url = switch (type) {
            case "base64" -> {
                String media = Check.string(source, "media_type", p + ".source.media_type", true);
                Check.mediaType(media, p + ".source.media_type");
                yield "data:" + media + ";base64," + Check.string(source, "data", p + ".source.data", true);
            }
            case "url" -> Check.string(source, "url", p + ".source.url", true);
            default -> throw GatewayError.unsupported("Image sources of type '" + type + "' are not supported by /v1/messages; "
                    + "send base64 or url.", p + ".source.type");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /** A PDF becomes an OpenAI {@code file} part, a plain-text document a text part. */
    private static ObjectNode document(JsonNode b, String p) {
        JsonNode source = source(b, p);
        JsonNode title = b.get("title");
        if (title != null && !title.isNull() && !title.isTextual()) throw GatewayError.wrongType(p + ".title", "a string");
        String type = Check.string(source, "type", p + ".source.type", true);
        if (type.equals("text")) return Json.object().put("type", "text").put("text", Check.string(source, "data", p + ".source.data", false));
        if (type.equals("base64")) {
            String media = Check.string(source, "media_type", p + ".source.media_type", true);
            if (!media.equals("application/pdf")) {
                throw GatewayError.invalidRequest("'" + p + ".source.media_type' must be application/pdf.", p + ".source.media_type");
            }
            ObjectNode part = Json.object().put("type", "file");
            ObjectNode file = part.putObject("file").put("file_data", "data:application/pdf;base64," + Check.string(source, "data", p + ".source.data", true));
            if (title != null && title.isTextual()) file.put("filename", title.asText());
            return part;
        }
        throw GatewayError.unsupported("Document sources of type '" + type + "' are not supported by /v1/messages; "
                + "send base64 (PDF) or text.", p + ".source.type");
    }

    // ---- assistant turns -----------------------------------------------------------------

    /** Text blocks → content, tool_use → tool_calls, thinking → reasoning_content of a tool-calling turn. */
    private static void assistant(JsonNode blocks, String p, ArrayNode out, Set<String> toolUseIds) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = Json.nodes().arrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = block(blocks.get(i), p + "[" + i + "]");
            String bp = p + "[" + i + "]";
            switch (b.get("type").asText()) {
                case "text" -> {
                    if (!text.isEmpty()) text.append("\n\n");
                    text.append(Check.string(b, "text", bp + ".text", false));
                }
                case "tool_use" -> {
                    String id = Check.string(b, "id", bp + ".id", true);
                    String name = Check.string(b, "name", bp + ".name", true);
                    JsonNode input = b.get("input");
                    if (input == null || input.isNull()) throw GatewayError.missingField(bp + ".input");
                    if (!input.isObject()) throw GatewayError.wrongType(bp + ".input", "an object");
                    toolUseIds.add(id);
                    ObjectNode call = calls.addObject().put("id", id).put("type", "function");
                    call.putObject("function").put("name", name).put("arguments", Json.write(input));
                }
                case "thinking" -> {
                    thinking.append(Check.string(b, "thinking", bp + ".thinking", false));
                    JsonNode signature = b.get("signature");
                    if (signature != null && !signature.isNull() && !signature.isTextual()) throw GatewayError.wrongType(bp + ".signature", "a string");
                }
                case "redacted_thinking" -> { /* opaque to every backend but Anthropic's: nothing to send */ }
                case "image", "document", "tool_result" ->
                        throw GatewayError.invalidRequest("'" + bp + "' of type '" + b.get("type").asText()
                                + "' may only appear in a user message.", bp + ".type");
                default -> throw unknownBlock(b, bp);
            }
        }
        ObjectNode msg = out.addObject().put("role", "assistant");
        if (calls.isEmpty()) {
            msg.put("content", text.toString());
            return;
        }
        if (text.isEmpty()) msg.putNull("content"); else msg.put("content", text.toString());
        msg.set("tool_calls", calls);
        if (!thinking.isEmpty()) msg.put("reasoning_content", thinking.toString());
    }

    // ---- helpers -------------------------------------------------------------------------

    private static JsonNode block(JsonNode b, String p) {
        if (!b.isObject()) throw GatewayError.wrongType(p, "a content block (an object)");
        JsonNode type = b.get("type");
        if (type == null || type.isNull()) throw GatewayError.missingField(p + ".type");
        if (!type.isTextual()) throw GatewayError.wrongType(p + ".type", "a string");
        JsonNode cache = b.get("cache_control"); // accepted and dropped, but only in its documented shape
        if (cache != null && !cache.isNull() && !cache.isObject()) throw GatewayError.wrongType(p + ".cache_control", "an object");
        return b;
    }

    /** An image's or document's {@code source}: required, an object. */
    private static JsonNode source(JsonNode b, String p) {
        JsonNode source = b.get("source");
        if (source == null || source.isNull()) throw GatewayError.missingField(p + ".source");
        if (!source.isObject()) throw GatewayError.wrongType(p + ".source", "an object");
        return source;
    }

    private static GatewayError unknownBlock(JsonNode b, String p) {
        return GatewayError.unsupported("Content blocks of type '" + b.get("type").asText() + "' are not supported by /v1/messages.",
                p + ".type");
    }
}
