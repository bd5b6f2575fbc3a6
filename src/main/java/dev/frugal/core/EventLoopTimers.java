package dev.frugal.core;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

import java.util.concurrent.TimeUnit;

/**
 * Timers set and almost always cancelled once per request (the body's deadline, an attempt's deadline, a
 * stream's total deadline and its idle watch). On the event loop they go straight to Netty's scheduler of that loop: a Vert.x
 * timer also enters a global map and its context's close hooks (a lock): Vert.x timer work was 4.3 % of
 * the profile's samples, 2.0 % after (docs/benchmarks.md; no change in CPU per request could be told from
 * this machine's noise). The task still runs on the Vert.x context that set it, as a Vert.x timer's would.
 * Off an event loop (a worker), a Vert.x timer.
 */
public final class EventLoopTimers {
    private EventLoopTimers() {}

    /** Runs {@code task} after {@code delayMillis} (at least 1) unless the returned cancel runs first. */
    public static Runnable start(Vertx vertx, long delayMillis, Runnable task) {
        return schedule(vertx, delayMillis, false, task);
    }

    /** Runs {@code task} every {@code periodMillis} (at least 1), the first time after one period, until the returned cancel runs. */
    public static Runnable periodic(Vertx vertx, long periodMillis, Runnable task) {
        return schedule(vertx, periodMillis, true, task);
    }

    private static Runnable schedule(Vertx vertx, long millis, boolean repeat, Runnable task) {
        long ms = Math.max(1, millis);
        ContextInternal context = ContextInternal.current();
        if (context != null && context.isEventLoopContext() && context.inThread()) {
            Runnable onContext = () -> context.emit(v -> task.run());
            EventLoop loop = context.nettyEventLoop();
            ScheduledFuture<?> f = repeat ? loop.scheduleAtFixedRate(onContext, ms, ms, TimeUnit.MILLISECONDS)
                    : loop.schedule(onContext, ms, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        }
        long id = repeat ? vertx.setPeriodic(ms, t -> task.run()) : vertx.setTimer(ms, t -> task.run());
        return () -> vertx.cancelTimer(id);
    }
}
