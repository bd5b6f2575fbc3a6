package dev.frugal.cache;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * Which answers may be stored: only complete, successful ones. A request's cache policy decided
 * before the call whether it is cacheable at all (enabled, deterministic, no {@code no-store});
 * this rule judges what came back. Pure.
 */
public final class StoreRule {
    private static final Set<String> FINISHED = Set.of("stop", "tool_calls", "function_call");

    /** Why an answer is not stored; {@link #tag} is the metric's {@code result}. */
    public enum Refusal {
        /** The client got an error, or the answer did not come from an upstream. */
        ERROR,
        /** A stream cut short: a choice without a finish reason, or text past the fold's bound. */
        INCOMPLETE,
        /** A choice ended otherwise than {@code stop} or {@code tool_calls} ({@code length} unless allowed, {@code content_filter}…). */
        FINISH_REASON,
        /** Larger than {@code frugal.cache.max-entry-size} (checked by the caller, once the body is made). */
        TOO_LARGE;

        public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private StoreRule() {}

    /**
     * @param served      the request succeeded and an upstream answered it
     * @param complete    every choice that began also finished (whole answers always are)
     * @param completion  the whole answer ({@code chat.completion} or {@code text_completion})
     * @param storeLength answers cut by their output limit may be stored
     * @return null when the answer may be stored (if it is not {@link Refusal#TOO_LARGE})
     */
    public static Refusal check(boolean served, boolean complete, JsonNode completion, boolean storeLength) {
        if (!served) return Refusal.ERROR;
        if (!complete) return Refusal.INCOMPLETE;
        JsonNode choices = completion.path("choices");
        if (!choices.isArray() || choices.isEmpty()) return Refusal.INCOMPLETE;
        for (JsonNode c : choices) {
            String reason = c.path("finish_reason").asText("");
            if (!FINISHED.contains(reason) && !(storeLength && reason.equals("length"))) return Refusal.FINISH_REASON;
        }
        return null;
    }
}
