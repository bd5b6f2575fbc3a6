package dev.frugal.testsupport;

import dev.frugal.core.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock for tests without Quarkus: frozen at its start, moved only by hand. {@link #advance}
 * moves both readings; {@link #set} moves the wall clock alone (a wall clock may jump, the
 * monotonic ticker never goes back). Thread-safe.
 */
public final class ManualTime extends TimeSource {
    private final AtomicLong millis;
    private final AtomicLong nanos = new AtomicLong();

    public ManualTime(Instant start) {
        millis = new AtomicLong(start.toEpochMilli());
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
        nanos.addAndGet(d.toNanos());
    }

    public void set(Instant t) { millis.set(t.toEpochMilli()); }

    @Override public long nanoTime() { return nanos.get(); }

    @Override public long millis() { return millis.get(); }
}
