package dev.frugal.api;

import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import dev.frugal.pipeline.Exchange;
import dev.frugal.pipeline.Gateway;
import dev.frugal.provider.ChunkStream;
import dev.frugal.wire.Json;
import dev.frugal.wire.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Relays one upstream stream to the client as SSE, event by event as it arrives, with
 * back-pressure both ways, in a {@link Format} (OpenAI's chunks, or Anthropic's events). A client
 * that goes away cancels the upstream call; an upstream that fails after the first chunk is
 * reported in-band (OpenAI: one {@code data: {"error":…}} event and no {@code [DONE]}). One
 * instance per request; event loop only.
 */
final class StreamWriter implements ChunkStream.Handler {

    /** How the OpenAI chunks of a stream are written to one API surface's clients. One per stream. */
    interface Format {
        /** Appends the events for one chunk (possibly none). */
        void chunk(String json, Buffer out);

        /** Appends the events that end a clean stream. */
        void end(Usage usage, Buffer out);

        /** Appends the in-band report of a failure after the first chunk. */
        void error(GatewayError e, Buffer out);
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
    private final ChunkStream stream;
    private final Gateway gateway;
    private final Exchange ex;
    private final Format format;
    private boolean finished;
    /** Chunks emitted during the current event-loop task, written together when it ends. */
    private Buffer pending;
    private Vertx vertx;
    private long deadlineTimer = -1;

    StreamWriter(HttpServerResponse resp, ChunkStream stream, Gateway gateway, Exchange ex, Format format) {
        this.resp = resp;
        this.stream = stream;
        this.gateway = gateway;
        this.ex = ex;
        this.format = format;
    }

    void start() {
        resp.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
                .putHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
        HttpEdge.outcomeHeaders(resp, ex, ex.attempts());
        resp.closeHandler(v -> {
            if (!finished) {
                finished = true;
                cancelDeadline();
                stream.cancel();
                gateway.finish(ex, 499, stream.usage()); // client closed the request
            }
        });
        resp.drainHandler(v -> stream.resume());
        vertx = Vertx.currentContext() == null ? null : Vertx.currentContext().owner();
        if (vertx != null) {
            deadlineTimer = vertx.setTimer(gateway.millisLeft(ex), id -> {
                deadlineTimer = -1;
                if (finished) return;
                stream.cancel();
                onError(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "The response exceeded its total deadline."));
            });
        }
        stream.start(this);
    }

    /**
     * One upstream read often carries many events: they are gathered and written once, after the
     * current event-loop task, instead of one socket write each.
     */
    @Override
    public void onChunk(String json) {
        if (finished) return;
        gateway.chunk(ex, json);
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
    public void onEnd() {
        if (finished) return;
        finished = true;
        cancelDeadline();
        Buffer last = takePending();
        format.end(stream.usage(), last);
        gateway.answering(ex);
        resp.end(last);
        gateway.finish(ex, 200, stream.usage());
    }

    /**
     * The in-band error of an upstream that failed after its first chunk. A lost connection is not
     * "no backend available" (one was, and answered): it is reported as 502 {@code upstream_connection_lost}.
     */
    private static GatewayError midStream(UpstreamFailure f) {
        if (f.kind() == UpstreamFailure.Kind.NETWORK) {
            return new GatewayError(502, "upstream_error", "upstream_connection_lost", null, f.getMessage());
        }
        return f.toClientError();
    }

    private void cancelDeadline() {
        if (deadlineTimer >= 0 && vertx != null) vertx.cancelTimer(deadlineTimer);
        deadlineTimer = -1;
    }

    private Buffer takePending() {
        Buffer b = pending == null ? Buffer.buffer() : pending;
        pending = null;
        return b;
    }

    @Override
    public void onError(Throwable failure) {
        if (finished) return;
        finished = true;
        cancelDeadline();
        GatewayError e = failure instanceof UpstreamFailure uf ? midStream(uf)
                : failure instanceof GatewayError ge ? ge : GatewayError.internal("The stream failed inside the gateway.");
        Buffer last = takePending();
        format.error(e, last);
        gateway.answering(ex);
        resp.end(last);
        gateway.finish(ex, e.status(), stream.usage(), e.code());
    }
}
