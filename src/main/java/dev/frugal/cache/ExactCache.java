package dev.frugal.cache;

import dev.frugal.config.ConfigHolder;
import dev.frugal.core.TimeSource;
import dev.frugal.telemetry.CacheMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The exact cache: answers by key ({@link CacheKeys}) in a memory tier ({@link MemoryTier}) and,
 * when {@code frugal.redis.url} is set, a Redis tier shared by every replica ({@link RedisTier},
 * entries compressed by {@link EntryCodec}, their TTL in Redis).
 *
 * <p>A lookup reads the memory tier (on the event loop, no I/O); on a miss it asks Redis and waits
 * at most {@code frugal.cache.redis.timeout}, then answers a miss. A Redis that failed or timed
 * out is left alone for {@code frugal.cache.redis.backoff}, so that a Redis that is down costs
 * requests nothing, and tried again after. Redis never fails a lookup or a store. A store writes
 * the memory tier at once and Redis in the background (compressed on a worker thread). A purge
 * clears both tiers here and is logged in Redis; every replica polls that log every
 * {@code frugal.cache.redis.purge-poll} and clears its own memory tier to match.
 *
 * <p>Futures complete on the caller's Vert.x context. Thread-safe.
 */
@Startup
@Singleton
public class ExactCache {
    private static final Logger LOG = Logger.getLogger(ExactCache.class);
    public static final String MEMORY = "memory";
    public static final String REDIS = "redis";
    /** A purge scans every key of the tier: its commands may take longer than a lookup's. */
    private static final long ADMIN_TIMEOUT_MILLIS = 10_000;
    /** Encoded entries above this size are decoded on a worker thread. */
    private static final int DECODE_ON_LOOP_BYTES = 32 * 1024;

    /** The settings of {@code application.properties} (docs/cache.md). */
    public record Settings(long memoryBytes, int maxEntryBytes, String redisUrl, String redisPrefix, Duration redisTimeout,
                           Duration redisBackoff, Duration purgePoll) {}

    /** A stored answer, and the tier it came from ({@link #MEMORY} or {@link #REDIS}). */
    public record Found(CachedAnswer entry, String tier) {}

    /**
     * What a purge removed.
     *
     * @param redisEntries entries removed from Redis; -1 without a Redis tier, or when it failed
     * @param redisFailed  Redis could not be reached: only this replica's memory tier was purged
     */
    public record Purged(long memoryEntries, long redisEntries, boolean redisFailed) {}

    private static final Future<Found> MISS = Future.succeededFuture();

    private Vertx vertx;
    private TimeSource time;
    private CacheMetrics metrics;
    private Settings settings;
    private MemoryTier memory;
    private RedisTier redis;
    private long timeoutMillis;
    private volatile long redisSkipUntilNanos;
    private volatile boolean redisSkipping;
    private final AtomicLong nextFailureLog = new AtomicLong();
    /** The semantic cache of this replica, purged with the memory tier when other replicas purge (null in unit tests). */
    @Inject SemanticCache semantic;
    private long pollTimer = -1;
    private final AtomicBoolean polling = new AtomicBoolean();
    /** The last purge of the log this replica applied; -1 until the first poll. Written by one poll at a time. */
    private volatile long appliedSeq = -1;

    /** For the CDI proxy. */
    ExactCache() {}

