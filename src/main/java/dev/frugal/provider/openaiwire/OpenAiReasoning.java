package dev.frugal.provider.openaiwire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.ModelConfig.Reasoning;
import dev.frugal.provider.ThinkSplitter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Normalises reasoning in the answers of OpenAI-compatible servers (provider-protocols.md §7.3):
 * <ul>
 *   <li>the field: {@code reasoning} (new vLLM, LM Studio for gpt-oss, Ollama {@code /v1}) becomes
 *       {@code reasoning_content} (DeepSeek, llama.cpp), which passes through as it is;</li>
 *   <li>{@code <think>…</think>} in the content: with {@code SPLIT} moved to
 *       {@code reasoning_content}, with {@code STRIP} dropped, with {@code PASS} left alone — by a
 *       {@link ThinkSplitter} per choice, only until the upstream shows it separates reasoning
 *       itself (then its content has no tags) or the splitter has settled in the answer;</li>
 *   <li>{@code STRIP} also drops reasoning the upstream sent in its own field: a client of a
 *       stripped deployment never sees reasoning, however the server delivers it.</li>
 * </ul>
 * One instance per stream, not thread-safe; {@link #message} handles whole answers.
 */
final class OpenAiReasoning {
    private final Reasoning mode;
    private final boolean prefilled;
    private final int choices;
    private final Map<Integer, Choice> state = new LinkedHashMap<>(2);

    /** What is known about one choice of the stream. */
    private static final class Choice {
        ThinkSplitter splitter;
        /** The upstream sent reasoning in a field of its own: its content is answer text only. */
        boolean separates;
        boolean finished;
    }

    /**
     * @param choices how many choices the stream has ({@code n}); splitting stays on until each has settled
     */
    OpenAiReasoning(Reasoning mode, boolean prefilled, int choices) {
        this.mode = mode == null ? Reasoning.SPLIT : mode;
        this.prefilled = prefilled;
        this.choices = Math.max(1, choices);
    }

    /**
     * True when the raw text of a chunk shows there is nothing to do for reasoning, so it may be
     * passed on without parsing. Conservative: any doubt means the chunk is parsed.
     */
    boolean nothingToDo(String json) {
        if (!OpenAiStreamMapper.isNullOrAbsent(json, "\"reasoning\"")) return false;
        if (mode == Reasoning.STRIP && !OpenAiStreamMapper.isNullOrAbsent(json, "\"reasoning_content\"")) return false;
        if (!splitting()) return true;
        // While splitting: content must be split, and the first reasoning field shows the upstream separates it;
        // empty ones do neither (delta: an empty content feeds no splitter, an empty reasoning_content separates nothing).
        return OpenAiStreamMapper.isEmptyOrAbsent(json, "\"content\"") && OpenAiStreamMapper.isEmptyOrAbsent(json, "\"reasoning_content\"");
    }

    /** Whether content still has to go through a splitter. */
    private boolean splitting() {
        if (mode == Reasoning.PASS) return false;
        if (state.size() < choices) return true;
        for (Choice c : state.values()) if (!c.separates && !c.finished && !c.splitter.settled()) return true;
        return false;
    }

    /** Normalises the delta of one choice; true when it changed. */
    boolean delta(int index, ObjectNode delta) {
        Choice c = state.computeIfAbsent(index, i -> newChoice());
        boolean changed = renameReasoning(delta);
        JsonNode rc = delta.get("reasoning_content");
        boolean upstreamReasoning = rc != null && rc.isTextual() && !rc.asText().isEmpty();
        if (upstreamReasoning && !c.separates) {
            c.separates = true;
            // Whatever the splitter still held came before this delta.
            changed |= prepend(delta, c.splitter.finish());
        } else if (!c.separates && !c.finished && mode != Reasoning.PASS) {
            JsonNode content = delta.get("content");
            if (content != null && content.isTextual() && !content.asText().isEmpty()) {
                ThinkSplitter.Parts p = c.splitter.feed(content.asText());
                if (!p.hasReasoning() && p.content().equals(content.asText())) return strip(delta) || changed;
                delta.remove("content");
                if (p.hasReasoning()) delta.put("reasoning_content", p.reasoning());
                if (p.hasContent()) delta.put("content", p.content()); else delta.putNull("content");
                changed = true;
            }
        }
        return strip(delta) || changed;
    }

    /** The choice finished: what its splitter held goes into its last delta. True when it changed. */
    boolean finish(int index, ObjectNode delta) {
        Choice c = state.computeIfAbsent(index, i -> newChoice());
        if (c.finished) return false;
        c.finished = true;
        if (c.separates) return false;
        return appendParts(delta, c.splitter.finish());
    }

    /** What the splitters of choices that never finished still hold, by choice index (the stream ended). */
    Map<Integer, ThinkSplitter.Parts> unfinished() {
        Map<Integer, ThinkSplitter.Parts> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, Choice> e : state.entrySet()) {
            Choice c = e.getValue();
            if (c.finished || c.separates) continue;
            c.finished = true;
            ThinkSplitter.Parts p = c.splitter.finish();
            if (!p.isEmpty()) out.put(e.getKey(), p);
        }
        return out;
    }

    /** Writes parts into a fresh delta (for a chunk the mapper synthesises). */
    static void write(ObjectNode delta, ThinkSplitter.Parts p) {
        if (p.hasReasoning()) delta.put("reasoning_content", p.reasoning());
        if (p.hasContent()) delta.put("content", p.content());
    }

    /** Normalises the {@code message} of a whole answer; true when it changed. */
    static boolean message(ObjectNode message, Reasoning mode, boolean prefilled) {
        OpenAiReasoning r = new OpenAiReasoning(mode, prefilled, 1);
        boolean changed = r.renameReasoning(message);
        JsonNode rc = message.get("reasoning_content");
        boolean separated = rc != null && rc.isTextual() && !rc.asText().isEmpty();
        JsonNode content = message.get("content");
        if (!separated && r.mode != Reasoning.PASS && content != null && content.isTextual()) {
            ThinkSplitter.Parts p = ThinkSplitter.split(content.asText(), r.mode, prefilled);
            if (p.hasReasoning() || !p.content().equals(content.asText())) {
                message.put("content", p.content());
                if (p.hasReasoning()) message.put("reasoning_content", p.reasoning());
                changed = true;
            }
        }
        return r.strip(message) || changed;
    }

    /**
     * Whether {@link #message} would change a message with these members: its rules, for a message read without a
     * tree ({@link PlainAnswer}). Keep the two in step; {@code PlainAnswerTest} compares them.
     *
     * @param reasoning        {@code reasoning} is there with a value other than null (renamed)
     * @param reasoningContent {@code reasoning_content} is there (STRIP removes it)
     * @param separated        {@code reasoning_content} is a non-empty string: the content is answer only
     * @param content          {@code content} when it is a string, else null
     */
    static boolean wouldChange(boolean reasoning, boolean reasoningContent, boolean separated, String content,
                               Reasoning mode, boolean prefilled) {
        Reasoning m = mode == null ? Reasoning.SPLIT : mode;
        if (reasoning) return true;
        if (m == Reasoning.STRIP && reasoningContent) return true;
        if (separated || m == Reasoning.PASS || content == null) return false;
        ThinkSplitter.Parts p = ThinkSplitter.split(content, m, prefilled);
        return p.hasReasoning() || !p.content().equals(content);
    }

    // ---- pieces --------------------------------------------------------------------------

    private Choice newChoice() {
        Choice c = new Choice();
        c.splitter = new ThinkSplitter(mode, prefilled);
        return c;
    }

    /** {@code reasoning} → {@code reasoning_content}, unless both were sent (then the latter wins). */
    private boolean renameReasoning(ObjectNode node) {
        JsonNode r = node.get("reasoning");
        if (r == null || r.isNull()) return false;
        node.remove("reasoning");
        JsonNode rc = node.get("reasoning_content");
        if (r.isTextual() && (rc == null || rc.isNull())) node.put("reasoning_content", r.asText());
        return true;
    }

    /** STRIP: no reasoning reaches the client. */
    private boolean strip(ObjectNode node) {
        return mode == Reasoning.STRIP && node.remove("reasoning_content") != null;
    }

    private static boolean prepend(ObjectNode delta, ThinkSplitter.Parts p) {
        if (p.isEmpty()) return false;
        if (p.hasReasoning()) delta.put("reasoning_content", p.reasoning() + delta.path("reasoning_content").asText(""));
        if (p.hasContent()) delta.put("content", p.content() + delta.path("content").asText(""));
        return true;
    }

    private static boolean appendParts(ObjectNode delta, ThinkSplitter.Parts p) {
        if (p.isEmpty()) return false;
        if (p.hasReasoning()) delta.put("reasoning_content", delta.path("reasoning_content").asText("") + p.reasoning());
        if (p.hasContent()) delta.put("content", delta.path("content").asText("") + p.content());
        return true;
    }
}
