package dev.frugal.cache;

import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;

/**
 * One stored answer: the whole OpenAI-shaped response ({@code chat.completion} or
 * {@code text_completion}) as the client of a plain request gets it, what it used and cost, which
 * model produced it, and when it expires. Replayed as a plain body, as a stream
 * ({@link Replay}) or, by the edge, in Anthropic's Messages format. Immutable: the body buffer is
 * never written after it is made, so any number of responses may send it at once.
 *
 * @param kind          chat or completions
 * @param body          the response body (JSON)
 * @param usage         the tokens of the original request
 * @param model         the configured model that produced it (for a route, the candidate that answered)
 * @param provider      the provider that produced it
 * @param upstreamModel the model name that provider was asked for ("" when none)
 * @param costMicros    what the original request cost, in micro-USD: the cost a hit saves
 * @param createdMillis when it was stored (wall clock, {@code TimeSource#millis})
 * @param expiresMillis when it stops being served
 * @param team          the team it belongs to, or null for a {@code global} answer
 * @param name          the model or route name the request asked for (its key's name)
 */
public record CachedAnswer(RequestView.Kind kind, Buffer body, Usage usage, String model, String provider,
                           String upstreamModel, long costMicros, long createdMillis, long expiresMillis, String team,
                           String name) {
    /** The bytes an entry holds besides its body and names: objects, headers, numbers (measured, see docs/benchmarks.md). */
    static final int OVERHEAD_BYTES = 256;

    /** What the memory tier counts this entry as, in bytes (an estimate: the body plus two bytes a character of text). */
    public long weight() {
        return body.length() + OVERHEAD_BYTES + 2L * (len(model) + len(provider) + len(upstreamModel) + len(team) + len(name));
    }

    /** Whether it is past its expiry at {@code nowMillis}. */
    public boolean expired(long nowMillis) {
        return nowMillis >= expiresMillis;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }
}
