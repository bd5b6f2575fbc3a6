package dev.frugal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.wire.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds the OpenAI-shaped chunks a stream relays into the whole answer they make: per choice its
 * content, reasoning ({@code reasoning_content} or {@code reasoning}), tool calls assembled by
 * index (id, name, arguments concatenated) and finish reason, or a completion's text; and the
 * stream's usage. Billing reads {@link #text} when a stream ends without usage; a cache or a
 * cascade check reads {@link #completion}.
 *
 * <p>Cheap on the event loop: chunks are kept as the strings already made for the client (no
 * copy) and parsed in batches once they add up to {@link #BATCH_CHARS}, or at the end, off the loop
 * for a long stream. Bounded: past {@link #MAX_TEXT_CHARS} of text, further text is counted
 * ({@link #droppedChars}), not kept, and the answer is {@link #truncated}. One per stream; not
 * thread-safe (the stream's event loop, then whoever reads it after the stream ended).
 */
public final class StreamFold {
    /** Chunk JSON held before it is parsed: bounds what every stream keeps besides its text. */
    static final int BATCH_CHARS = 32 * 1024;
    /** Past this much text, further text is counted, not kept. */
    static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;

    private final List<String> pending = new ArrayList<>();
    private long pendingChars;
    private boolean any;
    private long textChars;
    private long droppedChars;

    private String id;
    private String object;
    private String model;
    private String systemFingerprint;
    private long created = -1;
    private String reasoningField = "reasoning_content";
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private JsonNode usage;

    /** One choice as far as it came. */
    private static final class Choice {
        final StringBuilder content = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder text = new StringBuilder();
        final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
        String finishReason;
    }

    private static final class ToolCall {
        String id;
        String type;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
    }

    /** One chunk's JSON as relayed to the client. */
    public void add(String chunkJson) {
        any = true;
        pending.add(chunkJson);
        pendingChars += chunkJson.length();
        if (pendingChars >= BATCH_CHARS) fold();
    }

    /** Whether any chunk was relayed. */
    public boolean isEmpty() { return !any; }

    /** Characters still to count: the text kept plus the chunk JSON not parsed yet. */
    public long keptChars() { return textChars + pendingChars; }

    /** Characters of text past {@link #MAX_TEXT_CHARS}, counted but not kept. */
    public long droppedChars() {
        fold();
        return droppedChars;
    }

    /** The answer is missing text that went past the bound. */
    public boolean truncated() { return droppedChars() > 0; }

    /** Every choice that began also finished (it has a finish reason), and nothing was dropped. */
    public boolean complete() {
        fold();
        if (droppedChars > 0 || choices.isEmpty()) return false;
        for (Choice c : choices.values()) if (c.finishReason == null) return false;
        return true;
    }

    /**
     * The text the model produced, as billing counts it: per choice its reasoning, content, tool
     * names and arguments, or completion text.
     */
    public String text() {
        fold();
        StringBuilder sb = new StringBuilder((int) Math.min(textChars, Integer.MAX_VALUE - 8));
        for (Choice c : choices.values()) {
            sb.append(c.reasoning).append(c.content);
            for (ToolCall t : c.toolCalls.values()) sb.append(t.name).append(t.arguments);
            sb.append(c.text);
        }
        return sb.toString();
    }

    /**
     * The whole response the chunks make: a {@code chat.completion} (or a {@code text_completion}
     * for a completions stream), with the usage if the stream carried it. A choice cut short has a
     * null {@code finish_reason}.
     */
    public ObjectNode completion() {
        fold();
        boolean chat = object == null || !object.startsWith("text_completion");
        ObjectNode root = Json.object();
        if (id != null) root.put("id", id);
        root.put("object", chat ? "chat.completion" : "text_completion");
        if (created >= 0) root.put("created", created);
        if (model != null) root.put("model", model);
        if (systemFingerprint != null) root.put("system_fingerprint", systemFingerprint);
        ArrayNode out = root.putArray("choices");
        choices.forEach((index, c) -> {
            ObjectNode choice = out.addObject().put("index", index);
            if (chat) message(choice.putObject("message"), c);
            else choice.put("text", c.text.toString());
            choice.put("finish_reason", c.finishReason);
        });
        if (usage != null) root.set("usage", usage);
        return root;
    }

    private void message(ObjectNode m, Choice c) {
        m.put("role", "assistant");
        if (c.content.isEmpty() && !c.toolCalls.isEmpty()) m.putNull("content");
        else m.put("content", c.content.toString());
        if (!c.reasoning.isEmpty()) m.put(reasoningField, c.reasoning.toString());
        if (c.toolCalls.isEmpty()) return;
        ArrayNode calls = m.putArray("tool_calls");
        for (ToolCall t : c.toolCalls.values()) {
            ObjectNode call = calls.addObject();
            if (t.id != null) call.put("id", t.id);
            call.put("type", t.type == null ? "function" : t.type);
            call.putObject("function").put("name", t.name.toString()).put("arguments", t.arguments.toString());
        }
    }

    // ---- folding ---------------------------------------------------------------------------

    private void fold() {
        for (String c : pending) {
            JsonNode n;
            try {
                n = Json.parse(c);
            } catch (Exception e) {
                continue; // the gateway wrote it, so it parses; be safe anyway
            }
            chunk(n);
        }
        pending.clear();
        pendingChars = 0;
    }

    private void chunk(JsonNode n) {
        if (id == null && n.path("id").isTextual()) id = n.get("id").textValue();
        if (object == null && n.path("object").isTextual()) object = n.get("object").textValue();
        if (model == null && n.path("model").isTextual()) model = n.get("model").textValue();
        if (systemFingerprint == null && n.path("system_fingerprint").isTextual()) systemFingerprint = n.get("system_fingerprint").textValue();
        if (created < 0 && n.path("created").canConvertToLong()) created = n.get("created").longValue();
        JsonNode u = n.get("usage");
        if (u != null && u.isObject()) usage = u;
        int position = 0;
        for (JsonNode choice : n.path("choices")) {
            Choice c = choices.computeIfAbsent(choice.path("index").asInt(position++), i -> new Choice());
            JsonNode delta = choice.path("delta");
            append(c.content, delta.get("content"));
            if (delta.has("reasoning") && !delta.has("reasoning_content")) reasoningField = "reasoning";
            append(c.reasoning, delta.get("reasoning_content"));
            append(c.reasoning, delta.get("reasoning"));
            int call = 0;
            for (JsonNode d : delta.path("tool_calls")) toolCall(c, d, call++);
            append(c.text, choice.get("text"));
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && finish.isTextual()) c.finishReason = finish.textValue();
        }
    }

    private void toolCall(Choice c, JsonNode delta, int position) {
        ToolCall t = c.toolCalls.computeIfAbsent(delta.path("index").asInt(position), i -> new ToolCall());
        if (delta.path("id").isTextual()) t.id = delta.get("id").textValue();
        if (delta.path("type").isTextual()) t.type = delta.get("type").textValue();
        JsonNode name = delta.path("function").get("name");
        // sent once by OpenAI; some OpenAI-compatible servers repeat it whole in every delta
        if (name != null && !name.asText().contentEquals(t.name)) append(t.name, name);
        append(t.arguments, delta.path("function").get("arguments"));
    }

    private void append(StringBuilder to, JsonNode n) {
        if (n == null || !n.isTextual()) return;
        String s = n.textValue();
        if (textChars + s.length() > MAX_TEXT_CHARS) {
            droppedChars += s.length();
            return;
        }
        to.append(s);
        textChars += s.length();
    }
}
