package dev.frugal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.frugal.core.TimeSource;

import java.util.Map;

/**
 * The memory tier: a Caffeine cache bounded by the bytes its entries hold ({@link CachedAnswer#weight}
 * plus the key), least-recently/frequently used entries evicted first (W-TinyLFU), each entry
 * expiring at its own {@link CachedAnswer#expiresMillis}. Time is the injected {@link TimeSource}
 * (Caffeine's ticker too), so a test moves a fake clock past a TTL instead of sleeping. Maintenance
 * runs on the calling thread (no hidden pool), in amortised small steps. Lookups are lock-free and
 * safe on the event loop. Thread-safe.
 */
final class MemoryTier {
    private final Cache<String, CachedAnswer> cache;
    private final TimeSource time;
    private final long maxBytes;

    MemoryTier(long maxBytes, TimeSource time) {
        this.time = time;
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String k, CachedAnswer v) -> (int) Math.min(Integer.MAX_VALUE, v.weight() + 2L * k.length()))
                .expireAfter(new Expiry<String, CachedAnswer>() {
                    @Override public long expireAfterCreate(String k, CachedAnswer v, long now) { return nanosLeft(v); }

                    @Override public long expireAfterUpdate(String k, CachedAnswer v, long now, long left) { return nanosLeft(v); }

                    @Override public long expireAfterRead(String k, CachedAnswer v, long now, long left) { return left; }
                })
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    /** The live entry under {@code key}, or null. */
    CachedAnswer get(String key) {
        CachedAnswer e = cache.getIfPresent(key);
        if (e == null || !e.expired(time.millis())) return e;
        cache.asMap().remove(key, e); // Caffeine expires it by the ticker; the wall clock may say so first
        return null;
    }

    /** Stores {@code e} unless it has expired already or could never fit. */
    void put(String key, CachedAnswer e) {
        if (e.expired(time.millis()) || e.weight() > maxBytes) return;
        cache.put(key, e);
    }

    /** Removes the entries of {@code team} (null: any team, global ones included) for {@code name} (null: any); returns how many. */
    long purge(String team, String name) {
        long n = 0;
        for (Map.Entry<String, CachedAnswer> e : cache.asMap().entrySet()) {
            CachedAnswer a = e.getValue();
            if ((team == null || team.equals(a.team())) && (name == null || name.equals(a.name()))
                    && cache.asMap().remove(e.getKey(), a)) n++;
        }
        return n;
    }

    long entries() {
        return cache.estimatedSize();
    }

    long bytes() {
        return cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    CacheStats stats() {
        return cache.stats();
    }

    /** Runs pending maintenance (expiry, eviction) now: tests. */
    void cleanUp() {
        cache.cleanUp();
    }

    private long nanosLeft(CachedAnswer v) {
        long millis = v.expiresMillis() - time.millis();
        if (millis <= 0) return 0;
        return millis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : millis * 1_000_000;
    }
}
