package dev.frugal.pipeline;

import dev.frugal.core.EventLoopTimers;
import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A streamed answer: the upstream's OpenAI-shaped chunks, relayed to the edge's {@link Sink} as
 * they arrive, folded as they pass ({@link StreamFold}), cut at the request's total deadline. A
 * failure after the first chunk reaches the sink as the error the client is told in-band. The
 * stream's time ends before the sink writes its last event. One per request; event loop only.
 */
public final class AnswerStream implements Answer, ChunkStream.Handler {

    /** Where the edge writes the stream. Called on the event loop. */
    public interface Sink {
        /** One chunk's JSON. */
        void chunk(String json);

        /** The upstream finished cleanly, with its usage ({@link Usage#NONE} if it reported none). */
        void end(Usage usage);

        /** The stream failed after its first chunk: report it in-band and end. */
        void error(GatewayError e);
    }

    private final Exchange ex;
    private final ChunkStream upstream;
    private final Origin origin;
    private final StreamFold fold = new StreamFold();
    private Sink sink;
    private boolean ended;
    /** Cancels the total-deadline timer; null when none is set. */
    private Runnable cancelDeadline;

    AnswerStream(Exchange ex, ChunkStream upstream, Origin origin) {
        this.ex = ex;
        this.upstream = upstream;
        this.origin = origin;
    }

    @Override public Origin origin() { return origin; }

    /** Starts relaying to {@code sink} (chunks that arrived already come first) and the total-deadline timer. */
    public void start(Sink sink) {
        this.sink = sink;
        Context ctx = Vertx.currentContext();
        Vertx vertx = ctx == null ? null : ctx.owner();
        if (vertx != null) {
            cancelDeadline = EventLoopTimers.start(vertx, ex.millisLeft(), () -> {
                cancelDeadline = null;
                if (ended) return;
                upstream.cancel();
                onError(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "The response exceeded its total deadline."));
            });
        }
        upstream.start(this);
    }

    /** The client cannot take more now (back-pressure): the upstream is paused. */
    public void pause() { upstream.pause(); }

    public void resume() { upstream.resume(); }

    /** Usage the upstream reported so far ({@link Usage#NONE} if none). */
    Usage usage() { return upstream.usage(); }

    /** The answer as far as it came. */
    StreamFold fold() { return fold; }

    /** The client left: the upstream call is stopped; nothing more reaches the sink. */
    void cancel() {
        if (ended) return;
        ended = true;
        cancelDeadline();
        upstream.cancel();
    }

    @Override
    public void onChunk(String json) {
        if (ended) return;
        fold.add(json);
        if (ex.firstChunkNanos == 0) ex.firstChunk();
        sink.chunk(json);
    }

    @Override
    public void onEnd() {
        if (ended) return;
        over();
        sink.end(upstream.usage());
    }

    @Override
    public void onError(Throwable failure) {
        if (ended) return;
        over();
        sink.error(midStream(failure));
    }

    private void over() {
        ended = true;
        cancelDeadline();
        ex.answered();
    }

    private void cancelDeadline() {
        if (cancelDeadline != null) cancelDeadline.run();
        cancelDeadline = null;
    }

    /**
     * The in-band error of a stream that failed after its first chunk. A lost connection is not
     * "no backend available" (one was, and answered): it is reported as 502 {@code upstream_connection_lost}.
     */
    private static GatewayError midStream(Throwable failure) {
        if (failure instanceof UpstreamFailure f) {
            return f.kind() == UpstreamFailure.Kind.NETWORK
                    ? new GatewayError(502, "upstream_error", "upstream_connection_lost", null, f.getMessage())
                    : f.toClientError();
        }
        return failure instanceof GatewayError ge ? ge : GatewayError.internal("The stream failed inside the gateway.");
    }
}
