package dev.frugal.provider;

import dev.frugal.config.ModelConfig;

/**
 * Separates the reasoning that R1-style open-weight models (DeepSeek-R1 and its distills, QwQ,
 * Qwen3 in thinking mode) write inside {@code <think>…</think>} in their answer text from the
 * answer itself (provider-protocols.md §7.2, §7.3). Streaming-safe: a tag split across chunks is
 * still recognised.
 *
 * <p>Rules, exactly as §7.3 states them:
 * <ul>
 *   <li>Initial state: inside reasoning when the deployment says the chat template already opened
 *       {@code <think>} ({@code think-prefilled}); otherwise in content, switching to reasoning
 *       only when the first non-whitespace text is {@code <think>} (a later {@code <think>} is
 *       answer text). A prefilled stream that still opens with {@code <think>} has it removed.</li>
 *   <li>On {@code </think>}: back to content, and the whitespace that follows the tag is dropped.</li>
 *   <li>No {@code </think>} by the end: when the text was taken as reasoning only because of the
 *       prefill setting, it was answer text after all (a template that did not prefill, thinking
 *       switched off per request) and is returned as content; otherwise it stays reasoning (a
 *       generation cut off while thinking).</li>
 * </ul>
 * What is held back: at most 7 characters that may begin a tag, plus the leading whitespace before
 * the first non-whitespace text. The one exception is the prefilled state, where reasoning must be
 * held until {@code </think>} arrives because the end may still turn it into content; a prefilled
 * deployment therefore shows its reasoning in one piece when thinking ends.
 *
 * <p>Modes ({@link ModelConfig.Reasoning}): {@code SPLIT} returns reasoning and content apart;
 * {@code STRIP} drops the reasoning; {@code PASS} returns every text unchanged as content.
 *
 * <p>Use from a streaming adapter, one instance per stream (per choice), on one thread:
 * <pre>{@code
 * ThinkSplitter splitter = ThinkSplitter.of(call.deployment());
 * for each upstream text fragment:
 *     ThinkSplitter.Parts p = splitter.feed(fragment);
 *     if (p.hasReasoning()) emit delta.reasoning_content = p.reasoning();
 *     if (p.hasContent())   emit delta.content = p.content();
 * at the end of the generation (before the finish chunk):
 *     ThinkSplitter.Parts last = splitter.finish();   // what was held back
 * }</pre>
 * For a whole (non-streamed) message: {@code ThinkSplitter.split(text, deployment)}. When the
 * upstream already separates reasoning (a {@code reasoning_content}, {@code reasoning} or
 * {@code thinking} field), its content has no tags and needs no splitter.
 *
 * <p>Pure; not thread-safe.
 */
public final class ThinkSplitter {
    static final String OPEN = "<think>";
    static final String CLOSE = "</think>";

    /**
     * The text of one fragment, sorted. Both parts are never null; empty means none.
     *
     * @param reasoning text to send as {@code reasoning_content} (always empty in STRIP and PASS mode)
     * @param content   answer text to send as {@code content}
     */
    public record Parts(String reasoning, String content) {
        public static final Parts EMPTY = new Parts("", "");

        public boolean hasReasoning() { return !reasoning.isEmpty(); }

        public boolean hasContent() { return !content.isEmpty(); }

        public boolean isEmpty() { return reasoning.isEmpty() && content.isEmpty(); }
    }

    private enum State {
        /** Nothing but whitespace yet: is the first text {@code <think>}? */
        START,
        /** Prefilled: inside reasoning, but {@code <think>} may still come first and is then removed. */
        PREFILLED_START,
        REASONING,
        /** Just after {@code </think>}: whitespace is dropped until text comes. */
        TRIMMING,
        /** Settled: everything from here on is content, unchanged. */
        CONTENT
    }

    private final ModelConfig.Reasoning mode;
    private State state;
    /** Reasoning only because of the prefill setting: held back until {@code </think>} decides. */
    private boolean onlyPrefilled;
    /** Text not yet returned: a possible tag start, leading whitespace, or prefilled reasoning. */
    private final StringBuilder held = new StringBuilder();
    /** Length of {@link #held} already searched for {@code </think>}: prefilled reasoning is not searched twice. */
    private int searched;
    private final StringBuilder reasoningOut = new StringBuilder();
    private final StringBuilder contentOut = new StringBuilder();

    public ThinkSplitter(ModelConfig.Reasoning mode, boolean thinkPrefilled) {
        this.mode = mode == null ? ModelConfig.Reasoning.SPLIT : mode;
        this.state = this.mode == ModelConfig.Reasoning.PASS ? State.CONTENT
                : thinkPrefilled ? State.PREFILLED_START : State.START;
        this.onlyPrefilled = thinkPrefilled;
    }

    /** A splitter for one stream of the given deployment. */
    public static ThinkSplitter of(ModelConfig.Deployment deployment) {
        return new ThinkSplitter(deployment.reasoning(), deployment.thinkPrefilled());
    }

