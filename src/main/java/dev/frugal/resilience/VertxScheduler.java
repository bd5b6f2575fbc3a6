package dev.frugal.resilience;

import dev.frugal.core.EventLoopTimers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.Executor;

/**
 * The executor's scheduler in production: Vert.x timers, which fire on the event loop that set
 * them, and the caller's Vert.x context for work handed back from another event loop.
 */
public final class VertxScheduler implements PlanExecutor.Scheduler {
    private final Vertx vertx;

    public VertxScheduler(Vertx vertx) { this.vertx = vertx; }

    @Override
    public void schedule(long delayMillis, Runnable task) {
        if (delayMillis <= 0) task.run();
        else vertx.setTimer(delayMillis, id -> task.run());
    }

    @Override
    public Runnable deadline(long delayMillis, Runnable task) {
        return EventLoopTimers.start(vertx, delayMillis, task);
    }

    @Override
    public Executor caller() {
        Context context = vertx.getOrCreateContext();
        return task -> context.runOnContext(v -> task.run());
    }
}
