package dev.frugal.provider;

import io.vertx.core.Vertx;

/**
 * Cuts a streamed response that received no byte for the provider's idle timeout. Needed because
 * Vert.x's request idle timeout only guards the wait for the response head: once a stream has
 * begun, an upstream that stalls mid-way would hold the client forever. One periodic timer per
 * stream, checking every half timeout, so a stall is noticed within 1.5 timeouts; the hot path only
 * stores a timestamp. Used on the stream's event loop; not thread-safe.
 */
public final class IdleWatch {
    private final Vertx vertx;
    private final long idleNanos;
    private final long timer;
    private long lastByte = System.nanoTime();
    private boolean stopped;
    private boolean held;

    private IdleWatch(Vertx vertx, long idleMillis, Runnable onIdle) {
        this.vertx = vertx;
        this.idleNanos = idleMillis * 1_000_000L;
        this.timer = vertx.setPeriodic(Math.max(10, idleMillis / 2), id -> {
            if (stopped || held) return;
            if (System.nanoTime() - lastByte >= idleNanos) {
                stop();
                onIdle.run();
            }
        });
    }

    /** Starts watching; {@code onIdle} runs once, on the event loop, if the stream stalls. */
    public static IdleWatch start(Vertx vertx, long idleMillis, Runnable onIdle) {
        return new IdleWatch(vertx, idleMillis, onIdle);
    }

    /** Bytes arrived. */
    public void touch() { lastByte = System.nanoTime(); }

    /**
     * While the gateway itself holds the upstream paused (a slow client), silence is not a stall;
     * the clock restarts on release.
     */
    public void hold(boolean paused) {
        held = paused;
        if (!paused) touch();
    }

    /** The stream is over (ended, failed or cancelled). Idempotent. */
    public void stop() {
        if (stopped) return;
        stopped = true;
        vertx.cancelTimer(timer);
    }
}
