package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;

/**
 * The {@link ChunkStream} adapters fill: the adapter pushes chunks, the end or a failure; the
 * consumer starts, pauses, resumes or cancels. Chunks that arrive before {@link #start} are queued
 * and the upstream is paused. {@link #ready()} succeeds with the first chunk, or fails if the
 * upstream fails before it.
 *
 * <p>One instance per request, used on one event-loop thread; not thread-safe.
 */
public final class ChunkRelay implements ChunkStream {

    /** Flow control of the upstream side. */
    public interface Upstream {
        void pause();
        void resume();
        void cancel();
    }

    private final Promise<ChunkStream> ready = Promise.promise();
    private final ArrayDeque<String> queued = new ArrayDeque<>();
    private Upstream upstream;
    private Handler handler;
    private boolean ended;
    private Throwable failure;
    private boolean cancelled;
    private boolean paused;
    private Usage usage = Usage.NONE;
    private int delivered;
    private boolean finished;

    public Future<ChunkStream> ready() { return ready.future(); }

    // ---- adapter side --------------------------------------------------------------------

    public void upstream(Upstream upstream) { this.upstream = upstream; }

    public void usage(Usage usage) { this.usage = usage; }

    public boolean cancelled() { return cancelled; }

    public void emit(String chunk) {
        if (cancelled || ended || failure != null) return;
        if (handler != null && queued.isEmpty() && !paused) {
            delivered++;
            handler.onChunk(chunk);
            return;
        }
        queued.add(chunk);
        if (!ready.future().isComplete()) {
            if (upstream != null) upstream.pause();
            ready.complete(this);
        }
    }

    public void end() {
        if (cancelled || ended || failure != null) return;
        if (!ready.future().isComplete()) {
            fail(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, "the upstream stream ended before its first chunk"));
            return;
        }
        ended = true;
        if (handler != null && queued.isEmpty()) finish();
    }

    public void fail(Throwable t) {
        if (cancelled || ended || failure != null) return;
        if (!ready.future().isComplete()) {
            failure = t;
            ready.fail(t);
            return;
        }
        failure = t;
        if (handler != null && queued.isEmpty()) finish();
    }

    // ---- consumer side -------------------------------------------------------------------

    @Override
    public void start(Handler handler) {
        this.handler = handler;
        drain();
        if (!paused && upstream != null && !cancelled) upstream.resume();
    }

    private void drain() {
        while (!queued.isEmpty() && !paused && !cancelled) {
            delivered++;
            handler.onChunk(queued.poll());
        }
        if (queued.isEmpty() && !cancelled) finish();
    }

    private void finish() {
        if (finished || (!ended && failure == null)) return;
        finished = true;
        if (ended) handler.onEnd();
        else handler.onError(failure);
    }

    @Override
    public void pause() {
        paused = true;
        if (upstream != null) upstream.pause();
    }

    @Override
    public void resume() {
        paused = false;
        if (handler != null) drain();
        if (upstream != null && !ended && failure == null && !cancelled) upstream.resume();
    }

    @Override
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        queued.clear();
        if (upstream != null && !ended) upstream.cancel();
    }

    @Override public Usage usage() { return usage; }

    @Override public int chunksDelivered() { return delivered; }
}
