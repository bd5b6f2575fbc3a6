package dev.frugal.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed admin authentications per address, on a fake clock: window, growing lockouts, forgiveness, bounded memory. */
@Tag("unit")
class AdminThrottleTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AdminThrottle throttle = new AdminThrottle(10, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1), 100, now::get);

    void advance(Duration d) { now.addAndGet(d.toNanos()); }

    Duration failTimes(String address, int n) {
        Duration lockout = Duration.ZERO;
        for (int i = 0; i < n; i++) lockout = throttle.failed(address).lockout();
        return lockout;
    }

    @Test
    void tenFailuresWithinAMinuteLockTheAddressOutForAGrowingWindow() {
        assertEquals(Duration.ZERO, failTimes("10.0.0.1", 9));
        assertEquals(Duration.ZERO, throttle.lockedFor("10.0.0.1"));
        AdminThrottle.Failure tenth = throttle.failed("10.0.0.1");
        assertEquals(10, tenth.count());
        assertEquals(Duration.ofMinutes(1), tenth.lockout());
        assertEquals(Duration.ofMinutes(1), throttle.lockedFor("10.0.0.1"));
        assertEquals(Duration.ZERO, throttle.lockedFor("10.0.0.2"), "another address is not locked out");

        advance(Duration.ofSeconds(61));
        assertEquals(Duration.ZERO, throttle.lockedFor("10.0.0.1"), "after the lockout the address may try again");
        assertEquals(Duration.ofMinutes(2), failTimes("10.0.0.1", 10), "the second lockout lasts twice as long");
        advance(Duration.ofMinutes(3));
        assertEquals(Duration.ofMinutes(4), failTimes("10.0.0.1", 10));
    }

    @Test
    void lockoutsStopGrowingAtTheMaximumAndAreForgivenAfterAQuietPeriod() {
        Duration last = Duration.ZERO;
        for (int i = 0; i < 10; i++) {
            last = failTimes("10.0.0.1", 10);
            advance(last.plusSeconds(1));
        }
        assertEquals(Duration.ofHours(1), last, "capped at max-lockout");
        assertEquals(Duration.ofHours(1), failTimes("10.0.0.1", 10), "a failure right after the lockout: no forgiveness");
        advance(Duration.ofHours(2).plusSeconds(1));
        assertEquals(Duration.ofMinutes(1), failTimes("10.0.0.1", 10), "an hour quiet after the lockout: back to the first lockout");
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowDoNotLockOut() {
        for (int i = 0; i < 30; i++) {
            assertEquals(Duration.ZERO, failTimes("10.0.0.1", 5));
            advance(Duration.ofSeconds(61));
        }
    }

    @Test
    void aSuccessForgetsItsOwnAddressOnly() {
        failTimes("10.0.0.1", 9);
        failTimes("10.0.0.2", 9);
        throttle.succeeded("10.0.0.2");
        assertEquals(Duration.ZERO, failTimes("10.0.0.2", 9), "10.0.0.2 starts again");
        assertEquals(Duration.ofMinutes(1), failTimes("10.0.0.1", 1), "10.0.0.1 still has its 9 failures");
    }

    @Test
    void memoryIsBoundedAndIpv6CountsPerSlash64() {
        for (int i = 0; i < 5000; i++) throttle.failed("10.1." + (i / 256) + "." + (i % 256));
        assertEquals(100, throttle.size());
        failTimes("2001:db8:1:2::1", 5);
        assertEquals(Duration.ofMinutes(1), failTimes("2001:db8:1:2:ffff:aaaa:bbbb:cccc", 5), "the same /64 shares one counter");
        assertEquals(Duration.ZERO, failTimes("2001:db8:1:3::1", 5));
        assertEquals("2001:db8:1:2::/64", AdminThrottle.clientKey("2001:0db8:0001:0002:0000:0000:0000:0001"));
        assertEquals("127.0.0.1", AdminThrottle.clientKey("127.0.0.1"));
        assertTrue(throttle.lockedFor("2001:db8:1:2::42").compareTo(Duration.ofSeconds(59)) > 0);
    }
}
