package dev.frugal.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.GatewayError;

import java.util.Map;
import java.util.Set;

/**
 * Checks the content parts of a chat message ({@code messages[i].content[j]}) strictly: a part's
 * {@code type} must be one OpenAI's chat API takes in that role, and the fields that type needs
 * must be there with the right JSON types. A part the gateway does not know is refused, not
 * forwarded: no upstream is asked to guess, and no adapter meets it by surprise. Fields a known
 * part carries beyond these are kept (an OpenAI-compatible upstream receives what the client sent).
 * Pure.
 */
final class ContentParts {
    /** The part types each role may send (OpenAI's chat API: user parts, assistant text or refusal, text elsewhere). */
    private static final Map<String, Set<String>> BY_ROLE = Map.of(
            "user", Set.of("text", "image_url", "input_audio", "file"),
            "assistant", Set.of("text", "refusal"),
            "system", Set.of("text"),
            "developer", Set.of("text"),
            "tool", Set.of("text"),
            "function", Set.of("text"));
    private static final Set<String> IMAGE_DETAIL = Set.of("auto", "low", "high");
    private static final Set<String> AUDIO_FORMATS = Set.of("wav", "mp3");

    private ContentParts() {}

    /** Checks every part of {@code content} (an array) of a message in {@code role}, at path {@code p} ({@code messages[0].content}). */
    static void check(JsonNode content, String role, String p) {
        Set<String> allowed = BY_ROLE.getOrDefault(role, Set.of("text"));
        for (int j = 0; j < content.size(); j++) part(content.get(j), allowed, role, p + "[" + j + "]");
    }

    private static void part(JsonNode part, Set<String> allowed, String role, String pp) {
        if (!part.isObject()) throw GatewayError.wrongType(pp, "an object");
        JsonNode typeNode = part.get("type");
        if (typeNode == null || typeNode.isNull()) throw GatewayError.missingField(pp + ".type");
        if (!typeNode.isTextual()) throw GatewayError.wrongType(pp + ".type", "a string");
        String type = typeNode.asText();
        if (!allowed.contains(type)) {
            throw GatewayError.invalidRequest("'" + pp + ".type' is '" + type + "'; a " + role + " message's content parts may be "
                    + String.join(", ", allowed.stream().sorted().toList()) + ".", pp + ".type");
        }
        switch (type) {
            case "text" -> string(part, "text", pp + ".text", false);
            case "refusal" -> string(part, "refusal", pp + ".refusal", false);
            case "image_url" -> {
                JsonNode image = object(part, "image_url", pp + ".image_url");
                string(image, "url", pp + ".image_url.url", true);
                oneOf(image, "detail", IMAGE_DETAIL, pp + ".image_url.detail");
            }
            case "input_audio" -> {
                JsonNode audio = object(part, "input_audio", pp + ".input_audio");
                string(audio, "data", pp + ".input_audio.data", true);
                if (!audio.hasNonNull("format")) throw GatewayError.missingField(pp + ".input_audio.format");
                oneOf(audio, "format", AUDIO_FORMATS, pp + ".input_audio.format");
            }
            case "file" -> {
                JsonNode file = object(part, "file", pp + ".file");
                boolean data = optionalString(file, "file_data", pp + ".file.file_data");
                boolean id = optionalString(file, "file_id", pp + ".file.file_id");
                optionalString(file, "filename", pp + ".file.filename");
                if (!data && !id) throw GatewayError.missingField(pp + ".file.file_data");
            }
            default -> throw new IllegalStateException("no rule for content part type " + type);
        }
    }

    private static JsonNode object(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.missingField(param);
        if (!v.isObject()) throw GatewayError.wrongType(param, "an object");
        return v;
    }

    private static void string(JsonNode node, String field, String param, boolean nonEmpty) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw GatewayError.missingField(param);
        if (!v.isTextual()) throw GatewayError.wrongType(param, "a string");
        if (nonEmpty && v.asText().isEmpty()) throw GatewayError.invalidRequest("'" + param + "' must not be empty.", param);
    }

    /** Whether {@code field} is there (a string; 400 when it is something else). */
    private static boolean optionalString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isTextual()) throw GatewayError.wrongType(param, "a string");
        return true;
    }

    private static void oneOf(JsonNode node, String field, Set<String> values, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return;
        if (!v.isTextual() || !values.contains(v.asText())) {
            throw GatewayError.invalidRequest("'" + param + "' must be one of " + String.join(", ", values.stream().sorted().toList()) + ".", param);
        }
    }
}
