package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.telemetry.QuotaMetrics;
import dev.frugal.tenancy.Caller;
import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every counter store must show, run against the local store and against Redis.
 * {@link #a} and {@link #b} are two replicas sharing one store (two {@link Quotas}, each with its
 * own seeding): requests are spread over both, and they must agree on every limit.
 */
abstract class QuotaContract {
    static final long R = 1_000; // one request's reservation, micro-USD
    static final Instant START = Instant.parse("2026-12-02T10:00:00Z"); // a Wednesday

    final FakeTime clock = new FakeTime(START);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Spend spend = new Spend();
    Quotas a, b;

    /** A new replica over the test's shared store, using {@link #clock}, {@link #spend} and {@link #registry}. */
    abstract Quotas replica();

    @BeforeEach
    void replicas() {
        a = replica();
        b = replica();
    }

    // ---- exactness under concurrency -------------------------------------------------------------

    @Test
    void requestsPerMinuteAreExactUnder200ConcurrentAdmissions() throws Exception {
        Caller c = team("rpm", new Limits(10, 0, 0));
        List<Object> results = concurrently(200, i -> replica(i).admit(c, 10, 0));
        assertEquals(10, admitted(results));
        GatewayError e = firstError(results);
        assertEquals(429, e.status());
        assertEquals("rate_limit_exceeded", e.code());
        assertEquals("requests", e.type());
        assertTrue(e.retryAfterSeconds() >= 1, "Retry-After " + e.retryAfterSeconds());
        assertEquals(190, rejections("rpm", "rate_limit_requests"));
    }

    @Test
    void everyRoundOf200ConcurrentAdmissionsIsExact() throws Exception {
        for (int round = 0; round < 20; round++) {
            TeamConfig team = new TeamConfig("round-" + round, Set.of(), Set.of(), List.of(), new Limits(10, 0, 0), null);
            Caller c = new Caller(team, "key-" + round, new Limits(0, 0, 0), List.of());
            assertEquals(10, admitted(concurrently(200, i -> replica(i).admit(c, 1, 0))), "round " + round);
        }
    }

    @Test
    void tokensPerMinuteAreExactUnder200ConcurrentAdmissions() throws Exception {
        Caller c = team("tpm", new Limits(0, 1000, 0));
        List<Object> results = concurrently(200, i -> replica(i).admit(c, 100, 0));
        assertEquals(10, admitted(results));
        assertEquals("tokens", firstError(results).type());
        assertEquals(190, rejections("tpm", "rate_limit_tokens"));
    }

    @Test
    void concurrencyIsExactUnder200ConcurrentAdmissions() throws Exception {
        Caller c = team("conc", new Limits(0, 0, 10));
        List<Object> first = concurrently(200, i -> replica(i).admit(c, 10, 0));
        assertEquals(10, admitted(first));
        assertEquals(190, rejections("conc", "concurrency"));
        for (Object o : first) if (o instanceof Ticket t) await(t.settle(5, 0));
        assertEquals(10, admitted(concurrently(200, i -> replica(i).admit(c, 10, 0))), "the slots were all freed");
    }

