package dev.frugal.resilience;

import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.provider.Probeable;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe schedule and the up/down logic, with a hand-moved clock and probes answered by hand. */
@Tag("unit")
class HealthProbesTest {
    /** 40 ms before 20:00, so that the first probe of {@link #twoFailuresInARowMarkDownAndOneSuccessMarksUp} ends at 20:00. */
    final FakeTime now = new FakeTime(Instant.parse("2026-11-28T19:59:59.960Z"));
    final HealthProbes probes = new HealthProbes(now);
    final Deque<Promise<Void>> pending = new ArrayDeque<>();
    final Probeable probeable = () -> {
        Promise<Void> p = Promise.promise();
        pending.add(p);
        return p.future();
    };
    static final ProviderConfig BOX = ProviderConfig.http("box", ProviderKind.OPENAI, URI.create("http://h/v1"), null);
    static final Duration EVERY = Duration.ofSeconds(30);

    void tick(Duration interval) { probes.tick(List.of(BOX), p -> interval, p -> probeable); }

    void advance(Duration d) { now.advance(d); }

    @Test
    void probesAtOnceThenEveryIntervalNeverTwiceAtATime() {
        tick(EVERY);
        assertEquals(1, pending.size(), "the first tick probes");
        advance(Duration.ofSeconds(31));
        tick(EVERY);
        assertEquals(1, pending.size(), "not while one is in flight");
        pending.poll().complete();
        tick(EVERY);
        assertEquals(1, pending.size(), "the interval passed while the slow probe ran: due again");
        pending.poll().complete();
        advance(Duration.ofSeconds(10));
        tick(EVERY);
        assertTrue(pending.isEmpty(), "not before the interval");
        advance(Duration.ofSeconds(20));
        tick(EVERY);
        assertEquals(1, pending.size());
    }

    @Test
    void twoFailuresInARowMarkDownAndOneSuccessMarksUp() {
        assertEquals(HealthProbes.Status.UNKNOWN, probes.health("box").status());
        tick(EVERY);
        advance(Duration.ofMillis(40));
        pending.poll().complete();
        HealthProbes.Health up = probes.health("box");
        assertEquals(HealthProbes.Status.UP, up.status());
        assertEquals(40, up.latencyMs());
        assertEquals(Instant.parse("2026-11-28T20:00:00Z"), up.checkedAt());

        advance(EVERY);
        tick(EVERY);
        pending.poll().fail(new IllegalStateException("HTTP 503"));
        assertEquals(HealthProbes.Status.UP, probes.health("box").status(), "one failure is not enough");
        assertFalse(probes.down("box"));

        advance(EVERY);
        tick(EVERY);
        pending.poll().fail(new IllegalStateException("network (ConnectException)"));
        HealthProbes.Health down = probes.health("box");
        assertEquals(HealthProbes.Status.DOWN, down.status());
        assertEquals(2, down.consecutiveFailures());
        assertEquals("network (ConnectException)", down.lastError());
        assertTrue(probes.down("box"));

        advance(EVERY);
        tick(EVERY);
        pending.poll().complete();
        assertFalse(probes.down("box"));
        assertEquals(0, probes.health("box").consecutiveFailures());
        assertNull(probes.health("box").lastError());
    }

    @Test
    void anIntervalOfZeroOrAnUnprobeableOrRemovedProviderForgetsItsHealth() {
        tick(EVERY);
        pending.poll().fail(new IllegalStateException("HTTP 500"));
        advance(EVERY);
        tick(EVERY);
        pending.poll().fail(new IllegalStateException("HTTP 500"));
        assertTrue(probes.down("box"));

        tick(Duration.ZERO);
        assertTrue(pending.isEmpty(), "probes off: no probe");
        assertFalse(probes.down("box"), "and no stale verdict keeps the deployments out");

        probes.tick(List.of(BOX), p -> EVERY, p -> null);
        assertTrue(pending.isEmpty(), "an adapter without a free endpoint is not probed");
        probes.tick(List.of(), p -> EVERY, p -> probeable);
        assertEquals(HealthProbes.Status.UNKNOWN, probes.health("box").status());
    }
}
