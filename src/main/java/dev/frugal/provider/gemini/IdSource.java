package dev.frugal.provider.gemini;

import dev.frugal.core.Ids;

/**
 * Where the ids Gemini does not give come from: the completion id when a response has no
 * {@code responseId}, and every tool-call id (provider-protocols.md §0 rule 5). Injected so the
 * mappers stay pure and tests get fixed ids.
 */
interface IdSource {
    /** A {@code chatcmpl-…} id. */
    String completionId();

    /** A {@code call_…} id: {@code call_} followed by letters and digits only (see {@link ToolCallIds}). */
    String callId();

    /** Random ids, for production. Thread-safe. */
    IdSource RANDOM = new IdSource() {
        @Override public String completionId() { return Ids.random("chatcmpl-", 24); }
        @Override public String callId() { return Ids.random("call_", 24); }
    };
}