    /** Splits a whole message's content at once. */
    public static Parts split(String content, ModelConfig.Reasoning mode, boolean thinkPrefilled) {
        // unprefilled, only a leading <think> changes the text: without a '<' it is all answer (the common message)
        if (!thinkPrefilled && content.indexOf('<') < 0) return new Parts("", content);
        ThinkSplitter s = new ThinkSplitter(mode, thinkPrefilled);
        Parts a = s.feed(content);
        Parts b = s.finish();
        return b.isEmpty() ? a : new Parts(a.reasoning() + b.reasoning(), a.content() + b.content());
    }

    public static Parts split(String content, ModelConfig.Deployment deployment) {
        return split(content, deployment.reasoning(), deployment.thinkPrefilled());
    }

    /**
     * True once every later fragment will come back unchanged as content (the answer has started
     * and nothing is held): a caller may then pass fragments on without feeding them.
     */
    public boolean settled() { return state == State.CONTENT && held.isEmpty(); }

    /** Sorts the next fragment of text; what may still be part of a tag is held back. */
    public Parts feed(String text) {
        if (text == null || text.isEmpty()) return Parts.EMPTY;
        if (settled()) return new Parts("", text);
        held.append(text);
        run(false);
        return take();
    }

    /** The end of the generation: returns whatever was held back, sorted by the end-of-text rules. */
    public Parts finish() {
        run(true);
        return take();
    }

    // ---- the state machine ----------------------------------------------------------------

    /** Consumes {@link #held} as far as it can be decided; {@code end} decides everything. */
    private void run(boolean end) {
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case START -> start(end);
                case PREFILLED_START -> prefilledStart(end);
                case REASONING -> reasoning(end);
                case TRIMMING -> trimming();
                case CONTENT -> {
                    contentOut.append(held);
                    held.setLength(0);
                    yield false;
                }
            };
        }
    }

    private boolean start(boolean end) {
        int i = firstNonWhitespace();
        if (i < 0) { // only whitespace so far
            if (!end) return false;
            state = State.CONTENT; // whitespace only: it is what the model answered
            return true;
        }
        int tag = matchAt(i, OPEN);
        if (tag == OPEN.length()) {
            held.delete(0, i + OPEN.length());
            state = State.REASONING;
            return true;
        }
        if (tag == held.length() - i && !end) return false; // could still become <think>
        state = State.CONTENT; // the whitespace and text are answer text
        return true;
    }

    private boolean prefilledStart(boolean end) {
        int i = firstNonWhitespace();
        if (i < 0) {
            if (!end) return false;
            state = State.REASONING; // whitespace only: let the end rules decide
            return true;
        }
        int tag = matchAt(i, OPEN);
        if (tag == OPEN.length()) { // the template did not prefill after all: the model opened it
            held.delete(0, i + OPEN.length());
            onlyPrefilled = false;
            state = State.REASONING;
            return true;
        }
        if (tag == held.length() - i && !end) return false;
        state = State.REASONING;
        return true;
    }

    private boolean reasoning(boolean end) {
        int close = held.indexOf(CLOSE, Math.max(0, searched - CLOSE.length() + 1));
        if (close >= 0) {
            reasoningOut.append(held, 0, close);
            held.delete(0, close + CLOSE.length());
            searched = 0;
            onlyPrefilled = false;
            state = State.TRIMMING;
            return true;
        }
        if (end) {
            // Prefilled and never closed: the model did not think, it was all answer text.
            (onlyPrefilled ? contentOut : reasoningOut).append(held);
            held.setLength(0);
            searched = 0;
            return false;
        }
        if (onlyPrefilled) { // hold everything until </think> or the end decides
            searched = held.length();
            return false;
        }
        int keep = partialSuffix(CLOSE);
        reasoningOut.append(held, 0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return false;
    }

    private boolean trimming() {
        int i = firstNonWhitespace();
        if (i < 0) {
            held.setLength(0);
            return false;
        }
        held.delete(0, i);
        state = State.CONTENT;
        return true;
    }

    // ---- helpers -------------------------------------------------------------------------

    private Parts take() {
        String r = drain(reasoningOut);
        String c = drain(contentOut);
        if (mode == ModelConfig.Reasoning.STRIP) r = "";
        return r.isEmpty() && c.isEmpty() ? Parts.EMPTY : new Parts(r, c);
    }

    private static String drain(StringBuilder sb) {
        if (sb.isEmpty()) return "";
        String s = sb.toString();
        sb.setLength(0);
        return s;
    }

    private int firstNonWhitespace() {
        for (int i = 0; i < held.length(); i++) if (!Character.isWhitespace(held.charAt(i))) return i;
        return -1;
    }

    /** How many characters of {@code tag} match {@link #held} from {@code at} (stops at a mismatch or the end). */
    private int matchAt(int at, String tag) {
        int n = 0;
        while (n < tag.length() && at + n < held.length()) {
            if (held.charAt(at + n) != tag.charAt(n)) return -1;
            n++;
        }
        return n;
    }

    /** Length of the longest end of {@link #held} that is a proper beginning of {@code tag}. */
    private int partialSuffix(String tag) {
        for (int k = Math.min(tag.length() - 1, held.length()); k > 0; k--) {
            boolean match = true;
            for (int j = 0; j < k && match; j++) match = held.charAt(held.length() - k + j) == tag.charAt(j);
            if (match) return k;
        }
        return 0;
    }
}
