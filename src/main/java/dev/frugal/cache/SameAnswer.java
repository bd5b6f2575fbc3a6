package dev.frugal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.CanonicalJson;
import dev.frugal.wire.Json;
import io.vertx.core.buffer.Buffer;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a cached answer would have been right for a request the upstream answered: the label of
 * a verified semantic candidate. Two answers are the same when every choice has the same text after
 * normalisation (trimmed, lower case, runs of white space as one space, quotes, brackets and a final
 * full stop removed), the same finish reason, and the same tool calls (name and arguments as JSON
 * values). Strict on purpose: an answer worded differently counts as wrong, which costs hits, never
 * correctness (decision 0017). Pure.
 */
public final class SameAnswer {
    private SameAnswer() {}

    /** Compares two stored answer bodies ({@code chat.completion} or {@code text_completion}); false when either does not parse. */
    public static boolean of(Buffer cached, Buffer fresh) {
        JsonNode a, b;
        try {
            a = Json.parse(cached);
            b = Json.parse(fresh);
        } catch (Exception e) {
            return false;
        }
        JsonNode ca = a.path("choices"), cb = b.path("choices");
        if (!ca.isArray() || ca.size() == 0 || ca.size() != cb.size()) return false;
        for (int i = 0; i < ca.size(); i++) {
            JsonNode x = ca.get(i), y = cb.get(i);
            if (!x.path("finish_reason").asText("").equals(y.path("finish_reason").asText(""))) return false;
            if (!normal(text(x)).equals(normal(text(y)))) return false;
            if (!toolCalls(x).equals(toolCalls(y))) return false;
        }
        return true;
    }

    /** The text as compared: trimmed, lower case, one space for any white space, without quotes, brackets or a final full stop. */
    static String normal(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[\"'`“”‘’\\[\\]]", "").replaceAll("\\s+", " ").trim();
        while (t.endsWith(".")) t = t.substring(0, t.length() - 1).trim();
        return t;
    }

    private static String text(JsonNode choice) {
        JsonNode m = choice.path("message");
        return m.isMissingNode() ? choice.path("text").asText("") : m.path("content").asText("");
    }

    /** The tool calls' names and arguments, the arguments read as JSON where they parse (key order and spaces do not count). */
    private static String toolCalls(JsonNode choice) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode call : choice.path("message").path("tool_calls")) {
            JsonNode f = call.path("function");
            sb.append(f.path("name").asText("")).append('(');
            String args = f.path("arguments").asText("");
            try {
                sb.append(CanonicalJson.of(Json.parse(args), Set.of()));
            } catch (Exception e) {
                sb.append(args);
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
