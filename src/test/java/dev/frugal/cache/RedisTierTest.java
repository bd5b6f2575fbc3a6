package dev.frugal.cache;

import dev.frugal.config.CachePolicy.Scope;
import dev.frugal.core.Ids;
import dev.frugal.core.RequestView;
import dev.frugal.core.Usage;
import dev.frugal.telemetry.CacheMetrics;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.testsupport.PausableProxy;
import dev.frugal.testsupport.RedisScratch;
import dev.frugal.testsupport.RequiresRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster tier on the real Redis, with two replicas ({@link ExactCache}s with their own memory
 * tiers and clocks) sharing it: an answer stored by one is served by the other, never to another
 * team; entries are compressed and expire in Redis; a purge reaches the other replica's memory
 * through the purge log; a Redis that stalls (a {@link PausableProxy} in front of it) costs a lookup
 * at most its bounded wait, then nothing while it is left alone, and is used again once it is back.
 * Each test has its own key prefix and deletes its keys afterwards.
 */
@RequiresRedis
class RedisTierTest {
    static final String H1 = "1111111111111111111111111111111111111111111111111111111111111111";
    static final String H2 = "2222222222222222222222222222222222222222222222222222222222222222";
    static final Duration TIMEOUT = Duration.ofMillis(300);
    static final Duration BACKOFF = Duration.ofSeconds(5);
    static RedisScratch redis;
    static Vertx vertx;
    static Redis admin;

    final String prefix = "frugal-test-" + Ids.random("", 10) + ":";
    final FakeTime time = new FakeTime();
    final List<ExactCache> made = new ArrayList<>();

    @BeforeAll
    static void connect() {
        redis = new RedisScratch();
        vertx = redis.vertx;
        admin = redis.admin;
    }

    @AfterAll
    static void disconnect() throws Exception {
        redis.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        made.forEach(ExactCache::close);
        redis.deleteKeys(prefix);
    }

    ExactCache replica(String url) {
        ExactCache c = new ExactCache(vertx, time, new CacheMetrics(new SimpleMeterRegistry()),
                new ExactCache.Settings(1 << 20, 1 << 20, url, prefix, TIMEOUT, BACKOFF, Duration.ofHours(1)), () -> true);
        made.add(c);
        return c;
    }

    ExactCache replica() {
        return replica(RequiresRedis.URL);
    }

    CachedAnswer answer(String team, String text) {
        long now = time.millis();
        return new CachedAnswer(RequestView.Kind.CHAT, Buffer.buffer("{\"choices\":[{\"message\":{\"content\":\"" + text + "\"}}]}"),
                new Usage(10, 20, 0, 0), "chat", "openai", "gpt-4o-mini", 5_000, now, now + Duration.ofMinutes(10).toMillis(), team, "chat");
    }

    // ---- two replicas ----------------------------------------------------------------------------

    @Test
    void anAnswerStoredByOneReplicaIsServedByTheOtherFromRedis() throws Exception {
        ExactCache a = replica(), b = replica();
        String key = CacheKeys.key(Scope.TEAM, "research", "k1", "chat", H1);
        a.store(key, answer("research", "hello"));
        ExactCache.Found found = awaitFound(b, key, "research");
        assertEquals(ExactCache.REDIS, found.tier());
        assertEquals(answer("research", "hello").body().toString(), found.entry().body().toString());
        assertEquals(new Usage(10, 20, 0, 0), found.entry().usage());
        assertEquals("gpt-4o-mini", found.entry().upstreamModel());
        assertEquals(ExactCache.MEMORY, await(b.lookup(key, "research")).tier(), "then from b's own memory");
    }

    @Test
    void theSameRequestFromTwoTeamsNeverCrossesThroughRedis() throws Exception {
        ExactCache a = replica(), b = replica();
        String research = CacheKeys.key(Scope.TEAM, "research", "k1", "chat", H1);
        String legal = CacheKeys.key(Scope.TEAM, "legal", "k2", "chat", H1);
        a.store(research, answer("research", "for research"));
        awaitFound(b, research, "research");
        assertNull(await(b.lookup(legal, "legal")), "the same request hash, another team: another key");
        b.store(legal, answer("legal", "for legal"));
        assertEquals("{\"choices\":[{\"message\":{\"content\":\"for legal\"}}]}", awaitFound(a, legal, "legal").entry().body().toString());
        assertEquals("{\"choices\":[{\"message\":{\"content\":\"for research\"}}]}", await(a.lookup(research, "research")).entry().body().toString());
    }

    @Test
    void anEntryWhoseTeamIsNotTheKeysIsNeverServed() throws Exception {
        ExactCache a = replica(), b = replica();
        String key = CacheKeys.key(Scope.TEAM, "research", "k1", "chat", H1);
        await(admin.send(Request.cmd(Command.SET).arg(prefix + "cache:" + key).arg(Buffer.buffer(EntryCodec.encode(answer("legal", "x"))))));
        assertNull(await(b.lookup(key, "research")), "a value under research's key that says legal");
        assertNull(await(a.lookup(key, "research")));
    }

