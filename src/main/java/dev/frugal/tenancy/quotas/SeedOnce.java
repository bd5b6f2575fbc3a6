package dev.frugal.tenancy.quotas;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs each budget counter's seeding once per process: concurrent first requests share the same
 * future, so the spend source is asked once and no admission passes before the seed is known. A
 * failed seed is forgotten (the next request tries again). Entries of ended periods are dropped
 * at most once a minute. Thread-safe.
 */
final class SeedOnce {
    private record Entry(Future<Void> seeded, long periodEnd) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong nextPrune = new AtomicLong();

    /** The seeding of {@code counter} (until {@code periodEnd}, epoch millis): started now or earlier. */
    Future<Void> once(String counter, long periodEnd, long now, Supplier<Future<Void>> seeding) {
        Entry e = entries.get(counter);
        if (e != null) return e.seeded;
        prune(now);
        Promise<Void> promise = Promise.promise();
        Entry mine = new Entry(promise.future(), periodEnd);
        Entry won = entries.putIfAbsent(counter, mine);
        if (won != null) return won.seeded; // another request is seeding it: wait for the same result
        mine.seeded.onFailure(x -> entries.remove(counter, mine));
        try {
            seeding.get().onComplete(promise);
        } catch (RuntimeException x) {
            promise.tryFail(x);
        }
        return mine.seeded;
    }

    /** Seeds {@code counter} again on its next use (its counter vanished from the store). */
    void forget(String counter) {
        entries.remove(counter);
    }

    private void prune(long now) {
        long due = nextPrune.get();
        if (now < due || !nextPrune.compareAndSet(due, now + 60_000)) return;
        entries.values().removeIf(e -> e.periodEnd <= now);
    }
}
