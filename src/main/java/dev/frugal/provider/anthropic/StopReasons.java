package dev.frugal.provider.anthropic;

/** Anthropic {@code stop_reason} → OpenAI {@code finish_reason} (provider-protocols.md §4.5, Appendix A). */
final class StopReasons {
    private StopReasons() {}

    /**
     * OpenAI's value. Unknown and null reasons become {@code stop}: the SDKs only accept OpenAI's set.
     * {@code pause_turn} (a long server-tool turn paused) also becomes {@code stop}: an OpenAI
     * client cannot resume it, and the text so far is a complete answer to show.
     */
    static String toOpenAi(String stopReason) {
        if (stopReason == null) return "stop";
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn, and values added later
        };
    }
}
