package dev.frugal.provider;

import dev.frugal.core.Usage;

/** A stream of OpenAI-shaped chunks from one upstream attempt, already past its first chunk. */
public interface ChunkStream {

    /** Receives the stream. Called on the event loop. */
    interface Handler {
        /** One chunk's JSON, to be written as one SSE {@code data:} event. */
        void onChunk(String json);

        /** The upstream finished cleanly. */
        void onEnd();

        /** The upstream failed after the first chunk: report it in-band and end without {@code [DONE]}. */
        void onError(Throwable failure);
    }

    /** Starts delivery (chunks that arrived already are delivered first). */
    void start(Handler handler);

    void pause();

    void resume();

    /** Stops the upstream call: the client went away. */
    void cancel();

    /** Usage reported by the upstream so far ({@link Usage#NONE} if none). */
    Usage usage();

    /** Count of chunks delivered to the handler. */
    int chunksDelivered();
}
