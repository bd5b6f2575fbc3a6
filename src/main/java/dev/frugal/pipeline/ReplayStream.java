package dev.frugal.pipeline;

import dev.frugal.core.Usage;
import dev.frugal.provider.ChunkStream;

import java.util.List;

/**
 * A stored answer's chunks ({@code cache.Replay}) played to an {@link AnswerStream} as if an
 * upstream sent them: all at once, as fast as the client takes them (a pause stops the loop, a
 * resume goes on where it stopped), then the end, with the original's usage. One per request;
 * event loop only.
 */
final class ReplayStream implements ChunkStream {
    private final List<String> chunks;
    private final Usage usage;
    private Handler handler;
    private int next;
    private boolean paused;
    private boolean over;
    private boolean playing;

    ReplayStream(List<String> chunks, Usage usage) {
        this.chunks = chunks;
        this.usage = usage;
    }

    @Override
    public void start(Handler handler) {
        this.handler = handler;
        play();
    }

    @Override public void pause() { paused = true; }

    @Override
    public void resume() {
        paused = false;
        if (handler != null) play();
    }

    @Override public void cancel() { over = true; }

    @Override public Usage usage() { return usage; }

    @Override public int chunksDelivered() { return next; }

    private void play() {
        if (playing) return; // a resume from inside a chunk's write: the loop below goes on
        playing = true;
        try {
            while (!paused && !over && next < chunks.size()) handler.onChunk(chunks.get(next++));
            if (!paused && !over && next == chunks.size()) {
                over = true;
                handler.onEnd();
            }
        } finally {
            playing = false;
        }
    }
}
