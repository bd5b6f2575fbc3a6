package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.core.Ids;
import dev.frugal.telemetry.QuotaMetrics;
import dev.frugal.tenancy.Caller;
import dev.frugal.testsupport.RedisScratch;
import dev.frugal.testsupport.RequiresRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QuotaContract} on Redis, with {@link #a} and {@link #b} as two replicas (each its own
 * client and seeding) that must agree on every limit; plus what only a shared store has: leases
 * of vanished replicas, key expiry, counters lost by Redis. Each test uses its own key prefix and
 * deletes its keys afterwards.
 */
@RequiresRedis
class RedisQuotasTest extends QuotaContract {
    static final Duration LEASE = Duration.ofMinutes(15);
    static RedisScratch redis;
    static Vertx vertx;
    static Redis admin;

    final String prefix = "frugal-test-" + Ids.random("", 10) + ":";
    final List<Quotas> made = new ArrayList<>();

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

    @Override
    Quotas replica() {
        Quotas q = new Quotas(store(), spend, clock, registry, false);
        made.add(q);
        return q;
    }

    RedisQuotaStore store() {
        return new RedisQuotaStore(vertx, RequiresRedis.URL, prefix, Duration.ofSeconds(5), LEASE, new QuotaMetrics(registry));
    }

    @AfterEach
    void flush() throws Exception {
        made.forEach(Quotas::close);
        redis.deleteKeys(prefix);
    }

    @Test
    void aVanishedReplicaHoldsItsSlotAndReservationOnlyUntilItsLeaseEnds() throws Exception {
        Caller c = team("vanished", new Limits(0, 0, 1), new Budget(R, Budget.Period.MONTH, true));
        ticket(a.admit(c, 1, R)); // a "crashes": never settles
        assertEquals("rate_limit_exceeded", error(b.admit(c, 1, R)).code());
        clock.advance(LEASE.plusMillis(1));
        await(ticket(b.admit(c, 1, R)).settle(1, R / 2)); // both the slot and the reservation came back
        assertEquals(R / 2, hashField("t:b:month:2026-12-01", "spent"));
        assertEquals(0, hashField("t:b:month:2026-12-01", "reserved"));
    }