    @Inject
    ExactCache(Vertx vertx, TimeSource time, CacheMetrics metrics, ConfigHolder configs,
               @ConfigProperty(name = "frugal.cache.memory.max-size", defaultValue = "64M") MemorySize memoryBytes,
               @ConfigProperty(name = "frugal.cache.max-entry-size", defaultValue = "1M") MemorySize maxEntryBytes,
               @ConfigProperty(name = "frugal.redis.url") Optional<String> redisUrl,
               @ConfigProperty(name = "frugal.redis.prefix", defaultValue = "frugal:") String prefix,
               @ConfigProperty(name = "frugal.cache.redis.enabled", defaultValue = "true") boolean redisEnabled,
               @ConfigProperty(name = "frugal.cache.redis.timeout", defaultValue = "50ms") Duration redisTimeout,
               @ConfigProperty(name = "frugal.cache.redis.backoff", defaultValue = "1s") Duration redisBackoff,
               @ConfigProperty(name = "frugal.cache.redis.purge-poll", defaultValue = "1s") Duration purgePoll) {
        this(vertx, time, metrics, new Settings(memoryBytes.asLongValue(), (int) Math.min(Integer.MAX_VALUE, maxEntryBytes.asLongValue()),
                redisEnabled ? redisUrl.filter(u -> !u.isBlank()).orElse(null) : null, prefix, redisTimeout, redisBackoff, purgePoll),
                () -> configs.loaded() && configs.get().cache().anyEnabled());
        LOG.infof("Response cache: memory tier of %d MiB%s", memoryBytes.asLongValue() >> 20, settings.redisUrl() == null ? ""
                : ", Redis tier shared by every replica (key prefix '" + prefix + "cache:', wait at most " + timeoutMillis + " ms)");
    }

    /**
     * @param active whether any request may be cached now (the purge log is polled only then)
     */
    public ExactCache(Vertx vertx, TimeSource time, CacheMetrics metrics, Settings settings, BooleanSupplier active) {
        this.vertx = vertx;
        this.time = time;
        this.metrics = metrics;
        this.settings = settings;
        this.memory = new MemoryTier(settings.memoryBytes(), time);
        this.timeoutMillis = Math.max(1, settings.redisTimeout().toMillis());
        metrics.memoryTier(memory, MemoryTier::entries, MemoryTier::bytes, m -> m.stats().hitCount(), m -> m.stats().missCount(),
                m -> m.stats().evictionCount());
        if (settings.redisUrl() != null) {
            redis = new RedisTier(vertx, settings.redisUrl(), settings.redisPrefix(), Math.max(timeoutMillis, 1000));
            pollTimer = vertx.setPeriodic(Math.max(100, settings.purgePoll().toMillis()), id -> {
                if (active.getAsBoolean()) pollPurges();
            });
        }
    }

    /** The largest answer stored, in bytes of its body. */
    public int maxEntryBytes() {
        return settings.maxEntryBytes();
    }

