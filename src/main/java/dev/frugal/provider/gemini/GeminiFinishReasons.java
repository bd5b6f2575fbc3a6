package dev.frugal.provider.gemini;

import org.jboss.logging.Logger;

import java.util.Set;

/**
 * Maps Gemini's {@code finishReason} onto OpenAI's set (provider-protocols.md §5.4, Appendix A).
 * Values outside OpenAI's enum are never passed through, because strictly typed clients (the
 * official SDKs among them) reject unknown finish reasons. Stateless.
 */
final class GeminiFinishReasons {
    private static final Logger LOG = Logger.getLogger(GeminiFinishReasons.class);

    /** Gemini stopped because of its content policies (the image values apply to image models). */
    private static final Set<String> FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE", "LANGUAGE");

    /** The model tried to call a tool and failed; OpenAI has no value for this. */
    private static final Set<String> TOOL_FAILURES = Set.of("MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS");

    private GeminiFinishReasons() {}

    /**
     * OpenAI's value for {@code reason} (null or absent counts as {@code STOP}). Gemini reports
     * {@code STOP} after function calls, so {@code sawToolCalls} turns it into {@code tool_calls}.
     */
    static String toOpenAi(String reason, boolean sawToolCalls) {
        if (reason == null || reason.isEmpty() || "STOP".equals(reason)) return sawToolCalls ? "tool_calls" : "stop";
        if ("MAX_TOKENS".equals(reason)) return "length";
        if (FILTERED.contains(reason)) return "content_filter";
        if (TOOL_FAILURES.contains(reason)) {
            // Reported as a plain stop (spec Appendix A); logged so an operator can see why a turn came back empty.
            LOG.infof("Gemini ended a generation with finishReason %s; reported to the client as 'stop'", reason);
            return sawToolCalls ? "tool_calls" : "stop";
        }
        return sawToolCalls ? "tool_calls" : "stop"; // OTHER, FINISH_REASON_UNSPECIFIED and values added later
    }
}
