package dev.frugal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.frugal.config.SemanticPolicy;
import dev.frugal.core.TimeSource;
import dev.frugal.telemetry.CacheMetrics;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * The semantic cache (docs/cache.md, decision 0017): after an exact miss, the cached prompt nearest to
 * the request's last user turn, within the same partition — scope, model or route, and everything else
 * of the request (system prompt, earlier turns, tools, response format, sampling parameters) equal —
 * answers it when
 * <ol>
 *   <li>its similarity is at least {@code min-similarity},</li>
 *   <li>no guard ({@link Guards}) tells the two prompts apart (a negation, number, unit, date, code
 *       identifier, name or word order), and</li>
 *   <li>the verified observations of the pool ({@link FalseHitBound}) bound the false-hit rate at that
 *       similarity under {@code max-false-hit-rate}, the candidate itself never needed another
 *       answer at a similarity as high, and (with {@code per-entry-proof}, decisions 0027 and 0033) a
 *       verification found the candidate's answer right for a prompt that added and dropped the same content
 *       words as this one, at a similarity as low or lower.</li>
 * </ol>
 * A candidate that passes the guards but not the rest, and a share {@code verify-rate} of those that
 * pass all, is <b>verified</b>: the request goes upstream, its client gets the fresh answer, and the
 * comparison of the two answers ({@link SameAnswer}) becomes an observation of the pool and of the
 * candidate. A request without a candidate, blocked by a guard, or whose candidate's answer was wrong
 * adds its own prompt and answer.
 *
 * <p>Entries live in memory only, on every replica its own (decision 0017), bounded by bytes
 * ({@code frugal.cache.semantic.max-size}), least used evicted first, each expiring with its answer.
 * Thread-safe.
 */
@Singleton
public class SemanticCache {
    /** Indexes up to this size are searched on the caller's thread (under ~0.2 ms); larger ones on a worker. */
    static final int SEARCH_ON_CALLER = 1024;

    /** What became of a request's candidate. */
    public enum Verdict {
        /** The candidate's answer is served ({@code x-frugal-cache: semantic-hit}). */
        HIT,
        /** The request goes upstream and its answer is compared with the candidate's. */
        VERIFY,
        /** A guard told the prompts apart: a miss. */
        BLOCKED,
        /** No candidate close enough: a miss. */
        MISS;

        public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** One request's semantic lookup and, once answered, what it teaches. Belongs to one request; not thread-safe. */
    public static final class Probe {
        final String partition;
        final String pool;
        final String prompt;
        final SemanticPolicy policy;
        float[] vector;
        SemanticIndex.Entry candidate;
        double similarity = Double.NaN;
        Verdict verdict = Verdict.MISS;
        Guards.Kind blockedBy;
        boolean unproven;
        /** How the prompt's content words differ from the candidate's ({@link GuardedPrompt#contentChange}), once the guards passed it. */
        long change;

        Probe(String partition, String pool, String prompt, SemanticPolicy policy) {
            this.partition = partition;
            this.pool = pool;
            this.prompt = prompt;
            this.policy = policy;
        }

        public Verdict verdict() { return verdict; }

        public String prompt() { return prompt; }

        public SemanticPolicy policy() { return policy; }

        public boolean hasVector() { return vector != null; }

        /** The guard that blocked the candidate, or null. */
        public Guards.Kind blockedBy() { return blockedBy; }

        /** Whether the candidate is verified only because it is not yet proven at this similarity (decision 0027). */
        public boolean unproven() { return unproven; }

        /** The candidate's answer, for a hit. */
        public CachedAnswer answer() { return candidate == null ? null : candidate.answer; }

        /** The candidate's similarity, NaN without one. */
        public double similarity() { return similarity; }

        /** Gives the prompt's vector when it came after the lookup gave up waiting: the answer can still be added. */
        public void vector(float[] v) {
            if (vector == null) vector = v;
        }
    }

    private final Vertx vertx;
    private final TimeSource time;
    private final CacheMetrics metrics;
    private final DoubleSupplier random;
    private final int dims;
    private final Cache<Long, SemanticIndex.Entry> entries;
    private final Map<String, SemanticIndex> indexes = new ConcurrentHashMap<>();
    private final Map<String, FalseHitBound> bounds = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Inject
    SemanticCache(Vertx vertx, TimeSource time, CacheMetrics metrics,
                  @ConfigProperty(name = "frugal.cache.semantic.max-size", defaultValue = "64M") MemorySize maxBytes) {
        this(vertx, time, metrics, maxBytes.asLongValue(), 384, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param dims   the embedding's dimensions
     * @param random uniform draws in [0, 1) that pick the hits to verify
     */
    public SemanticCache(Vertx vertx, TimeSource time, CacheMetrics metrics, long maxBytes, int dims, DoubleSupplier random) {
        this.vertx = vertx;
        this.time = time;
        this.metrics = metrics;
        this.random = random;
        this.dims = dims;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Long k, SemanticIndex.Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.weight()))
                .expireAfter(new Expiry<Long, SemanticIndex.Entry>() {
                    @Override public long expireAfterCreate(Long k, SemanticIndex.Entry e, long now) { return nanosLeft(e); }

                    @Override public long expireAfterUpdate(Long k, SemanticIndex.Entry e, long now, long left) { return left; }

                    @Override public long expireAfterRead(Long k, SemanticIndex.Entry e, long now, long left) { return left; }
                })
                .ticker(time::nanoTime)
                .executor(Runnable::run)
                .removalListener((Long k, SemanticIndex.Entry e, com.github.benmanes.caffeine.cache.RemovalCause c) -> {
                    if (e != null) unindex(e);
                })
                .build();
        if (metrics != null) metrics.semanticTier(this, SemanticCache::size, SemanticCache::bytes);
    }

