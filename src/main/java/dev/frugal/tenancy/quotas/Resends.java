package dev.frugal.tenancy.quotas;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Sends a store command again until the store answers it, for commands whose effect happens once
 * however often they arrive (withdrawing an admission, a settlement's later attempts: see
 * quota-finish.lua). A stall swallows answers, not only commands: the attempt that timed out may
 * well have run, and the next one finds that out.
 * <p>
 * The waits between attempts double from {@code firstDelay} up to {@code maxDelay}. It gives up when
 * they add up to {@code horizon} (past it the store's leases end whatever the command was to end),
 * when the store is closed, or at once when {@code maxPending} commands are already waiting for
 * another attempt, so that a long outage does not pile up work for the moment Redis comes back.
 * This is not a second retry loop of upstream calls (those are resilience's alone): it repeats
 * bookkeeping in the quota store. Vert.x timers, never blocks. Thread-safe.
 */
final class Resends {
    private final Vertx vertx;
    private final long firstDelay, maxDelay, horizon;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    Resends(Vertx vertx, long firstDelayMillis, long maxDelayMillis, long horizonMillis, int maxPending) {
        this.vertx = vertx;
        this.firstDelay = Math.max(1, firstDelayMillis);
        this.maxDelay = Math.max(firstDelay, maxDelayMillis);
        this.horizon = horizonMillis;
        this.maxPending = maxPending;
    }

    /**
     * Runs {@code attempt(0)} now and, while it fails, {@code attempt(1)}, {@code attempt(2)}…
     * later. The future has the first answer, or the last failure once it gave up.
     */
    <T> Future<T> send(IntFunction<Future<T>> attempt) {
        return attempt.apply(0).recover(e -> {
            if (closed.get() || pending.incrementAndGet() > maxPending) {
                pending.decrementAndGet();
                return Future.failedFuture(e);
            }
            Promise<T> result = Promise.promise();
            later(attempt, 1, firstDelay, firstDelay, result);
            return result.future().onComplete(ar -> pending.decrementAndGet());
        });
    }

    /** Commands that failed once and are waiting for, or in, another attempt. */
    int pending() {
        return pending.get();
    }

    /** Gives up every command at its next failure, and sends no more. */
    void close() {
        closed.set(true);
    }

    private <T> void later(IntFunction<Future<T>> attempt, int n, long delay, long waited, Promise<T> result) {
        vertx.setTimer(delay, t -> {
            Future<T> f = closed.get() ? Future.failedFuture("the quota store is closed") : attempt.apply(n);
            f.onSuccess(result::tryComplete).onFailure(e -> {
                long next = Math.min(maxDelay, delay * 2);
                if (closed.get() || waited + next > horizon) result.tryFail(e);
                else later(attempt, n + 1, next, waited + next, result);
            });
        });
    }
}
