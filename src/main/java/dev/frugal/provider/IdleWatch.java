package dev.frugal.provider;

import dev.frugal.core.EventLoopTimers;
import io.vertx.core.Vertx;

/**
 * Cuts a streamed response that received no byte for the provider's idle timeout. Needed because
 * Vert.x's request idle timeout only guards the wait for the response head: once a stream has
 * begun, an upstream that stalls mid-way would hold the client forever. One periodic timer per
 * stream, ticking every half timeout: the stream is cut at the second tick in a row that saw no
 * byte, so a stall is noticed between one and 1.5 timeouts after the last byte. It counts ticks
 * rather than reading a clock, so the hot path only sets a flag. Used on the stream's event loop;
 * not thread-safe.
 */
public final class IdleWatch {
    private final Runnable cancelTimer;
    /** Silent ticks in a row that make a stall: enough whole tick periods to cover the timeout. */
    private final int silentTicksToStall;
    private int silentTicks;
    private boolean touched;
    private boolean stopped;
    private boolean held;

    private IdleWatch(Vertx vertx, long idleMillis, Runnable onIdle) {
        long period = Math.max(10, (idleMillis + 1) / 2);
        this.silentTicksToStall = (int) Math.max(1, (idleMillis + period - 1) / period);
        this.cancelTimer = EventLoopTimers.periodic(vertx, period, () -> {
            if (stopped || held) return;
            silentTicks = touched ? 0 : silentTicks + 1;
            touched = false;
            if (silentTicks >= silentTicksToStall) {
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
    public void touch() { touched = true; }

    /**
     * While the gateway itself holds the upstream paused (a slow client), silence is not a stall;
     * the count restarts on release.
     */
    public void hold(boolean paused) {
        held = paused;
        if (!paused) touch();
    }

    /** The stream is over (ended, failed or cancelled). Idempotent. */
    public void stop() {
        if (stopped) return;
        stopped = true;
        cancelTimer.run();
    }
}