    /**
     * A lookup for a request.
     *
     * @param partition what a candidate must share with the request exactly: scope, name, and the hash of the rest of the request
     * @param pool      whose observations bound the false-hit rate: the scope and name
     * @param prompt    the text compared: the last user turn
     */
    public Probe probe(String partition, String pool, String prompt, SemanticPolicy policy) {
        return new Probe(partition, pool, prompt, policy);
    }

    /** Finds and judges the candidate of {@code p} for its prompt's unit {@code vector}; on a worker for a large index. */
    public Future<Probe> find(Probe p, float[] vector) {
        p.vector = vector;
        SemanticIndex index = indexes.get(p.partition);
        if (index == null) return Future.succeededFuture(p);
        if (index.size() <= SEARCH_ON_CALLER) return Future.succeededFuture(judge(p, index.nearest(vector, time.millis())));
        return vertx.executeBlocking(() -> judge(p, index.nearest(vector, time.millis())), false);
    }

    /**
     * What the answer of a request that was not a hit teaches, once it is stored: a verified candidate's
     * label, to the pool and to the candidate (its proof or its veto), and the request's own prompt and
     * answer as an entry unless its candidate answered it right.
     * Never fails; any thread.
     */
    public void settle(Probe p, CachedAnswer fresh) {
        if (p.verdict == Verdict.HIT) return;
        if (p.verdict == Verdict.VERIFY) {
            boolean same = SameAnswer.of(p.candidate.answer.body(), fresh.body());
            pool(p.pool).add(p.similarity, same);
            if (metrics != null) metrics.semanticLabel(same);
            p.candidate.verified(p.similarity, p.change, same);
            if (same) return; // the candidate covers this prompt: no second entry
        }
        if (p.vector != null) add(p.partition, p.prompt, p.vector, fresh);
    }

    /** Removes the entries of {@code team} (null: any, global ones included) for {@code name} (null: any); returns how many. */
    public long purge(String team, String name) {
        long n = 0;
        for (Map.Entry<Long, SemanticIndex.Entry> e : entries.asMap().entrySet()) {
            CachedAnswer a = e.getValue().answer;
            if ((team == null || team.equals(a.team())) && (name == null || name.equals(a.name()))
                    && entries.asMap().remove(e.getKey(), e.getValue())) {
                unindex(e.getValue());
                n++;
            }
        }
        return n;
    }

    /** The learned bound of a pool (tests, metrics); null before its first observation. */
    public FalseHitBound bound(String pool) {
        return bounds.get(pool);
    }

    /** The bound of a pool, made empty if it has none (the held-out test teaches it a stream of verified pairs). */
    FalseHitBound pool(String pool) {
        return bounds.computeIfAbsent(pool, k -> new FalseHitBound());
    }

    public long size() {
        return entries.estimatedSize();
    }

    public long bytes() {
        return entries.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    /** Adds a prompt, its unit vector and its answer to a partition (the bench fills an index with it). */
    void add(String partition, String prompt, float[] vector, CachedAnswer answer) {
        if (vector.length != dims || answer.expired(time.millis())) return;
        SemanticIndex.Entry e = new SemanticIndex.Entry(ids.incrementAndGet(), partition, prompt, answer, vector);
        indexes.compute(partition, (k, index) -> {
            if (index == null) index = new SemanticIndex(dims);
            index.add(e);
            return index;
        });
        entries.put(e.id, e);
        if (e.slot < 0 || entries.getIfPresent(e.id) == null) unindex(e); // evicted at once (too large), or raced a purge
    }

    private Probe judge(Probe p, SemanticIndex.Nearest near) {
        if (near == null || near.similarity() < p.policy.minSimilarity()) return p;
        p.candidate = near.entry();
        p.similarity = near.similarity();
        // each prompt read once, for the guards and for the proof's change of words
        GuardedPrompt cached = GuardedPrompt.of(p.candidate.prompt), asked = GuardedPrompt.of(p.prompt);
        Guards.Kind blocked = p.candidate.prompt.equals(p.prompt) ? null : Guards.check(cached, asked);
        if (blocked != null) {
            p.verdict = Verdict.BLOCKED;
            p.blockedBy = blocked;
            return p;
        }
        FalseHitBound bound = bounds.get(p.pool);
        // with the proof, a near miss found wrong refutes its own change of words only (decision 0033); without it the
        // entry's veto keeps it from serving at that similarity or below
        boolean servable = bound != null && (p.policy.perEntryProof() || p.candidate.notVetoedAt(p.similarity))
                && bound.servable(p.similarity, p.policy.window(), p.policy.maxFalseHitRate());
        // the pool's bound is about candidates in general; a near miss is one entry's: that entry must have been
        // verified right for a prompt that changed its content words the same way, at this similarity or below
        // (decisions 0027, 0033)
        p.change = GuardedPrompt.contentChange(cached, asked);
        if (servable && p.policy.perEntryProof() && !p.candidate.provenFor(p.change, p.similarity)) {
            servable = false;
            p.unproven = true;
        }
        p.verdict = servable && random.getAsDouble() >= p.policy.verifyRate() ? Verdict.HIT : Verdict.VERIFY;
        if (p.verdict == Verdict.HIT) entries.getIfPresent(p.candidate.id); // a use, for the eviction order
        return p;
    }

    private void unindex(SemanticIndex.Entry e) {
        indexes.computeIfPresent(e.partition, (k, index) -> {
            index.remove(e);
            return index.size() == 0 ? null : index;
        });
    }

    private long nanosLeft(SemanticIndex.Entry e) {
        long millis = e.answer.expiresMillis() - time.millis();
        if (millis <= 0) return 0;
        return millis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : millis * 1_000_000;
    }
}
