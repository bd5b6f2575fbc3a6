package dev.frugal.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * A stored answer as the stream that would have carried it: the OpenAI chunks of a
 * {@code chat.completion} — per choice a role chunk, reasoning and content in pieces of at most
 * {@link #PIECE_CHARS} characters, each tool call (its id, type and name, then its arguments in
 * pieces), a chunk with the finish reason — and, when the client asked for it
 * ({@code stream_options.include_usage}), the usage chunk with no choices. A
 * {@code text_completion} becomes text pieces and a finish chunk. The edge adds {@code [DONE]}
 * (or turns the chunks into Anthropic's events). Chunks carry the original's id, created time and
 * model. Log probabilities are not replayed. Pure.
 */
public final class Replay {
    /** The most characters of text one chunk carries. */
    static final int PIECE_CHARS = 128;

    private Replay() {}

    /** The chunks' JSON, in order. */
    public static List<String> chunks(JsonNode completion, boolean includeUsage) {
        boolean chat = !completion.path("object").asText("").startsWith("text_completion");
        ObjectNode base = Json.object();
        copy(completion, base, "id");
        base.put("object", chat ? "chat.completion.chunk" : "text_completion");
        copy(completion, base, "created");
        copy(completion, base, "model");
        copy(completion, base, "system_fingerprint");
        List<String> out = new ArrayList<>();
        int position = 0;
        for (JsonNode choice : completion.path("choices")) {
            int index = choice.path("index").asInt(position++);
            if (chat) chat(base, index, choice, out);
            else text(base, index, choice, out);
        }
        JsonNode usage = completion.get("usage");
        if (includeUsage && usage != null && usage.isObject()) {
            ObjectNode last = base.deepCopy();
            last.putArray("choices");
            last.set("usage", usage);
            out.add(Json.write(last));
        }
        return out;
    }

    private static void chat(ObjectNode base, int index, JsonNode choice, List<String> out) {
        JsonNode m = choice.path("message");
        ObjectNode role = Json.object().put("role", "assistant");
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) role.putNull("content");
        else role.put("content", "");
        out.add(chunk(base, index, role, null));
        for (String field : new String[] {"reasoning_content", "reasoning"}) {
            for (String piece : pieces(m.path(field).asText(""))) out.add(chunk(base, index, Json.object().put(field, piece), null));
        }
        if (content != null && content.isTextual()) {
            for (String piece : pieces(content.textValue())) out.add(chunk(base, index, Json.object().put("content", piece), null));
        }
        JsonNode refusal = m.get("refusal");
        if (refusal != null && refusal.isTextual()) out.add(chunk(base, index, Json.object().put("refusal", refusal.textValue()), null));
        int call = 0;
        for (JsonNode tc : m.path("tool_calls")) {
            ObjectNode first = Json.object();
            ObjectNode d = first.putArray("tool_calls").addObject().put("index", call);
            copy(tc, d, "id");
            d.put("type", tc.path("type").asText("function"));
            d.putObject("function").put("name", tc.path("function").path("name").asText("")).put("arguments", "");
            out.add(chunk(base, index, first, null));
            for (String piece : pieces(tc.path("function").path("arguments").asText(""))) {
                ObjectNode delta = Json.object();
                delta.putArray("tool_calls").addObject().put("index", call).putObject("function").put("arguments", piece);
                out.add(chunk(base, index, delta, null));
            }
            call++;
        }
        out.add(chunk(base, index, Json.object(), choice.path("finish_reason").asText("stop")));
    }

    private static void text(ObjectNode base, int index, JsonNode choice, List<String> out) {
        for (String piece : pieces(choice.path("text").asText(""))) out.add(textChunk(base, index, piece, null));
        out.add(textChunk(base, index, "", choice.path("finish_reason").asText("stop")));
    }

    private static String chunk(ObjectNode base, int index, ObjectNode delta, String finishReason) {
        ObjectNode c = base.deepCopy();
        ObjectNode choice = c.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return Json.write(c);
    }

    private static String textChunk(ObjectNode base, int index, String text, String finishReason) {
        ObjectNode c = base.deepCopy();
        ArrayNode choices = c.putArray("choices");
        choices.addObject().put("index", index).put("text", text).put("finish_reason", finishReason);
        return Json.write(c);
    }

    /** {@code s} cut into pieces of at most {@link #PIECE_CHARS} characters, never inside a surrogate pair; none for "". */
    static List<String> pieces(String s) {
        List<String> out = new ArrayList<>(s.length() / PIECE_CHARS + 1);
        int i = 0;
        while (i < s.length()) {
            int end = Math.min(s.length(), i + PIECE_CHARS);
            if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) end--;
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) to.set(field, v);
    }
}
