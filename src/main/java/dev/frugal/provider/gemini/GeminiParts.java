package dev.frugal.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.nio.charset.StandardCharsets;

/**
 * Reading the parts of a Gemini candidate, shared by the whole-response and the stream mapper
 * (provider-protocols.md §5.2–§5.4). Stateless.
 */
final class GeminiParts {
    private GeminiParts() {}

    /** The part's text if it is a text part, else null. */
    static String text(JsonNode part) {
        JsonNode t = part.get("text");
        return t != null && t.isTextual() ? t.asText() : null;
    }

    /** A text part that holds thinking ({@code thought: true}) rather than answer text. */
    static boolean isThought(JsonNode part) {
        return part.path("thought").asBoolean(false);
    }

    static boolean isFunctionCall(JsonNode part) {
        return part.path("functionCall").isObject();
    }

    /**
     * An OpenAI {@code tool_calls[]} entry for a {@code functionCall} part: a fresh {@code call_} id
     * (Gemini's own {@code id} is optional and never sent back, see docs/providers.d/gemini.md),
     * carrying the part's thought signature, and the arguments as a JSON string.
     */
    static ObjectNode toolCall(JsonNode part, IdSource ids) {
        JsonNode fc = part.get("functionCall");
        JsonNode args = fc.get("args");
        ObjectNode call = Json.object();
        call.put("id", ToolCallIds.encode(ids.callId(), part.path("thoughtSignature").asText(null)));
        call.put("type", "function");
        call.putObject("function").put("name", fc.path("name").asText(""))
                .put("arguments", args == null || args.isNull() ? "{}" : Json.write(args));
        return call;
    }

    /**
     * OpenAI's {@code logprobs} for a candidate's {@code logprobsResult}, or null when it has none.
     * Gemini gives the chosen token and the top candidates at each position, as OpenAI does.
     */
    static ObjectNode logprobs(JsonNode candidate) {
        JsonNode result = candidate.get("logprobsResult");
        if (result == null || !result.isObject()) return null;
        JsonNode chosen = result.path("chosenCandidates");
        JsonNode top = result.path("topCandidates");
        ObjectNode out = Json.object();
        ArrayNode content = out.putArray("content");
        for (int i = 0; i < chosen.size(); i++) {
            ObjectNode entry = token(chosen.get(i));
            ArrayNode alternatives = entry.putArray("top_logprobs");
            for (JsonNode alt : top.path(i).path("candidates")) alternatives.add(token(alt));
            content.add(entry);
        }
        out.putNull("refusal");
        return out;
    }

    private static ObjectNode token(JsonNode c) {
        String token = c.path("token").asText("");
        ObjectNode o = Json.object().put("token", token).put("logprob", c.path("logProbability").asDouble(0));
        ArrayNode bytes = o.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) bytes.add(b & 0xff);
        return o;
    }
}
