package dev.frugal.resilience;

import dev.frugal.testsupport.FakeTime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The circuit opens on consecutive failures or on a failure ratio over a window, probes after the cooldown. */
@Tag("unit")
class CircuitBreakerTest {
    final FakeTime now = new FakeTime();
    final CircuitBreaker breaker = new CircuitBreaker(now);
    static final long COOLDOWN = 1_000;

    @Test
    void consecutiveFailuresOpenIt() {
        for (int i = 0; i < 3; i++) breaker.onFailure(3, 0.9, 10);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(3, COOLDOWN));
    }

    @Test
    void aFailureRatioOverTheWindowOpensItEvenWithoutARun() {
        // alternate failure, success: never 2 in a row, but half of the last 10 calls failed
        for (int i = 0; i < 5; i++) {
            breaker.onFailure(5, 0.5, 10);
            assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "the window is not full yet");
            breaker.onSuccess(10);
        }
        breaker.onFailure(5, 0.5, 10); // the window now holds 5 failures in 10 (the oldest success fell out)
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    }

    @Test
    void aRatioBelowTheThresholdKeepsItClosed() {
        for (int i = 0; i < 40; i++) {
            if (i % 4 == 0) breaker.onFailure(5, 0.5, 10);
            else breaker.onSuccess(10);
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    }

    @Test
    void afterTheCooldownOneProbePassesAndItsSuccessCloses() {
        for (int i = 0; i < 3; i++) breaker.onFailure(3, 0.9, 10);
        now.advance(Duration.ofNanos(COOLDOWN));
        assertTrue(breaker.tryAcquire(3, COOLDOWN), "the probe");
        assertFalse(breaker.tryAcquire(3, COOLDOWN), "only one probe at a time");
        breaker.onSuccess(10);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
        breaker.onFailure(3, 0.5, 10);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "the record was cleared on recovery");
    }

    @Test
    void aFailedProbeOpensItAgain() {
        for (int i = 0; i < 3; i++) breaker.onFailure(3, 0.9, 10);
        now.advance(Duration.ofNanos(COOLDOWN));
        assertTrue(breaker.tryAcquire(3, COOLDOWN));
        breaker.onFailure(3, 0.9, 10);
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertFalse(breaker.tryAcquire(3, COOLDOWN));
    }
}
