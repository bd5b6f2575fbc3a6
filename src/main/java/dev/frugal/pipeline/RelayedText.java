package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The generated text of the OpenAI-shaped chunks a stream relayed to its client, kept so that a
 * stream that ends without usage (the client disconnected, or the upstream never reported it) is
 * still billed for what was sent. Chunks are kept as the strings already made for the client (no
 * copy) and, once they add up to {@link #FOLD_CHARS}, folded into their text alone (a chunk's JSON is
 * mostly envelope), so a long stream holds about its text, not every chunk. One per stream; event
 * loop only; not thread-safe.
 */
final class RelayedText {
    /** Chunk JSON held before it is folded into text: bounds what every stream keeps. */
    static final int FOLD_CHARS = 32 * 1024;
    /** Past this much text, further chunks are counted by size only (bounded memory). */
    static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;

    private final List<String> pending = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private long pendingChars;
    private long droppedChars;
    private boolean any;

    void add(String chunkJson) {
        any = true;
        if (text.length() >= MAX_TEXT_CHARS) {
            droppedChars += chunkJson.length();
            return;
        }
        pending.add(chunkJson);
        pendingChars += chunkJson.length();
        if (pendingChars >= FOLD_CHARS) fold();
    }

    /** Whether any chunk was relayed. */
    boolean isEmpty() { return !any; }

    /** Characters still to count: the folded text plus the chunk JSON not folded yet. */
    long keptChars() { return text.length() + pendingChars; }

    /** JSON characters of chunks not kept; their text is estimated from this. */
    long droppedChars() { return droppedChars; }

    /**
     * The text the model produced: content, reasoning, tool-call names and arguments (chat), or text
     * (completions), in order.
     */
    String text() {
        fold();
        return text.toString();
    }

    private void fold() {
        for (String c : pending) {
            JsonNode n;
            try {
                n = Json.parse(c);
            } catch (Exception e) {
                continue; // the gateway wrote it, so it parses; be safe anyway
            }
            for (JsonNode choice : n.path("choices")) {
                JsonNode delta = choice.path("delta");
                append(delta.path("content"));
                append(delta.path("reasoning_content"));
                append(delta.path("reasoning"));
                for (JsonNode call : delta.path("tool_calls")) {
                    append(call.path("function").path("name"));
                    append(call.path("function").path("arguments"));
                }
                append(choice.path("text"));
            }
        }
        pending.clear();
        pendingChars = 0;
    }

    private void append(JsonNode n) {
        if (n.isTextual()) text.append(n.asText());
    }
}
