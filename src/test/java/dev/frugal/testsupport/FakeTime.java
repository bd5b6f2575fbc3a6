package dev.frugal.testsupport;

import dev.frugal.core.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock for unit tests that moves only when told: wall time starts at a given instant, the
 * ticker at an arbitrary value, and {@link #advance} moves both together. {@link #set} moves the
 * wall clock alone, as a machine's clock may jump (even back, e.g. a replica far behind); the
 * ticker never goes back. Thread-safe.
 */
public final class FakeTime extends TimeSource {
    /** The ticker's first reading: not zero, so code that treats zero as "never" is not fooled. */
    private static final long FIRST_NANOS = 1_000_000_000L;

    private final long startMillis;
    private final AtomicLong elapsedNanos = new AtomicLong();
    private final AtomicLong wallJumpMillis = new AtomicLong();

    public FakeTime(Instant start) { this.startMillis = start.toEpochMilli(); }

    public FakeTime() { this(Instant.parse("2026-01-01T00:00:00Z")); }

    public void advance(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("time only moves forward: " + d);
        elapsedNanos.addAndGet(d.toNanos());
    }

    /** Sets the wall clock to {@code t}; the ticker stays where it is. */
    public void set(Instant t) {
        wallJumpMillis.set(t.toEpochMilli() - startMillis - elapsedNanos.get() / 1_000_000);
    }

    @Override public long nanoTime() { return FIRST_NANOS + elapsedNanos.get(); }

    @Override public long millis() { return startMillis + elapsedNanos.get() / 1_000_000 + wallJumpMillis.get(); }
}
