package dev.frugal.api;

import dev.frugal.core.GatewayError;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.AnswerStream;
import dev.frugal.pipeline.Exchange;
import dev.frugal.wire.Json;
import dev.frugal.wire.Sse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one streamed answer to the client as SSE, event by event as it arrives, with
 * back-pressure both ways, in a {@link Format} (OpenAI's chunks, or Anthropic's events). A client
 * that goes away stops the upstream call; a stream that fails after the first chunk is reported
 * in-band (OpenAI: one {@code data: {"error":…}} event and no {@code [DONE]}). One instance per
 * request; event loop only.
 */
final class StreamWriter implements AnswerStream.Sink {

    /** How the OpenAI chunks of a stream are written to one API surface's clients. One per stream. */
    interface Format {
        /** Appends the events for one chunk (possibly none). */
        void chunk(String json, Buffer out);

        /** Appends the events that end a clean stream. */
        void end(Usage usage, Buffer out);

        /** Appends the in-band report of a failure after the first chunk. */
        void error(GatewayError e, Buffer out);

        /**
         * Completes when the events {@link #end} appended may be written: a format that saves the
         * answer first (the Responses API's stored responses) holds them until it is saved. Never fails.
         */
        default Future<Void> ended() { return Future.succeededFuture(); }
    }

    /** OpenAI's SSE: each chunk as it is, {@code [DONE]} at the end. Stateless. */
    static final Format OPENAI = new Format() {
        @Override public void chunk(String json, Buffer out) { Sse.append(out, json); }

        @Override public void end(Usage usage, Buffer out) { out.appendBuffer(Sse.DONE); }

        @Override public void error(GatewayError e, Buffer out) { Sse.append(out, Json.write(Responses.errorBody(e))); }
    };

    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

    private final HttpServerResponse resp;
    private final AnswerStream stream;
    private final Exchange ex;
    private final Format format;
    private boolean finished;
    /** Chunks emitted during the current event-loop task, written together when it ends. */
    private Buffer pending;

    StreamWriter(HttpServerResponse resp, AnswerStream stream, Exchange ex, Format format) {
        this.resp = resp;
        this.stream = stream;
        this.ex = ex;
        this.format = format;
    }

    void start() {
        resp.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
        HttpEdge.outcomeHeaders(resp, ex);
        resp.closeHandler(v -> {
            if (!finished) {
                finished = true;
                ex.clientLeft(); // stops the upstream; settled as 499
            }
        });
        resp.drainHandler(v -> stream.resume());
        stream.start(this);
    }

    /**
     * One upstream read often carries many events: they are gathered and written once, after the
     * current event-loop task, instead of one socket write each.
     */
    @Override
    public void chunk(String json) {
        if (finished) return;
        if (pending == null) {
            io.vertx.core.Context ctx = Vertx.currentContext();
            if (ctx == null) { // not on an event loop: nothing to gather with
                Buffer b = Buffer.buffer(256);
                format.chunk(json, b);
                if (b.length() > 0) resp.write(b);
                return;
            }
            pending = Buffer.buffer(256);
            ctx.runOnContext(v -> flush());
        }
        format.chunk(json, pending);
    }

    private void flush() {
        if (pending == null || finished) return;
        Buffer b = pending;
        pending = null;
        if (b.length() > 0) resp.write(b);
        if (resp.writeQueueFull()) stream.pause();
    }

    @Override
    public void end(Usage usage) {
        if (finished) return;
        finished = true;
        Buffer last = takePending();
        format.end(usage, last);
        // decided by the write's outcome: a client that closes once it has the last event got its answer
        format.ended().onComplete(ready -> resp.end(last).onComplete(written -> {
            if (written.succeeded()) ex.delivered(200);
            else ex.clientLeft();
        }));
    }

    @Override
    public void error(GatewayError e) {
        if (finished) return;
        finished = true;
        Buffer last = takePending();
        format.error(e, last);
        resp.end(last);
        ex.failed(e);
    }

    private Buffer takePending() {
        Buffer b = pending == null ? Buffer.buffer() : pending;
        pending = null;
        return b;
    }
}
