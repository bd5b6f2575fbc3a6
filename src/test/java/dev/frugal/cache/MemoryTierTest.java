package dev.frugal.cache;

import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory tier: expiry on the fake clock, a bound in bytes, purges by team and model. */
@Tag("unit")
class MemoryTierTest {
    final FakeTime time = new FakeTime();

    CachedAnswer entry(int bodyBytes, Duration ttl, String team, String name) {
        long now = time.millis();
        return new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer(new byte[bodyBytes]), Usage.NONE, "m", "p", "u", 10, now,
                now + ttl.toMillis(), team, name);
    }

    @Test
    void anEntryIsServedUntilItsTtlAndNotAMomentLonger() {
        MemoryTier tier = new MemoryTier(1 << 20, time);
        tier.put("k", entry(100, Duration.ofMinutes(10), "t", "m"));
        time.advance(Duration.ofMinutes(10).minusMillis(1));
        assertNotNull(tier.get("k"), "a millisecond before its expiry");
        time.advance(Duration.ofMillis(1));
        assertNull(tier.get("k"), "at its expiry");
        tier.cleanUp();
        assertEquals(0, tier.entries(), "and gone from memory");
    }

    @Test
    void eachEntryKeepsItsOwnTtl() {
        MemoryTier tier = new MemoryTier(1 << 20, time);
        tier.put("short", entry(100, Duration.ofSeconds(30), "t", "m"));
        tier.put("long", entry(100, Duration.ofHours(1), "t", "m"));
        time.advance(Duration.ofMinutes(1));
        assertNull(tier.get("short"));
        assertNotNull(tier.get("long"));
    }

    @Test
    void theTierHoldsNoMoreBytesThanItsBound() {
        long bound = 64 * 1024;
        MemoryTier tier = new MemoryTier(bound, time);
        for (int i = 0; i < 200; i++) tier.put("key-" + i, entry(1_000, Duration.ofHours(1), "t", "m"));
        tier.cleanUp();
        assertTrue(tier.bytes() <= bound, tier.bytes() + " bytes");
        assertTrue(tier.entries() < 200 && tier.entries() > 20, tier.entries() + " entries");
        assertTrue(tier.stats().evictionCount() > 0);
        tier.put("huge", entry((int) bound, Duration.ofHours(1), "t", "m"));
        assertNull(tier.get("huge"), "an entry larger than the whole tier is not kept");
    }

    @Test
    void aPurgeRemovesWhatItNamesAndNothingElse() {
        MemoryTier tier = new MemoryTier(1 << 20, time);
        tier.put("a1", entry(10, Duration.ofHours(1), "a", "m1"));
        tier.put("a2", entry(10, Duration.ofHours(1), "a", "m2"));
        tier.put("b1", entry(10, Duration.ofHours(1), "b", "m1"));
        tier.put("g1", entry(10, Duration.ofHours(1), null, "m1"));
        assertEquals(1, tier.purge("a", "m1"));
        assertNull(tier.get("a1"));
        assertNotNull(tier.get("a2"));
        assertEquals(1, tier.purge("a", null), "a team's purge leaves the global answers");
        assertNotNull(tier.get("g1"));
        assertEquals(2, tier.purge(null, "m1"), "a model's purge: every team's and the global ones");
        assertEquals(0, tier.entries());
    }

    @Test
    void anEntryStoredAlreadyExpiredIsNotKept() {
        MemoryTier tier = new MemoryTier(1 << 20, time);
        CachedAnswer e = entry(10, Duration.ofSeconds(1), "t", "m");
        time.advance(Duration.ofSeconds(2));
        tier.put("k", e);
        assertNull(tier.get("k"));
    }
}