    @Test
    void aBudgetThatAllowsTenDispatchesAtMostTenOf200() throws Exception {
        Caller c = team("budget", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        List<Object> results = concurrently(200, i -> replica(i).admit(c, 10, R));
        assertEquals(10, admitted(results));
        GatewayError e = firstError(results);
        assertEquals(429, e.status());
        assertEquals("budget_exceeded", e.code());
        assertEquals("insufficient_quota", e.type());
        assertEquals("false", e.headers().get("x-should-retry"));
        assertEquals(-1, e.retryAfterSeconds());
        assertEquals(190, rejections("budget", "budget"));
    }

    @Test
    void theFinalSpendNeverExceedsTheBudget() throws Exception {
        Caller c = team("spend", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        long settled = 0;
        for (int round = 0; round < 100; round++) {
            List<Object> results = concurrently(50, i -> replica(i).admit(c, 10, R));
            if (admitted(results) == 0) break;
            int k = 0;
            for (Object o : results) {
                if (!(o instanceof Ticket t)) continue;
                long actual = R - (k++ % 3) * R / 3; // R, 667, 334: never more than reserved
                await(t.settle(10, actual));
                settled += actual;
            }
        }
        assertTrue(settled <= 10 * R, "spent " + settled);
        assertTrue(settled > 9 * R, "admitted until less than one reservation was left: " + settled);
    }

    // ---- all or nothing ------------------------------------------------------------------------------

    @Test
    void rejectedRequestsConsumeNothing() throws Exception {
        TeamConfig team = new TeamConfig("shared", Set.of(), Set.of(), List.of(), new Limits(5, 500, 5), null);
        // Every request of the broke key passes the team's limits, then fails its own budget: it must leave them untouched.
        Caller broke = new Caller(team, "key-broke", Limits.NONE, List.of(new Budget(0, Budget.Period.DAY, true)));
        List<Object> rejected = concurrently(100, i -> replica(i).admit(broke, 100, R));
        assertEquals(0, admitted(rejected));
        assertEquals("budget_exceeded", firstError(rejected).code());
        Caller rich = new Caller(team, "key-rich", Limits.NONE, List.of());
        assertEquals(5, admitted(concurrently(100, i -> replica(i).admit(rich, 100, R))),
                "5 requests, 500 tokens and 5 slots of the team were all still free");
    }

    @Test
    void settleAndReleaseCountOnlyOnce() throws Exception {
        Caller c = team("once", new Limits(0, 0, 1), new Budget(2 * R, Budget.Period.DAY, true));
        Ticket t = ticket(a.admit(c, 10, R));
        await(t.settle(10, R));
        await(t.settle(10, R));
        await(t.release());
        Ticket second = ticket(b.admit(c, 10, R)); // the slot was freed once and R spent once: R is left
        assertInstanceOf(GatewayError.class, outcome(a.admit(c, 10, 1)), "one slot, and it is taken");
        await(second.release());
        await(second.release());
        assertEquals("budget_exceeded", error(b.admit(c, 10, R + 1)).code(), "R spent, R left");
        await(ticket(b.admit(c, 10, R)).release());
    }

    @Test
    void releaseFreesTheSlotTokensAndReservationButTheRequestStillCounts() throws Exception {
        Caller c = team("release", new Limits(2, 1000, 1), new Budget(R, Budget.Period.DAY, true));
        await(ticket(a.admit(c, 1000, R)).release());
        await(ticket(b.admit(c, 1000, R)).release());
        GatewayError e = error(a.admit(c, 1, 1));
        assertEquals("requests", e.type(), "two requests were made in this minute");
    }

    @Test
    void settleCorrectsTheTokenChargeToTheActualTokens() throws Exception {
        Caller c = team("correct", new Limits(0, 1000, 0));
        await(ticket(a.admit(c, 900, 0)).settle(100, 0));
        Ticket t = ticket(b.admit(c, 900, 0)); // 100 + 900 = the whole minute
        assertEquals("tokens", error(a.admit(c, 1, 0)).type());
        await(t.settle(1000, 0)); // used more than estimated: charged in full
        clock.advance(Duration.ofMillis(6_000)); // refills 100 tokens, but 100 more were used
        assertEquals("tokens", error(a.admit(c, 1, 0)).type());
    }

    // ---- windows and headers -------------------------------------------------------------------------

    @Test
    void theMinuteRefillsWithTheClock() throws Exception {
        Caller c = team("refill", new Limits(10, 0, 0));
        for (int i = 0; i < 10; i++) ticket(replica(i).admit(c, 0, 0));
        GatewayError e = error(a.admit(c, 0, 0));
        assertEquals(6, e.retryAfterSeconds(), "one request comes back every 6 s");
        assertTrue(e.getMessage().contains("Limit 10, Used 10, Requested 1. Please try again in 6s."), e.getMessage());
        assertEquals("0", e.headers().get("x-ratelimit-remaining-requests"));
        clock.advance(Duration.ofMillis(5_999));
        assertInstanceOf(GatewayError.class, outcome(b.admit(c, 0, 0)));
        clock.advance(Duration.ofMillis(1));
        ticket(b.admit(c, 0, 0));
        assertInstanceOf(GatewayError.class, outcome(a.admit(c, 0, 0)));
        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) ticket(replica(i).admit(c, 0, 0));
        assertInstanceOf(GatewayError.class, outcome(a.admit(c, 0, 0)));
    }

    @Test
    void headersDescribeTheTightestLimit() throws Exception {
        TeamConfig team = new TeamConfig("headers", Set.of(), Set.of(), List.of(), new Limits(10, 10_000, 0), null);
        Caller c = new Caller(team, "key-h", new Limits(3, 100_000, 0), List.of());
        Map<String, String> h = ticket(a.admit(c, 100, 0)).headers();
        assertEquals(Map.of(
                "x-ratelimit-limit-requests", "3", "x-ratelimit-remaining-requests", "2", "x-ratelimit-reset-requests", "20s",
                "x-ratelimit-limit-tokens", "10000", "x-ratelimit-remaining-tokens", "9900", "x-ratelimit-reset-tokens", "600ms"), h);
        clock.advance(Duration.ofSeconds(1));
        Map<String, String> next = ticket(b.admit(c, 100, 0)).headers();
        assertEquals("1", next.get("x-ratelimit-remaining-requests"));
        assertEquals("39s", next.get("x-ratelimit-reset-requests"), "2 requests, one drained for 1 s of 20");
        assertEquals(Map.of(), ticket(a.admit(team("no-limits", Limits.NONE, new Budget(R, Budget.Period.DAY, false)), 1, 1)).headers());
        assertEquals(Map.of("x-ratelimit-limit-requests", "5", "x-ratelimit-remaining-requests", "4", "x-ratelimit-reset-requests", "12s"),
                ticket(a.admit(team("rpm-only", new Limits(5, 0, 0)), 1, 0)).headers());
    }

    @Test
    void aRequestLargerThanTheTokenLimitIsTooLargeNotRetryable() throws Exception {
        GatewayError e = error(a.admit(team("large", new Limits(0, 1000, 0)), 5000, 0));
        assertEquals("tokens", e.type());
        assertEquals(-1, e.retryAfterSeconds());
        assertEquals("false", e.headers().get("x-should-retry"));
        assertTrue(e.getMessage().startsWith("Request too large for tokens per minute (TPM) of team 'large'"), e.getMessage());
    }

    // ---- budgets: periods, seeding, soft alerts ---------------------------------------------------------

    @Test
    void budgetPeriodsRollOverAtUtcMidnight() throws Exception {
        Caller c = team("daily", Limits.NONE, new Budget(R, Budget.Period.DAY, true));
        await(ticket(a.admit(c, 1, R)).settle(1, R));
        clock.set(Instant.parse("2026-12-02T23:59:59.999Z"));
        assertEquals("budget_exceeded", error(b.admit(c, 1, 1)).code());
        clock.set(Instant.parse("2026-12-03T00:00:00Z"));
        ticket(b.admit(c, 1, R));
        assertTrue(spend.asked.contains("daily/null/2026-12-03"), spend.asked.toString());
    }

    @Test
    void weeklyAndMonthlyBudgetsStartOnMondayAndTheFirst() throws Exception {
        Caller c = new Caller(new TeamConfig("periods", Set.of(), Set.of(), List.of(new Budget(100 * R, Budget.Period.WEEK, true),
                new Budget(100 * R, Budget.Period.MONTH, true)), Limits.NONE, null), "key-p", Limits.NONE,
                List.of(new Budget(100 * R, Budget.Period.DAY, true)));
        ticket(a.admit(c, 1, R));
        assertTrue(spend.asked.containsAll(List.of("periods/null/2026-11-30", "periods/null/2026-12-01", "periods/key-p/2026-12-02")),
                spend.asked.toString());
    }

    @Test
    void spendIsSeededFromTheSourceOncePerReplicaAndNothingIsAdmittedBeforeIt() throws Exception {
        Promise<Long> seed = Promise.promise();
        spend.next = seed.future();
        Caller c = team("seeded", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Ticket>> pending = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            int n = i;
            pool.submit(() -> {
                go.await();
                pending.add(replica(n).admit(c, 1, R).toCompletionStage().toCompletableFuture());
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        Thread.sleep(200); // time for a wrong implementation to admit before the seed
        assertTrue(pending.stream().noneMatch(CompletableFuture::isDone), "no admission before the seed is known");
        assertTrue(spend.calls.get() >= 1 && spend.calls.get() <= 2, "asked once per replica, got " + spend.calls.get());
        seed.complete(5 * R); // half the budget was spent before this process started
        int admitted = 0;
        for (CompletableFuture<Ticket> f : pending) {
            try {
                f.get(10, TimeUnit.SECONDS);
                admitted++;
            } catch (ExecutionException e) {
                assertEquals("budget_exceeded", ((GatewayError) e.getCause()).code());
            }
        }
        assertEquals(5, admitted);
    }

    @Test
    void theFirstSeedWinsWhenReplicasSeedAtOnce() throws Exception {
        Promise<Long> first = Promise.promise(), second = Promise.promise();
        spend.queue.add(first.future());
        spend.queue.add(second.future());
        Caller c = team("race", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        CompletableFuture<Ticket> viaA = a.admit(c, 1, R).toCompletionStage().toCompletableFuture();
        CompletableFuture<Ticket> viaB = b.admit(c, 1, R).toCompletionStage().toCompletableFuture();
        waitUntil(() -> spend.calls.get() == 2); // each replica asks: neither has seeded yet
        first.complete(9 * R); // this seed is written first: 9R spent
        waitUntil(() -> viaA.isDone() || viaB.isDone());
        second.complete(0L); // the other replica's later seed does not overwrite it
        int admitted = 0;
        for (CompletableFuture<Ticket> f : List.of(viaA, viaB)) {
            try {
                f.get(10, TimeUnit.SECONDS);
                admitted++;
            } catch (ExecutionException e) {
                assertEquals("budget_exceeded", ((GatewayError) e.getCause()).code());
            }
        }
        assertEquals(1, admitted, "9R of 10R were spent: room for one");
    }

    @Test
    void theShareOfATeamBudgetInUseIsAGaugeAsOfTheLastAdmission() throws Exception {
        Caller c = team("gauged", Limits.NONE, new Budget(10 * R, Budget.Period.DAY, true));
        await(ticket(a.admit(c, 1, 4 * R)).settle(1, 2 * R));
        assertEquals(0.4, budgetUse("gauged", "day"), 1e-9, "4R reserved of 10R when admitted");
        ticket(a.admit(c, 1, 3 * R));
        assertEquals(0.5, budgetUse("gauged", "day"), 1e-9, "2R spent and 3R reserved");
    }

    @Test
    void aSoftBudgetNeverRejectsAndAlertsOncePerPeriod() throws Exception {
        Caller c = team("soft", Limits.NONE, new Budget(1000, Budget.Period.DAY, false));
        for (int i = 0; i < 6; i++) await(ticket(replica(i).admit(c, 1, 5_000)).settle(1, 300));
        assertEquals(1, alerts("soft"), "crossed once at 1200 of 1000");
        clock.advance(Duration.ofDays(1));
        for (int i = 0; i < 3; i++) await(ticket(replica(i).admit(c, 1, 5_000)).settle(1, 300));
        assertEquals(1, alerts("soft"), "900 of 1000 the next day");
        await(ticket(a.admit(c, 1, 5_000)).settle(1, 100));
        assertEquals(2, alerts("soft"), "reached exactly the next day");
        assertEquals(0, rejections("soft", "budget"));
    }

    @Test
    void aKeyBudgetCountsOnlyThatKey() throws Exception {
        TeamConfig team = new TeamConfig("keys", Set.of(), Set.of(), List.of(new Budget(10 * R, Budget.Period.DAY, true)), Limits.NONE, null);
        Caller k1 = new Caller(team, "key-1", Limits.NONE, List.of(new Budget(2 * R, Budget.Period.DAY, true)));
        Caller k2 = new Caller(team, "key-2", Limits.NONE, List.of(new Budget(2 * R, Budget.Period.DAY, true)));
        assertEquals(2, admitted(concurrently(20, i -> replica(i).admit(k1, 1, R))));
        GatewayError e = error(a.admit(k1, 1, R));
        assertTrue(e.getMessage().contains("daily budget of $0.002 of this API key"), e.getMessage());
        assertEquals(2, admitted(concurrently(20, i -> replica(i).admit(k2, 1, R))));
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    Quotas replica(int i) { return i % 2 == 0 ? a : b; }

    static Caller team(String name, Limits limits, Budget... budgets) {
        return new Caller(new TeamConfig(name, Set.of(), Set.of(), List.of(budgets), limits, null), null, Limits.NONE, List.of());
    }

    /** Runs {@code n} admissions from 8 threads released at once; returns tickets and errors. */
    static List<Object> concurrently(int n, IntFunction<Future<Ticket>> admit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<CompletableFuture<Ticket>>> submitted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            submitted.add(pool.submit(() -> {
                go.await();
                return admit.apply(k).toCompletionStage().toCompletableFuture();
            }));
        }
        go.countDown();
        List<Object> results = new ArrayList<>();
        for (var s : submitted) results.add(outcome(s.get(10, TimeUnit.SECONDS)));
        pool.shutdown();
        return results;
    }

    static Object outcome(Future<Ticket> f) throws Exception {
        return outcome(f.toCompletionStage().toCompletableFuture());
    }

    static Object outcome(CompletableFuture<Ticket> f) throws Exception {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    static Ticket ticket(Future<Ticket> f) throws Exception {
        Object o = outcome(f);
        if (o instanceof Ticket t) return t;
        throw new AssertionError("expected admission, got " + o);
    }

    static GatewayError error(Future<Ticket> f) throws Exception {
        return assertInstanceOf(GatewayError.class, outcome(f));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static int admitted(List<Object> results) {
        int n = 0;
        for (Object o : results) {
            if (o instanceof Ticket) n++;
            else assertInstanceOf(GatewayError.class, o);
        }
        return n;
    }

    static GatewayError firstError(List<Object> results) {
        return (GatewayError) results.stream().filter(o -> o instanceof GatewayError).findFirst().orElseThrow();
    }

    double rejections(String team, String reason) {
        Counter c = registry.find(QuotaMetrics.REJECTIONS).tags("team", team, "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    double budgetUse(String team, String period) {
        var g = registry.find(QuotaMetrics.BUDGET_USE).tags("team", team, "period", period).gauge();
        return g == null ? Double.NaN : g.value();
    }

    double alerts(String team) {
        Counter c = registry.find(QuotaMetrics.BUDGET_ALERTS).tags("team", team).counter();
        return c == null ? 0 : c.count();
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        waitUntil(condition, Duration.ofSeconds(10));
    }

    static void waitUntil(java.util.function.BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long end = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out");
            Thread.sleep(5);
        }
    }

    /** A spend source that answers 0, or the queued futures in order, or {@link #next} for every call; it records what it was asked. */
    static final class Spend implements SpendSource {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> asked = new CopyOnWriteArrayList<>();
        final java.util.Queue<Future<Long>> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile Future<Long> next;

        @Override
        public Future<Long> spentMicros(String team, String keyIdOrNull, LocalDate periodStart) {
            calls.incrementAndGet();
            asked.add(team + "/" + keyIdOrNull + "/" + periodStart);
            Future<Long> queued = queue.poll();
            if (queued != null) return queued;
            return next != null ? next : Future.succeededFuture(0L);
        }
    }

}
