package dev.frugal.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Metrics of the response cache (docs/cache.md). Tags are bounded: team and model (or route)
 * names come from the config, results and tiers are fixed sets. Counters are looked up once per
 * tag combination. Thread-safe.
 */
@Singleton
public class CacheMetrics {
    /** Requests the cache applied to; tags {@code team}, {@code model}, {@code result} (hit, miss, bypass), {@code tier} (memory, redis, none). */
    public static final String REQUESTS = "frugal.cache.requests";
    /** What hits saved: the original answers' cost minus what the hits were billed, in USD; tags {@code team}, {@code model}. */
    public static final String SAVINGS = "frugal.cache.savings";
    /**
     * What became of the answer of each request the cache applied to, once settled (a hit excepted); tag
     * {@code result}: stored, bypass (no-store, or not deterministic), or why it was not stored (error,
     * incomplete, finish_reason, too_large). A store follows the response by a moment: this says when.
     */
    public static final String STORES = "frugal.cache.stores";
    /** Redis commands of the cache that failed or timed out; tag {@code operation} (get, set, purge, poll). */
    public static final String REDIS_FAILURES = "frugal.cache.redis.failures";
    /** The memory tier: entries, bytes (as weighed), lookups by result, evictions. */
    public static final String MEMORY_ENTRIES = "frugal.cache.memory.entries";
    public static final String MEMORY_BYTES = "frugal.cache.memory.bytes";
    public static final String MEMORY_GETS = "frugal.cache.memory.gets";
    public static final String MEMORY_EVICTIONS = "frugal.cache.memory.evictions";

    /**
     * Semantic lookups after an exact miss; tags {@code team}, {@code model}, {@code result}: hit, verify (went upstream
     * to label the candidate), blocked (a guard), miss (no candidate close enough), timeout (no embedding in time).
     */
    public static final String SEMANTIC = "frugal.cache.semantic.lookups";
    /** Semantic candidates blocked by a guard; tag {@code guard}: negation, number, name, unit, date, code, order, word, added, question, role. */
    public static final String SEMANTIC_BLOCKED = "frugal.cache.semantic.blocked";
    /** Verified candidates; tag {@code correct}: whether the cached answer was the same as the fresh one. */
    public static final String SEMANTIC_LABELS = "frugal.cache.semantic.labels";
    /** Of the lookups counted {@code result=verify}, those verified only because the candidate is not yet proven that far out. */
    public static final String SEMANTIC_UNPROVEN = "frugal.cache.semantic.unproven";
    /** The semantic tier: prompts held and the bytes they are weighed at. */
    public static final String SEMANTIC_ENTRIES = "frugal.cache.semantic.entries";
    public static final String SEMANTIC_BYTES = "frugal.cache.semantic.bytes";

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    @Inject
    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param result hit, miss or bypass; @param tier memory, redis, or none */
    public void request(String team, String model, String result, String tier) {
        counter(REQUESTS, "team", team, "model", model, "result", result, "tier", tier).increment();
    }

    public void saved(String team, String model, long micros) {
        if (micros > 0) counter(SAVINGS, "team", team, "model", model).increment(micros / 1e6);
    }

    public void store(String result) {
        counter(STORES, "result", result).increment();
    }

    /** @param result hit, verify, blocked, miss or timeout */
    public void semantic(String team, String model, String result) {
        counter(SEMANTIC, "team", team, "model", model, "result", result).increment();
    }

    public void semanticBlocked(String guard) {
        counter(SEMANTIC_BLOCKED, "guard", guard).increment();
    }

    public void semanticUnproven(String team, String model) {
        counter(SEMANTIC_UNPROVEN, "team", team, "model", model).increment();
    }

    public void semanticLabel(boolean correct) {
        counter(SEMANTIC_LABELS, "correct", String.valueOf(correct)).increment();
    }

    /** Publishes the semantic tier's size, read from {@code tier} when scraped. */
    public <T> void semanticTier(T tier, ToDoubleFunction<T> entries, ToDoubleFunction<T> bytes) {
        Gauge.builder(SEMANTIC_ENTRIES, tier, entries).description("Prompts in the semantic cache").register(registry);
        Gauge.builder(SEMANTIC_BYTES, tier, bytes).baseUnit("bytes").description("Bytes the semantic cache's entries are weighed at")
                .register(registry);
    }

    public void redisFailure(String operation) {
        counter(REDIS_FAILURES, "operation", operation).increment();
    }

    /** Publishes the memory tier's statistics, read from {@code tier} when scraped. */
    public <T> void memoryTier(T tier, ToDoubleFunction<T> entries, ToDoubleFunction<T> bytes, ToDoubleFunction<T> hits,
                               ToDoubleFunction<T> misses, ToDoubleFunction<T> evictions) {
        Gauge.builder(MEMORY_ENTRIES, tier, entries).description("Answers in the memory tier").register(registry);
        Gauge.builder(MEMORY_BYTES, tier, bytes).baseUnit("bytes").description("Bytes the memory tier's answers are weighed at")
                .register(registry);
        FunctionCounter.builder(MEMORY_GETS, tier, hits).tag("result", "hit").description("Memory tier lookups").register(registry);
        FunctionCounter.builder(MEMORY_GETS, tier, misses).tag("result", "miss").description("Memory tier lookups").register(registry);
        FunctionCounter.builder(MEMORY_EVICTIONS, tier, evictions).description("Answers evicted from the memory tier for room")
                .register(registry);
    }

    private Counter counter(String name, String... tags) {
        String id = name + '\0' + String.join("\0", tags);
        Counter c = counters.get(id);
        if (c == null) {
            c = counters.computeIfAbsent(id, i -> {
                Counter.Builder b = Counter.builder(name).description(description(name)).tags(tags);
                if (name.equals(SAVINGS)) b.baseUnit("usd");
                return b.register(registry);
            });
        }
        return c;
    }

    /** The help text Prometheus shows (and promtool asks for). */
    private static String description(String name) {
        return switch (name) {
            case REQUESTS -> "Requests the response cache applied to, by result and tier";
            case SAVINGS -> "What cache hits saved: the original answers' cost minus what the hits were billed";
            case STORES -> "What became of the answers the cache applied to: stored, or why not";
            case REDIS_FAILURES -> "Redis commands of the response cache that failed or timed out";
            default -> name;
        };
    }
}
