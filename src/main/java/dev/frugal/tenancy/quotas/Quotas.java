package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.quotas.QuotaStore.Admission;
import dev.frugal.tenancy.quotas.QuotaStore.Check;
import dev.frugal.tenancy.quotas.QuotaStore.Crossing;
import dev.frugal.tenancy.quotas.QuotaStore.Demand;
import dev.frugal.tenancy.quotas.QuotaStore.Kind;
import dev.frugal.tenancy.quotas.QuotaStore.Scope;
import dev.frugal.telemetry.QuotaMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits and budgets, admitted before any upstream call. See docs/limits.md.
 * <p>
 * How the pipeline uses it, on the event loop, once the caller is authenticated and the request's
 * worst case is known:
 * <pre>{@code
 * quotas.admit(caller, estimatedPromptTokens + maxOutputTokens, worstCaseCostMicros)
 *     .onFailure(e -> answer((GatewayError) e))          // 429 rate_limit_exceeded / budget_exceeded, 503 if the store is down
 *     .onSuccess(ticket -> {
 *         response.headers().addAll(ticket.headers());    // x-ratelimit-*, before the head is written
 *         ... call upstream ...
 *         ticket.settle(usage.totalTokens(), costMicros); // when usage is known (also after a client disconnect)
 *         // or ticket.release() when it failed before any upstream cost
 *     });
 * }</pre>
 * The future completes on the caller's Vert.x context (even when Redis or the {@link SpendSource}
 * answered on another thread) and fails only with a {@link GatewayError}. Exactly one of
 * {@link Ticket#settle}/{@link Ticket#release} must follow every admitted request.
 * <p>
 * Checks, in order (the first one that fails is reported): concurrent requests, requests per
 * minute, tokens per minute — each for the team, then for the key — then the team's and the key's
 * budgets. All or nothing: a rejected request is charged nothing. The counters live in this
 * process, or in Redis when {@code frugal.redis.url} is set (every replica then shares them).
 * Thread-safe.
 */
@Startup
@Singleton
public class Quotas {
    private static final Logger LOG = Logger.getLogger(Quotas.class);
    private static final long DAY_MILLIS = 86_400_000L;
    /** Bounds keeping every counter exact in Redis's Lua numbers (doubles, exact below 2^53). */
    private static final long MAX_TOKENS = 100_000_000_000L, MAX_MICROS = 1_000_000_000_000_000L, MAX_RATE = 10_000_000_000L;

    /** A completed future is immutable, so one serves every unlimited admission. */
    private static final Future<Ticket> ADMITTED_UNLIMITED = Future.succeededFuture(Ticket.UNLIMITED);

    /** How long the warm-up waits before trying again when the store did not answer at start. */
    static final Duration WARM_UP_RETRY = Duration.ofSeconds(2);

    private QuotaStore store;
    private SpendSource spend;
    private TimeSource time;
    private QuotaMetrics metrics;
    private boolean failOpen;
    private final SeedOnce seeds = new SeedOnce();
    private final AtomicLong nextFailureLog = new AtomicLong();
    /** Where the store's warm-up stands, for readiness. */
    private volatile Readiness readiness = new Readiness(false, "the quota store has not answered yet");
    private final AtomicBoolean warmFailed = new AtomicBoolean();
    private volatile boolean closed;

    /** For the CDI proxy. */
    Quotas() {}

    @Inject
    Quotas(Vertx vertx, SpendSource spend, TimeSource time, MeterRegistry registry,
           @ConfigProperty(name = "frugal.redis.url") Optional<String> redisUrl,
           @ConfigProperty(name = "frugal.redis.prefix", defaultValue = "frugal:") String prefix,
           @ConfigProperty(name = "frugal.redis.timeout", defaultValue = "1s") Duration timeout,
           @ConfigProperty(name = "frugal.quotas.lease", defaultValue = "15m") Duration lease,
           @ConfigProperty(name = "frugal.quotas.on-store-failure", defaultValue = "closed") String onStoreFailure) {
        this(redisUrl.filter(u -> !u.isBlank()).<QuotaStore>map(u -> new RedisQuotaStore(vertx, u, prefix, timeout, lease,
                                new QuotaMetrics(registry)))
                        .orElseGet(LocalQuotaStore::new),
                spend, time, registry, failOpen(onStoreFailure));
        LOG.infof("Rate limits and budgets: %s", redisUrl.filter(u -> !u.isBlank()).isPresent()
                ? "in Redis (shared by every replica), key prefix '" + prefix + "'" : "in this process");
        warmUntilReady(vertx, WARM_UP_RETRY);
    }

    Quotas(QuotaStore store, SpendSource spend, TimeSource time, MeterRegistry registry, boolean failOpen) {
        this.store = store;
        this.spend = spend;
        this.time = time;
        this.metrics = new QuotaMetrics(registry);
        this.failOpen = failOpen;
    }

    private static boolean failOpen(String setting) {
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "open" -> true;
            case "closed" -> false;
            default -> throw new IllegalArgumentException("frugal.quotas.on-store-failure: expected open or closed, got '" + setting + "'");
        };
    }

    /**
     * Admits one request of {@code caller}, or fails with a {@link GatewayError}: 429
     * {@code rate_limit_exceeded} (with {@code Retry-After} and {@code x-ratelimit-*}), 429
     * {@code budget_exceeded} (with {@code x-should-retry: false}), or 503
     * {@code quota_store_unavailable} when Redis cannot be reached and the store fails closed.
     *
     * @param estimatedTokens the tokens charged against tokens-per-minute now (prompt estimate +
     *                        maximum output), corrected at {@link Ticket#settle}
     * @param reserveMicros   the request's worst-case cost, reserved from every budget until settled
     */
    public Future<Ticket> admit(Caller caller, long estimatedTokens, long reserveMicros) {
        if (unlimited(caller)) return ADMITTED_UNLIMITED; // most callers: nothing to build or count
        Demand d = demand(caller, clamp(estimatedTokens, MAX_TOKENS), clamp(reserveMicros, MAX_MICROS), time.millis());
        if (d.checks().isEmpty()) return ADMITTED_UNLIMITED;
        Context context = Vertx.currentContext();
        Future<Ticket> ticket = admitSeeded(d, 0).transform(ar -> {
            if (ar.failed()) return storeFailed(ar.cause());
            Admission a = ar.result();
            if (a.admitted()) {
                budgetUse(d, a);
                return Future.succeededFuture(new Ticket(this, d, a, RateLimitHeaders.of(d.checks(), a)));
            }
            Check c = d.checks().get(a.rejected());
            metrics.rejection(d.team(), reason(c.kind()));
            return Future.failedFuture(QuotaErrors.rejection(d, a, a.rejected()));
        });
        return onContext(context, ticket);
    }

    /**
     * The share of each team budget in use as this admission left it (spent and reserved, this request
     * included): what the budget alert of the Helm chart watches. In Redis the counters are shared, so
     * every replica reports the same figure as of its last admission.
     */
    private void budgetUse(Demand d, Admission a) {
        for (int i = 0; i < d.checks().size(); i++) {
            Check c = d.checks().get(i);
            if (c.kind() != Kind.BUDGET || c.scope() != Scope.TEAM || c.limit() <= 0 || a.remaining() == null) continue;
            metrics.budgetUse(d.team(), PERIOD_TAGS[c.budget().period().ordinal()], (double) (c.limit() - a.remaining()[i]) / c.limit());
        }
    }

    /** The {@code period} tag of each budget period, made once (budgetUse runs on every admission). */
    private static final String[] PERIOD_TAGS = Arrays.stream(Budget.Period.values())
            .map(p -> p.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    /** Ends an admission (called once per ticket). */
    Future<Void> finish(Demand d, Admission a, long actualTokens, long actualCostMicros) {
        return store.finish(d, a, clamp(actualTokens, MAX_TOKENS), clamp(actualCostMicros, MAX_MICROS), time.millis())
                .<Void>map(crossings -> {
                    for (Crossing c : crossings) alert(d, d.checks().get(c.check()), c.spentMicros());
                    return null;
                })
                .onFailure(e -> {
                    metrics.storeFailure("settle");
                    logFailure(e, "a settlement was lost: its slot and reservation end with their lease (frugal.quotas.lease)");
                });
    }

    @PreDestroy
    void close() {
        closed = true;
        store.close();
    }

    // ---- readiness -----------------------------------------------------------------------------

    /**
     * Whether this replica should receive requests as far as the counters go, and what to say about
     * them. Not ready until the store is warm ({@link QuotaStore#warm}: in Redis, the connections
     * open and the scripts loaded), so that the first burst a load balancer sends is not refused with
     * 503 while connections open. A store that does not answer keeps a failing-closed replica not
     * ready, with the reason; a failing-open one is ready after its first attempt, since it would
     * admit requests anyway. Answers at once, never waits for the store.
     */
    record Readiness(boolean ready, String state) {}

    Readiness readiness() {
        return readiness;
    }

    /** Warms the store, and again every {@code retry} until it succeeds (or the bean is closed). */
    void warmUntilReady(Vertx vertx, Duration retry) {
        warmUp().onFailure(e -> {
            if (!closed) vertx.setTimer(retry.toMillis(), t -> { if (!closed) warmUntilReady(vertx, retry); });
        });
    }

    /** One attempt at warming the store; records the outcome for {@link #readiness}. Never logs the store's URL. */
    Future<Void> warmUp() {
        // andThen: the returned future completes only once the outcome is recorded, so whoever waits
        // on it reads the new readiness (onSuccess/onFailure return the store's own future)
        return store.warm().andThen(ar -> {
            if (ar.succeeded()) {
                if (warmFailed.get()) LOG.info("Quota store answered: ready");
                readiness = new Readiness(true, "ready");
                return;
            }
            Throwable e = ar.cause();
            String why = "the quota store did not answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            readiness = failOpen
                    ? new Readiness(true, why + "; requests are admitted without limits or budgets until it does")
                    : new Readiness(false, why + "; not ready until it does");
            if (!warmFailed.getAndSet(true)) {
                LOG.errorf("Quota store not reachable at start: %s (trying again until it does)", readiness.state());
                nextFailureLog.set(time.millis() + 10_000);
            } else {
                logFailure(e, failOpen ? "still admitting without limits or budgets" : "still not ready");
            }
        });
    }

    // ---- admission ---------------------------------------------------------------------------

    private Future<Admission> admitSeeded(Demand d, int attempt) {
        return seedBudgets(d).compose(v -> store.admit(d)).compose(a -> {
            if (a.needsSeed() < 0) return Future.succeededFuture(a);
            // The counter vanished from the store (expired, Redis restarted): seed it again.
            seeds.forget(seedKey(d.team(), d.checks().get(a.needsSeed())));
            if (attempt >= 2) return Future.failedFuture(new IllegalStateException("a budget counter vanished again after seeding"));
            return admitSeeded(d, attempt + 1);
        });
    }

    /** Every budget counter of {@code d} exists: seeded once per process, concurrent first requests share the wait. */
    private Future<Void> seedBudgets(Demand d) {
        List<Future<Void>> pending = null;
        for (Check c : d.checks()) {
            if (c.kind() != Kind.BUDGET) continue;
            Future<Void> f = seeds.once(seedKey(d.team(), c), c.periodEnd(), d.now(), () -> seed(d, c));
            if (f.succeeded()) continue;
            if (pending == null) pending = new ArrayList<>(2);
            pending.add(f);
        }
        return pending == null ? Future.succeededFuture() : Future.all(pending).mapEmpty();
    }

    private Future<Void> seed(Demand d, Check c) {
        String keyId = c.scope() == Scope.KEY ? d.keyId() : null;
        return store.seeded(d.team(), c).compose(exists -> exists ? Future.succeededFuture()
                : spend.spentMicros(d.team(), keyId, c.periodStart()).compose(micros -> store.seed(d.team(), c, micros, d.now())));
    }

    private static String seedKey(String team, Check c) {
        return "{" + team + "}:" + c.counter();
    }

    private Future<Ticket> storeFailed(Throwable e) {
        if (e instanceof GatewayError g) return Future.failedFuture(g);
        logFailure(e, failOpen ? "requests are ADMITTED WITHOUT LIMITS OR BUDGETS until it answers (frugal.quotas.on-store-failure=open)"
                : "requests with limits or budgets are refused with 503 until it answers (frugal.quotas.on-store-failure=closed)");
        if (failOpen) {
            metrics.storeFailure("admitted");
            return Future.succeededFuture(Ticket.UNLIMITED);
        }
        metrics.storeFailure("rejected");
        return Future.failedFuture(new GatewayError(503, "service_unavailable_error", "quota_store_unavailable", null,
                "Rate limits and budgets cannot be checked right now; retry shortly.", 1));
    }

    /** Logs a store failure at most every 10 seconds (the metric counts each one). Never logs the store's URL. */
    private void logFailure(Throwable e, String consequence) {
        long now = time.millis(), due = nextFailureLog.get();
        if (now < due || !nextFailureLog.compareAndSet(due, now + 10_000)) return;
        LOG.errorf("Quota store failed (%s: %s); %s", e.getClass().getSimpleName(), e.getMessage(), consequence);
    }

    private void alert(Demand d, Check c, long spentMicros) {
        metrics.budgetAlert(d.team());
        LOG.warnf("Soft budget reached: team '%s'%s has spent %s of its %s budget of %s (period from %s, UTC)",
                d.team(), c.scope() == Scope.KEY ? ", key id " + d.keyId() + "," : "", QuotaErrors.usd(spentMicros),
                QuotaErrors.adjective(c.budget().period()),
                QuotaErrors.usd(c.limit()), c.periodStart());
    }

    private static String reason(Kind k) {
        return switch (k) {
            case CONCURRENCY -> "concurrency";
            case REQUESTS -> "rate_limit_requests";
            case TOKENS -> "rate_limit_tokens";
            case BUDGET -> "budget";
        };
    }

    // ---- the checks of one request -------------------------------------------------------------

    /**
     * The checks of a request, in the order they are reported. Counter names (the same in both
     * stores): {@code t:c}, {@code t:r}, {@code t:tk} for the team's concurrency, requests and
     * tokens; {@code t:b:<period>:<start>} for a team budget; {@code k:…:<keyId>} likewise for the key.
     */
    /** No limit and no budget for the team nor for the key: {@link #demand} would have no check. */
    private static boolean unlimited(Caller caller) {
        TeamConfig team = caller.team();
        if (!team.limits().isNone() || (team.budgets() != null && !team.budgets().isEmpty())) return false;
        return caller.keyId() == null || (caller.keyLimits().isNone() && (caller.keyBudgets() == null || caller.keyBudgets().isEmpty()));
    }

    static Demand demand(Caller caller, long tokens, long reserve, long now) {
        TeamConfig team = caller.team();
        Limits tl = capped(team.limits());
        String keyId = caller.keyId();
        Limits kl = keyId == null ? Limits.NONE : capped(caller.keyLimits());
        List<Check> checks = new ArrayList<>(8);
        if (tl.concurrent() > 0) checks.add(new Check(Kind.CONCURRENCY, Scope.TEAM, "t:c", tl.concurrent(), 1, null, null, 0));
        if (kl.concurrent() > 0) checks.add(new Check(Kind.CONCURRENCY, Scope.KEY, "k:c:" + keyId, kl.concurrent(), 1, null, null, 0));
        if (tl.requestsPerMinute() > 0) checks.add(new Check(Kind.REQUESTS, Scope.TEAM, "t:r", tl.requestsPerMinute(), 1, null, null, 0));
        if (kl.requestsPerMinute() > 0) checks.add(new Check(Kind.REQUESTS, Scope.KEY, "k:r:" + keyId, kl.requestsPerMinute(), 1, null, null, 0));
        // More tokens than the limit can never pass; charging limit + 1 says so and keeps the numbers small.
        if (tl.tokensPerMinute() > 0) checks.add(new Check(Kind.TOKENS, Scope.TEAM, "t:tk", tl.tokensPerMinute(),
                Math.min(tokens, tl.tokensPerMinute() + 1), null, null, 0));
        if (kl.tokensPerMinute() > 0) checks.add(new Check(Kind.TOKENS, Scope.KEY, "k:tk:" + keyId, kl.tokensPerMinute(),
                Math.min(tokens, kl.tokensPerMinute() + 1), null, null, 0));
        LocalDate today = null;
        for (Budget b : team.budgets() == null ? List.<Budget>of() : team.budgets()) {
            if (today == null) today = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
            checks.add(budget(Scope.TEAM, "t:b:", b, today, reserve, ""));
        }
        if (keyId != null && caller.keyBudgets() != null) {
            for (Budget b : caller.keyBudgets()) {
                if (today == null) today = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
                checks.add(budget(Scope.KEY, "k:b:", b, today, reserve, ":" + keyId));
            }
        }
        return new Demand(team.name(), keyId, now, checks);
    }

    private static Check budget(Scope scope, String prefix, Budget b, LocalDate today, long reserve, String suffix) {
        LocalDate start = b.period().start(today);
        String name = prefix + b.period().name().toLowerCase(Locale.ROOT) + ":" + start + suffix;
        return new Check(Kind.BUDGET, scope, name, b.limitMicros(), reserve, b, start, b.period().next(today).toEpochDay() * DAY_MILLIS);
    }

    /** Per-minute limits above 10^10 are as good as none, and capping them keeps the scaled bucket levels exact. */
    private static Limits capped(Limits l) {
        if (l == null) return Limits.NONE;
        if (l.requestsPerMinute() <= MAX_RATE && l.tokensPerMinute() <= MAX_RATE) return l;
        return new Limits(Math.min(l.requestsPerMinute(), MAX_RATE), Math.min(l.tokensPerMinute(), MAX_RATE), l.concurrent());
    }

    private static long clamp(long v, long max) {
        return Math.max(0, Math.min(v, max));
    }

    /** {@code f}, completing on {@code context} (the caller's event loop) whatever thread finished it. */
    private static <T> Future<T> onContext(Context context, Future<T> f) {
        if (context == null || f.isComplete()) return f;
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> {
            if (Vertx.currentContext() == context) p.handle(ar);
            else context.runOnContext(v -> p.handle(ar));
        });
        return p.future();
    }
}
