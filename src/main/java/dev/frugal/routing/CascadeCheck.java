package dev.frugal.routing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.frugal.wire.Json;

import java.util.List;
import java.util.Locale;

/**
 * The checks a cascade route puts an answer through before it reaches the client (docs/routing.md#cascades):
 * an answer that fails one is escalated to the route's next candidate. Conservative — a check escalates only
 * what is plainly not an answer, since every escalation is a second paid call:
 * <ul>
 *   <li>{@link Reason#LENGTH}: a choice stopped at its output limit ({@code finish_reason: length});</li>
 *   <li>{@link Reason#REFUSAL}: a choice carries OpenAI's {@code refusal}, or its whole text is a short refusal
 *       that starts with one of {@link #REFUSALS} (at most {@value #REFUSAL_MAX_CHARS} characters: a long answer
 *       that begins with an apology is still an answer);</li>
 *   <li>{@link Reason#EMPTY}: no choice, or a choice with neither text nor tool calls;</li>
 *   <li>{@link Reason#INVALID_JSON}: the request asked for JSON ({@code response_format} {@code json_object} or
 *       {@code json_schema}) and a choice's text is not a JSON object. The schema itself is not checked.</li>
 * </ul>
 * Upstream failures are not checked here: the executor already falls back on them. Pure; thread-safe.
 */
public final class CascadeCheck {
    /** Why an answer was escalated; {@link #tag()} is the metric tag and the attempt trace's. */
    public enum Reason {
        LENGTH, REFUSAL, EMPTY, INVALID_JSON;

        private final String tag = name().toLowerCase(Locale.ROOT);

        public String tag() { return tag; }
    }

    /** Longest text (stripped) that can count as a refusal phrase. */
    static final int REFUSAL_MAX_CHARS = 300;
    /** How refusals begin, lower case, with straight apostrophes. */
    static final List<String> REFUSALS = List.of(
            "i'm sorry, but i can't", "i'm sorry, but i cannot", "i'm sorry, i can't", "i'm sorry, i cannot",
            "i am sorry, but i cannot", "i apologize, but i can't", "i apologize, but i cannot",
            "sorry, but i can't", "sorry, i can't", "i can't help with", "i cannot help with", "i can't assist with",
            "i cannot assist with", "i'm unable to help", "i am unable to help", "i'm not able to help",
            "i can't provide", "i cannot provide", "i won't be able to help");

    private static final ObjectReader STRICT = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CascadeCheck() {}

    /**
     * Checks a whole answer: a {@code chat.completion} or {@code text_completion} body.
     *
     * @param jsonRequired the request's {@code response_format} asked for JSON
     * @return why it must be escalated, or null to accept it
     */
    public static Reason check(JsonNode completion, boolean jsonRequired) {
        JsonNode choices = completion == null ? null : completion.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) return Reason.EMPTY;
        Reason worst = null;
        for (JsonNode choice : choices) {
            Reason r = choice(choice, jsonRequired);
            if (r != null && (worst == null || r.ordinal() < worst.ordinal())) worst = r;
        }
        return worst;
    }

    private static Reason choice(JsonNode choice, boolean jsonRequired) {
        if ("length".equals(choice.path("finish_reason").asText(null))) return Reason.LENGTH;
        JsonNode message = choice.get("message");
        JsonNode refusal = message == null ? null : message.get("refusal");
        if (refusal != null && refusal.isTextual() && !refusal.textValue().isBlank()) return Reason.REFUSAL;
        JsonNode calls = message == null ? null : message.get("tool_calls");
        boolean toolCalls = calls != null && calls.isArray() && !calls.isEmpty();
        JsonNode content = message != null ? message.get("content") : choice.get("text");
        String text = content != null && content.isTextual() ? content.textValue().strip() : "";
        if (toolCalls) return null; // the model chose to call a tool: a proper answer, with or without text
        if (text.isEmpty()) return Reason.EMPTY;
        if (isRefusal(text)) return Reason.REFUSAL;
        if (jsonRequired && !isJsonObject(text)) return Reason.INVALID_JSON;
        return null;
    }

    /** A short text that begins as a refusal does ({@link #REFUSALS}). */
    static boolean isRefusal(String text) {
        if (text.length() > REFUSAL_MAX_CHARS) return false;
        String t = text.replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        for (String r : REFUSALS) if (t.startsWith(r)) return true;
        return false;
    }

    /** The whole text is one JSON object (nothing after it). */
    private static boolean isJsonObject(String text) {
        try {
            return STRICT.readTree(text).isObject();
        } catch (Exception e) {
            return false;
        }
    }
}
