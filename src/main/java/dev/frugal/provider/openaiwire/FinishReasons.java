package dev.frugal.provider.openaiwire;

/** Maps finish reasons of OpenAI-compatible servers onto OpenAI's set (Appendix A). */
final class FinishReasons {
    private FinishReasons() {}

    /** OpenAI's value for {@code reason}; {@code sawToolCalls} turns a plain stop into {@code tool_calls}. */
    static String toOpenAi(String reason, boolean sawToolCalls) {
        String mapped = switch (reason) {
            case "stop", "length", "tool_calls", "content_filter", "function_call" -> reason;
            case "eos", "end_turn", "stop_sequence" -> "stop";
            case "model_length", "insufficient_system_resource", "max_tokens" -> "length";
            default -> "stop";
        };
        return sawToolCalls && "stop".equals(mapped) ? "tool_calls" : mapped;
    }
}
