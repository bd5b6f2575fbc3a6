package dev.frugal.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock of the gateway: wall time ({@link #millis()}, {@link #instant()}, as a
 * {@link Clock} in UTC) and a monotonic ticker ({@link #nanoTime()}) for durations and deadlines.
 * Nothing else reads {@code System.nanoTime()} or {@code System.currentTimeMillis()} (an
 * architecture test keeps it so): it is injected, so tests move time by hand instead of sleeping.
 * Thread-safe.
 */
public abstract class TimeSource extends Clock {

    /** The machine's clocks. */
    public static final TimeSource SYSTEM = new TimeSource() {
        @Override public long nanoTime() { return System.nanoTime(); }

        @Override public long millis() { return System.currentTimeMillis(); }
    };

    /** A monotonic reading in nanoseconds, only meaningful as a difference between two readings. */
    public abstract long nanoTime();

    /** Wall time: epoch milliseconds. */
    @Override public abstract long millis();

    @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the gateway's time is UTC");
    }
}