    /**
     * The answer stored under {@code key}, or null; never fails, and waits for Redis at most its timeout.
     *
     * @param team the team the answer must belong to, or null for a global answer: an entry read from
     *             Redis that says otherwise is not served
     */
    public Future<Found> lookup(String key, String team) {
        CachedAnswer e = memory.get(key);
        if (e != null) return Future.succeededFuture(new Found(e, MEMORY));
        if (!redisUsable()) return MISS;
        Context context = Vertx.currentContext();
        Promise<Found> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, t -> {
            if (result.future().isComplete()) return;
            redisFailed("get", new TimeoutException("Redis did not answer within " + timeoutMillis + " ms")); // before the miss is seen
            result.tryComplete();
        });
        redis.get(key, timeoutMillis + 1000).onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                if (!result.future().isComplete()) redisFailed("get", ar.cause());
                on(context, () -> result.tryComplete());
            } else if (ar.result() == null) {
                on(context, () -> result.tryComplete());
            } else if (ar.result().length <= DECODE_ON_LOOP_BYTES) {
                Found found = decoded(key, team, ar.result());
                on(context, () -> result.tryComplete(found));
            } else {
                vertx.executeBlocking(() -> decoded(key, team, ar.result()), false)
                        .onComplete(d -> on(context, () -> result.tryComplete(d.succeeded() ? d.result() : null)));
            }
        });
        return result.future();
    }

    /** Stores {@code e} under {@code key}: in memory now, in Redis in the background. Never fails; any thread. */
    public void store(String key, CachedAnswer e) {
        memory.put(key, e);
        if (!redisUsable()) return;
        vertx.executeBlocking(() -> EntryCodec.encode(e), false).onSuccess(bytes -> {
            long ttl = e.expiresMillis() - time.millis();
            if (ttl <= 0) return;
            redis.set(key, bytes, ttl, timeoutMillis * 4).onFailure(f -> redisFailed("set", f));
        });
    }

    /**
     * Removes the answers of {@code team} (null: every team's, and the global ones) for the model or
     * route {@code name} (null: all), here and in Redis, and tells the other replicas. Never fails:
     * when Redis cannot be reached, only this replica's memory tier is purged, and the result says so.
     */
    public Future<Purged> purge(String team, String name) {
        long inMemory = memory.purge(team, name);
        if (redis == null) return Future.succeededFuture(new Purged(inMemory, -1, false));
        Context context = Vertx.currentContext();
        Promise<Purged> p = Promise.promise();
        redis.purge(CacheKeys.pattern(team, name), ADMIN_TIMEOUT_MILLIS)
                .compose(n -> redis.logPurge(team, name, ADMIN_TIMEOUT_MILLIS).map(seq -> n))
                .onComplete(ar -> on(context, () -> {
                    if (ar.failed()) redisFailed("purge", ar.cause());
                    p.complete(ar.succeeded() ? new Purged(inMemory, ar.result(), false) : new Purged(inMemory, -1, true));
                }));
        return p.future();
    }

    /** Applies the purges other replicas logged since the last poll to the memory tier. */
    Future<Void> pollPurges() {
        if (redis == null || !polling.compareAndSet(false, true)) return Future.succeededFuture();
        return redis.purgeSeq(ADMIN_TIMEOUT_MILLIS).compose(seq -> {
            if (appliedSeq < 0 || seq < appliedSeq) { // first poll, or Redis lost its log: nothing to catch up on
                appliedSeq = seq;
                return Future.<Void>succeededFuture();
            }
            if (seq == appliedSeq) return Future.<Void>succeededFuture();
            return redis.purgeLog(ADMIN_TIMEOUT_MILLIS).map(log -> {
                apply(log);
                return null;
            });
        }).onComplete(ar -> {
            polling.set(false);
            if (ar.failed()) redisFailed("poll", ar.cause());
        });
    }

    @PreDestroy
    void close() {
        if (pollTimer >= 0) vertx.cancelTimer(pollTimer);
        if (redis != null) redis.close();
    }

    /** The memory tier (tests). */
    MemoryTier memory() {
        return memory;
    }

    private void apply(List<RedisTier.Purge> log) {
        long applied = appliedSeq;
        for (RedisTier.Purge p : log) {
            if (p.seq() <= appliedSeq) continue;
            memory.purge(p.team(), p.name());
            if (semantic != null) semantic.purge(p.team(), p.name());
            applied = Math.max(applied, p.seq());
        }
        appliedSeq = applied; // a purge counted but not yet pushed is applied at the next poll
    }

    private Found decoded(String key, String team, byte[] data) {
        CachedAnswer e;
        try {
            e = EntryCodec.decode(data, settings.maxEntryBytes());
        } catch (Exception ex) {
            LOG.warnf("A cache entry in Redis could not be read (%s); it is ignored", ex.getMessage());
            return null;
        }
        if (e.expired(time.millis())) return null;
        if (team == null ? e.team() != null : !team.equals(e.team())) {
            LOG.errorf("A cache entry in Redis belongs to another scope than its key says; it is ignored");
            return null;
        }
        memory.put(key, e);
        return new Found(e, REDIS);
    }

    private boolean redisUsable() {
        return redis != null && (!redisSkipping || time.nanoTime() - redisSkipUntilNanos >= 0);
    }

    private void redisFailed(String operation, Throwable e) {
        metrics.redisFailure(operation);
        redisSkipUntilNanos = time.nanoTime() + settings.redisBackoff().toNanos();
        redisSkipping = true;
        long now = time.millis(), due = nextFailureLog.get();
        if (now < due || !nextFailureLog.compareAndSet(due, now + 10_000)) return;
        LOG.warnf("Response cache: Redis failed (%s: %s) on %s; the memory tier serves alone for %d ms, then Redis is tried again",
                e.getClass().getSimpleName(), e.getMessage(), operation, settings.redisBackoff().toMillis());
    }

    private static void on(Context context, Runnable r) {
        if (context == null || Vertx.currentContext() == context) r.run();
        else context.runOnContext(v -> r.run());
    }
}