    @Test
    void entriesAreCompressedAndExpireInRedis() throws Exception {
        ExactCache a = replica();
        String key = CacheKeys.key(Scope.TEAM, "t", "k", "chat", H2);
        String text = "A long answer that repeats itself. ".repeat(100);
        a.store(key, answer("t", text));
        Response raw = awaitRaw(prefix + "cache:" + key);
        byte[] value = raw.toBytes();
        assertEquals(EntryCodec.VERSION, value[0]);
        assertEquals(EntryCodec.DEFLATE, value[1]);
        assertTrue(value.length < text.length() / 4, value.length + " bytes for " + text.length() + " of text");
        long pttl = await(admin.send(Request.cmd(Command.PTTL).arg(prefix + "cache:" + key))).toLong();
        assertTrue(pttl > Duration.ofMinutes(9).toMillis() && pttl <= Duration.ofMinutes(10).toMillis(), "TTL in Redis: " + pttl);
    }

    @Test
    void aPurgeClearsRedisAndTheOtherReplicasMemoryOnceItPollsThePurgeLog() throws Exception {
        ExactCache a = replica(), b = replica();
        await(b.pollPurges()); // b has read the log's position before the purge
        String research = CacheKeys.key(Scope.TEAM, "research", "k", "chat", H1);
        String legal = CacheKeys.key(Scope.TEAM, "legal", "k", "chat", H1);
        a.store(research, answer("research", "r"));
        a.store(legal, answer("legal", "l"));
        awaitFound(b, research, "research");
        awaitFound(b, legal, "legal"); // both now in b's memory too
        ExactCache.Purged purged = await(a.purge("research", null));
        assertEquals(1, purged.memoryEntries());
        assertEquals(1, purged.redisEntries());
        assertFalse(purged.redisFailed());
        assertEquals(ExactCache.MEMORY, await(b.lookup(research, "research")).tier(), "b has not polled yet");
        await(b.pollPurges());
        assertNull(await(b.lookup(research, "research")), "b applied the purge to its memory");
        assertNotNull(await(b.lookup(legal, "legal")), "and kept the other team's answer");
        assertEquals(1, keys().stream().filter(k -> k.startsWith(prefix + "cache:")).count(), "legal's entry is left in Redis");
    }

    // ---- Redis down and back ------------------------------------------------------------------------

    @Test
    void aStalledRedisCostsALookupItsBoundedWaitThenNothingAndIsUsedAgainOnceBack() throws Exception {
        try (PausableProxy proxy = new PausableProxy("127.0.0.1", 6379)) {
            String url = "redis://127.0.0.1:" + proxy.port();
            ExactCache a = replica(url), b = replica(url);
            String before = CacheKeys.key(Scope.TEAM, "t", "k", "chat", H1);
            String during = CacheKeys.key(Scope.TEAM, "t", "k", "chat", H2);
            a.store(before, answer("t", "stored before the stall"));
            awaitFound(b, before, "t");
            await(b.purge(null, null)); // b's memory and Redis are empty again...
            a.store(before, answer("t", "stored before the stall")); // ...but for this entry, in Redis only
            awaitRaw(prefix + "cache:" + before);

            proxy.pause();
            Future<ExactCache.Found> stalled = b.lookup(before, "t");
            assertNull(stalled.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS),
                    "a miss while Redis is still stalled: the lookup did not wait for it");
            assertTrue(proxy.paused());
            Future<ExactCache.Found> skipped = b.lookup(before, "t");
            assertTrue(skipped.isComplete() && skipped.result() == null, "while Redis is left alone, a lookup does not touch it");
            a.store(during, answer("t", "stored during the stall"));
            assertEquals(ExactCache.MEMORY, await(a.lookup(during, "t")).tier(), "a store never fails: the memory tier has it");

            proxy.resume();
            time.advance(BACKOFF);
            assertEquals(ExactCache.REDIS, awaitFound(b, before, "t").tier(), "Redis is used again once it is back");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** Looks {@code key} up until it is found (a store reaches Redis a moment after it returns), 10 s at most. */
    static ExactCache.Found awaitFound(ExactCache c, String key, String team) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ExactCache.Found f = await(c.lookup(key, team));
            if (f != null) return f;
            if (System.nanoTime() > until) throw new AssertionError("never found " + key);
            Thread.sleep(20);
        }
    }

    static Response awaitRaw(String redisKey) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Response r = await(admin.send(Request.cmd(Command.GET).arg(redisKey)));
            if (r != null) return r;
            if (System.nanoTime() > until) throw new AssertionError("never stored " + redisKey);
            Thread.sleep(20);
        }
    }

    List<String> keys() throws Exception {
        return redis.keys(prefix);
    }

    static <T> T await(Future<T> f) throws Exception {
        return RedisScratch.await(f);
    }
}
