package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The generated text of the OpenAI-shaped chunks a stream relayed to its client, kept so that a
 * stream that ends without usage (the client disconnected, or the upstream never reported it) is
 * still billed for what was sent. Chunks are kept as the strings already made for the client (no
 * copy) and parsed only when needed. One per stream; event loop only; not thread-safe.
 */
final class RelayedText {
    /** Past this many characters of chunk JSON, the rest is counted by size only (bounded memory). */
    static final int MAX_KEPT_CHARS = 4 * 1024 * 1024;

    private final List<String> chunks = new ArrayList<>();
    private long keptChars;
    private long droppedChars;

    void add(String chunkJson) {
        if (keptChars + chunkJson.length() > MAX_KEPT_CHARS) {
            droppedChars += chunkJson.length();
            return;
        }
        keptChars += chunkJson.length();
        chunks.add(chunkJson);
    }

    boolean isEmpty() { return chunks.isEmpty() && droppedChars == 0; }

    /** JSON characters of the chunks kept. */
    long keptChars() { return keptChars; }

    /** JSON characters of chunks not kept; their text is estimated from this. */
    long droppedChars() { return droppedChars; }

    /**
     * The text the model produced in the kept chunks: content, reasoning, tool-call names and
     * arguments (chat), or text (completions), in order.
     */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (String c : chunks) {
            JsonNode n;
            try {
                n = Json.parse(c);
            } catch (Exception e) {
                continue; // the gateway wrote it, so it parses; be safe anyway
            }
            for (JsonNode choice : n.path("choices")) {
                JsonNode delta = choice.path("delta");
                append(sb, delta.path("content"));
                append(sb, delta.path("reasoning_content"));
                append(sb, delta.path("reasoning"));
                for (JsonNode call : delta.path("tool_calls")) {
                    append(sb, call.path("function").path("name"));
                    append(sb, call.path("function").path("arguments"));
                }
                append(sb, choice.path("text"));
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, JsonNode n) {
        if (n.isTextual()) sb.append(n.asText());
    }
}