    @Test
    void aLateSettleAfterTheLeaseEndedStillChargesTheSpendOnce() throws Exception {
        Caller c = team("late", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        Ticket t = ticket(a.admit(c, 1, R));
        clock.advance(LEASE.plusMillis(1));
        ticket(b.admit(c, 1, 2 * R)); // purges the expired lease
        assertEquals(2 * R, hashField("t:b:month:2026-12-01", "reserved"));
        await(t.settle(1, R));
        assertEquals(R, hashField("t:b:month:2026-12-01", "spent"));
        assertEquals(2 * R, hashField("t:b:month:2026-12-01", "reserved"), "the purged lease is not subtracted twice");
    }

    @Test
    void everyKeyExpiresAndAllOfATeamShareOneClusterSlot() throws Exception {
        Caller c = new Caller(team("ttl", new Limits(10, 1000, 2), new Budget(R, Budget.Period.DAY, true)).team(), "key-ttl",
                new Limits(5, 500, 1), List.of(new Budget(R, Budget.Period.WEEK, false)));
        ticket(a.admit(c, 10, 1));
        List<String> keys = keys();
        assertEquals(11, keys.size(), keys.toString()); // 2 × (concurrency, requests, tokens, budget, budget leases), admissions
        for (String k : keys) {
            assertTrue(k.startsWith(prefix + "{ttl}:"), k);
            long ttl = await(admin.send(Request.cmd(Command.PTTL).arg(k))).toLong();
            assertTrue(ttl > 0, k + " has no expiry: " + ttl);
        }
    }

    @Test
    void aBudgetCounterLostByRedisIsSeededAgain() throws Exception {
        Caller c = team("lost", Limits.NONE, new Budget(10 * R, Budget.Period.MONTH, true));
        ticket(a.admit(c, 1, R));
        for (String k : keys()) await(admin.send(Request.cmd(Command.DEL).arg(k))); // Redis restarted empty
        spend.next = Future.succeededFuture(10 * R); // the ledger knows the budget is spent
        assertEquals("budget_exceeded", error(a.admit(c, 1, R)).code());
        assertEquals(2, spend.calls.get());
    }

    /**
     * Redis expires keys by its own (real) clock; a replica's clock may be behind it (or a test's
     * fake clock on a fixed date). A budget counter must live until a day after its period's end
     * by the replica's clock, not expire at once because that instant is past by Redis's.
     */
    @Test
    void aReplicaWhoseClockIsADayBehindRedisKeepsItsBudgetCounter() throws Exception {
        clock.set(Instant.now().minus(Duration.ofDays(1)));
        checkBudgetCounterLivesByTheReplicasClock("behind");
    }

    @Test
    void aReplicaClockYearsInThePastStillSeedsAndEnforcesBudgets() throws Exception {
        clock.set(Instant.parse("2019-03-31T23:59:00Z"));
        checkBudgetCounterLivesByTheReplicasClock("past");
    }

    @Test
    void aReplicaClockAheadOfRedisDoesNotKeepCountersLongerThanItsPeriod() throws Exception {
        clock.set(Instant.now().plus(Duration.ofDays(3)));
        checkBudgetCounterLivesByTheReplicasClock("ahead");
    }

    private void checkBudgetCounterLivesByTheReplicasClock(String name) throws Exception {
        Caller c = team(name, Limits.NONE, new Budget(2 * R, Budget.Period.DAY, true));
        long replicaNow = clock.millis();
        await(ticket(a.admit(c, 1, R)).settle(1, R));
        await(ticket(b.admit(c, 1, R)).settle(1, R));
        assertEquals("budget_exceeded", error(a.admit(c, 1, R)).code(), "the seeded counter was kept and enforced");
        String counter = keys().stream().filter(k -> k.contains(":b:day:")).findFirst().orElseThrow();
        long pttl = await(admin.send(Request.cmd(Command.PTTL).arg(counter))).toLong();
        long periodEnd = LocalDate.ofEpochDay(Math.floorDiv(replicaNow, 86_400_000L) + 1).toEpochDay() * 86_400_000L;
        long expected = periodEnd + 86_400_000L - replicaNow; // the end of the replica's day, plus a day
        assertTrue(pttl > expected - 60_000 && pttl <= expected, "PTTL " + pttl + " ms, expected about " + expected + " ms");
    }

    @Test
    void theScriptIsLoadedWhenRedisDoesNotKnowIt() throws Exception {
        await(admin.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
        Caller c = team("noscript", new Limits(1, 0, 0));
        ticket(a.admit(c, 1, 0));
        assertEquals("rate_limit_exceeded", error(b.admit(c, 1, 0)).code());
    }

    // ---- answers lost in a stall: an admission is withdrawn, a settlement sent again, each acting once ----

    @Test
    void aWithdrawnAdmissionThatRunsLateChargesNothing() throws Exception {
        RedisQuotaStore s = store();
        QuotaStore.Demand d = seeded(s, team("late", new Limits(10, 1000, 1), new Budget(10 * R, Budget.Period.DAY, true)));
        assertFalse(await(s.withdrawOnce(d, "lease-1")), "it had not run");
        Throwable late = assertInstanceOf(IllegalStateException.class, s.admit(d, "lease-1").toCompletionStage()
                .handle((a, e) -> e).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(late.getMessage().contains("withdrawn"), late.getMessage());
        assertNothingCharged("late");
        assertTrue(await(s.admit(d, "lease-2")).admitted(), "the one slot is free");
        s.close();
    }

    @Test
    void aWithdrawalUndoesAnAdmissionThatRanOnceOnly() throws Exception {
        RedisQuotaStore s = store();
        QuotaStore.Demand d = seeded(s, team("undo", new Limits(10, 1000, 2), new Budget(10 * R, Budget.Period.DAY, true)));
        assertTrue(await(s.admit(d, "lease-1")).admitted());
        assertTrue(await(s.withdrawOnce(d, "lease-1")), "it had run");
        assertNothingCharged("undo");
        assertTrue(await(s.admit(d, "lease-2")).admitted());
        assertFalse(await(s.withdrawOnce(d, "lease-1")), "withdrawn already");
        assertEquals(1, zcard("undo", "t:c"), "the second withdrawal took nothing of another admission");
        assertEquals(R, field("undo", "t:b:day:2026-12-02", "reserved"));
        assertEquals(60_000, field("undo", "t:r", "u"), "one request");
        assertEquals(100 * 60_000, field("undo", "t:tk", "u"), "its 100 tokens");
        s.close();
    }

    @Test
    void aSettlementSentAgainIsAppliedOnceInEitherOrder() throws Exception {
        RedisQuotaStore s = store();
        QuotaStore.Demand d = seeded(s, team("twice", new Limits(10, 1000, 2), new Budget(10 * R, Budget.Period.DAY, true)));
        assertTrue(await(s.admit(d, "lease-1")).admitted());
        await(s.finishOnce(d, "lease-1", false, 50, R / 2, d.now()));
        await(s.finishOnce(d, "lease-1", true, 50, R / 2, d.now())); // the first answer was lost: sent again
        assertEquals(R / 2, field("twice", "t:b:day:2026-12-02", "spent"));
        assertEquals(50 * 60_000, field("twice", "t:tk", "u"));
        assertTrue(await(s.admit(d, "lease-2")).admitted());
        await(s.finishOnce(d, "lease-2", true, 50, R / 2, d.now())); // the second attempt overtook the first
        await(s.finishOnce(d, "lease-2", false, 50, R / 2, d.now()));
        assertEquals(R, field("twice", "t:b:day:2026-12-02", "spent"));
        assertEquals(0, field("twice", "t:b:day:2026-12-02", "reserved"));
        assertEquals(0, zcard("twice", "t:c"));
        assertEquals(100 * 60_000, field("twice", "t:tk", "u"));
        s.close();
    }

    /** The demand of one request of 100 tokens reserving R, with its budget counters seeded at 0. */
    private QuotaStore.Demand seeded(RedisQuotaStore s, Caller c) throws Exception {
        QuotaStore.Demand d = Quotas.demand(c, 100, R, clock.millis());
        for (QuotaStore.Check k : d.checks()) if (k.kind() == QuotaStore.Kind.BUDGET) await(s.seed(d.team(), k, 0, d.now()));
        return d;
    }

    private void assertNothingCharged(String team) throws Exception {
        assertEquals(0, zcard(team, "t:c"), "slots");
        assertEquals(0, field(team, "t:b:day:2026-12-02", "reserved"), "reservation");
        assertEquals(0, zcard(team, "l:t:b:day:2026-12-02"), "reservation leases");
        assertEquals(0, field(team, "t:r", "u"), "requests");
        assertEquals(0, field(team, "t:tk", "u"), "tokens");
    }

    private long zcard(String team, String counter) throws Exception {
        return await(admin.send(Request.cmd(Command.ZCARD).arg(prefix + "{" + team + "}:" + counter))).toLong();
    }

    private long field(String team, String counter, String field) throws Exception {
        Response r = await(admin.send(Request.cmd(Command.HGET).arg(prefix + "{" + team + "}:" + counter).arg(field)));
        return r == null ? 0 : r.toLong();
    }

    private List<String> keys() throws Exception {
        List<String> keys = redis.keys(prefix);
        assertFalse(keys.stream().anyMatch(k -> !k.startsWith(prefix)));
        return keys;
    }

    private long hashField(String counter, String field) throws Exception {
        Response r = await(admin.send(Request.cmd(Command.HGET).arg(keyOf(counter)).arg(field)));
        return r == null ? 0 : r.toLong();
    }

    private String keyOf(String counter) throws Exception {
        return keys().stream().filter(k -> k.endsWith("}:" + counter)).findFirst().orElseThrow();
    }
}
