package dev.frugal.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Function;

/** Reads {@link RequestView.Prompt} out of a request body. Pure. */
final class PromptText {
    private PromptText() {}

    static RequestView.Prompt of(RequestView.Kind kind, ObjectNode body) {
        return switch (kind) {
            case CHAT -> chat(body.path("messages"));
            case COMPLETIONS -> new RequestView.Prompt(null, text(body.get("prompt"), PromptText::string));
            case EMBEDDINGS -> new RequestView.Prompt(null, text(body.get("input"), PromptText::string));
        };
    }

    private static RequestView.Prompt chat(JsonNode messages) {
        String system = joined(messages, m -> role(m, "system") || role(m, "developer") ? content(m) : null);
        String lastUser = null;
        for (JsonNode m : messages) if (role(m, "user")) lastUser = content(m);
        return new RequestView.Prompt(system, lastUser);
    }

    private static boolean role(JsonNode message, String role) {
        return role.equals(message.path("role").asText());
    }

    /** A message's content: a string, or the text parts of a content-part array. */
    private static String content(JsonNode message) {
        return text(message.get("content"), part -> "text".equals(part.path("type").asText()) ? string(part.get("text")) : null);
    }

    /** A string as it is, or the texts of an array's items (those {@code textOf} finds text in). */
    private static String text(JsonNode n, Function<JsonNode, String> textOf) {
        if (n == null) return null;
        return n.isTextual() ? n.textValue() : joined(n, textOf);
    }

    /** The texts found in an array's items, joined by newlines; null when there is none. */
    private static String joined(JsonNode items, Function<JsonNode, String> textOf) {
        StringBuilder sb = null;
        for (JsonNode item : items) {
            String t = textOf.apply(item);
            if (t == null) continue;
            if (sb == null) sb = new StringBuilder(t);
            else sb.append('\n').append(t);
        }
        return sb == null ? null : sb.toString();
    }

    private static String string(JsonNode n) {
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
