package dev.frugal.testsupport;

import dev.frugal.core.TimeSource;
import io.quarkus.test.Mock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's clock in every {@code @QuarkusTest}: real time plus an offset that a test moves
 * forward with {@link #advance} instead of sleeping (a cooldown, a breaker's open period, a
 * lease). Both the ticker and the wall clock move together. Thread-safe.
 */
@Mock
public class TestTime extends TimeSource {
    private static final AtomicLong OFFSET_NANOS = new AtomicLong();

    /** Moves the gateway's time forward (for every test of this JVM: only forward, so order does not matter). */
    public static void advance(Duration d) {
        OFFSET_NANOS.addAndGet(d.toNanos());
    }

    @Override public long nanoTime() { return System.nanoTime() + OFFSET_NANOS.get(); }

    @Override public long millis() { return System.currentTimeMillis() + OFFSET_NANOS.get() / 1_000_000; }
}
