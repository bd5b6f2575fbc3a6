package dev.frugal.pipeline;

import dev.frugal.core.Usage;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * What the pipeline answers a request with: a whole response, embedding vectors, or a stream
 * ({@link AnswerStream}), each with where it came from. The edge writes it and then tells the
 * request's {@link Exchange} how that went ({@link Exchange#delivered}, {@link Exchange#failed},
 * {@link Exchange#clientLeft}). Immutable, except a stream.
 */
public sealed interface Answer permits Answer.Whole, Answer.Vectors, AnswerStream {

    Origin origin();

    /** Where an answer came from: an upstream attempt, or the response cache. */
    sealed interface Origin permits Upstream, Cached {}

    /**
     * @param provider      the provider of the attempt that answered
     * @param upstreamModel the model it was asked for (null when the adapter names none)
     * @param attempts      upstream calls made for the request, this one included
     */
    record Upstream(String provider, String upstreamModel, int attempts) implements Origin {}

    /**
     * A stored answer replayed by the response cache.
     *
     * @param model         the configured model that produced it (for a route, the candidate that answered)
     * @param provider      the provider that produced it
     * @param upstreamModel the model that provider was asked for
     * @param tier          where it was found: {@code memory} or {@code redis}
     */
    record Cached(String model, String provider, String upstreamModel, String tier) implements Origin {}

    /** A whole (non-streamed) chat or completions response: the OpenAI-shaped body to send as it is. */
    record Whole(Buffer body, Usage usage, Origin origin) implements Answer {}

    /** Embedding vectors in input order, with the tokens the backend counted. */
    record Vectors(List<float[]> vectors, Usage usage, Origin origin) implements Answer {}
}
