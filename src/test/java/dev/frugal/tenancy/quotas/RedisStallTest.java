package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.core.Ids;
import dev.frugal.telemetry.QuotaMetrics;
import dev.frugal.tenancy.Caller;
import dev.frugal.testsupport.FakeTime;
import dev.frugal.testsupport.PausableProxy;
import dev.frugal.testsupport.RequiresRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.frugal.tenancy.quotas.QuotaContract.R;
import static dev.frugal.tenancy.quotas.QuotaContract.await;
import static dev.frugal.tenancy.quotas.QuotaContract.error;
import static dev.frugal.tenancy.quotas.QuotaContract.outcome;
import static dev.frugal.tenancy.quotas.QuotaContract.team;
import static dev.frugal.tenancy.quotas.QuotaContract.ticket;
import static dev.frugal.tenancy.quotas.QuotaContract.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis stalls for a few seconds behind a {@link PausableProxy}, then comes back: the requests
 * answered while it was silent must leave nothing behind (their admission scripts still reach Redis
 * when it resumes), and a replica started while Redis does not answer says so in its readiness.
 * The counters are read directly from Redis, around the proxy. Each test uses its own key prefix.
 */
@RequiresRedis
class RedisStallTest {
    static final Duration TIMEOUT = Duration.ofSeconds(1); // frugal.redis.timeout's default
    static final Duration LEASE = Duration.ofMinutes(15);
    static final long TOKENS = 100;
    static final int STALLED = 5;

    final FakeTime clock = new FakeTime(Instant.parse("2026-12-02T10:00:00Z"));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final String prefix = "frugal-test-" + Ids.random("", 10) + ":";
    Vertx vertx;
    Redis direct;
    PausableProxy proxy;
    final List<Quotas> made = new ArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        direct = Redis.createClient(vertx, RequiresRedis.URL);
        proxy = new PausableProxy("127.0.0.1", 6379);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        made.forEach(Quotas::close);
        Response keys = await(direct.send(Request.cmd(Command.KEYS).arg(prefix + "*")));
        for (Response k : keys) await(direct.send(Request.cmd(Command.DEL).arg(k.toString())));
        direct.close();
        await(vertx.close());
    }

    private Quotas quotas(boolean failOpen) {
        RedisQuotaStore store = new RedisQuotaStore(vertx, "redis://127.0.0.1:" + proxy.port(), prefix, TIMEOUT, LEASE,
                new QuotaMetrics(registry));
        Quotas q = new Quotas(store, (t, k, d) -> Future.succeededFuture(0L), clock, registry, failOpen);
        made.add(q);
        return q;
    }

    /**
     * One request is in flight through the stall, another one settles during it; five more arrive
     * while Redis is silent and are answered 503 (or admitted unchecked when failing open). Right
     * after Redis resumes, the team's counters hold exactly what the two served requests used, and
     * the next requests are admitted up to the limit — not locked out until the slots' lease ends.
     */
    @ParameterizedTest(name = "on-store-failure open: {0}")
    @ValueSource(booleans = {false, true})
    void requestsAnsweredDuringAStallLeaveNoSlotNorReservationBehind(boolean failOpen) throws Exception {
        Quotas q = quotas(failOpen);
        await(q.warmUp()); // as at the gateway's start
        // Low per-minute limits: Redis expires a drained bucket by its own clock, and these stay full for 20 s or more.
        Caller c = team("stall", new Limits(5, 500, 3), new Budget(10 * R, Budget.Period.DAY, true));
        Ticket inFlight = ticket(q.admit(c, TOKENS, R));
        Ticket settling = ticket(q.admit(c, TOKENS, R));

        proxy.pause();
        Future<Void> settled = settling.settle(50, R / 2);
        List<Future<Ticket>> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) stalled.add(q.admit(c, TOKENS, R));
        for (Future<Ticket> f : stalled) {
            if (failOpen) await(ticket(f).settle(TOKENS, R)); // admitted unchecked: nothing to settle in Redis
            else assertEquals("quota_store_unavailable", error(f).code());
        }
        Thread.sleep(2_000); // the stall goes on: the withdrawals sent meanwhile time out as well
        proxy.resume();

        waitUntil(() -> withdrawals("undone") + withdrawals("prevented") == STALLED && settled.isComplete(), Duration.ofSeconds(20));
        assertEquals(0, withdrawals("abandoned"));
        assertTrue(settled.succeeded(), "the settlement was sent again until Redis answered");
        assertEquals(1, zcard("t:c"), "the request in flight holds the only slot");
        assertEquals(R, field("t:b:day:2026-12-02", "reserved"), "and the only reservation");
        assertEquals(1, zcard("l:t:b:day:2026-12-02"));
        assertEquals(R / 2, field("t:b:day:2026-12-02", "spent"), "what the settled request cost, once");
        assertEquals(2 * 60_000, field("t:r", "u"), "two requests");
        assertEquals((TOKENS + 50) * 60_000, field("t:tk", "u"), "the estimate of one, the actual tokens of the other");

        Ticket next = ticket(q.admit(c, TOKENS, R));
        Ticket last = ticket(q.admit(c, TOKENS, R));
        assertEquals("rate_limit_exceeded", error(q.admit(c, TOKENS, R)).code(), "three slots, all taken by served requests");
        for (Ticket t : List.of(inFlight, next, last)) await(t.settle(TOKENS, R / 2));
        assertEquals(0, zcard("t:c"));
        assertEquals(0, field("t:b:day:2026-12-02", "reserved"));
        assertEquals(2 * R, field("t:b:day:2026-12-02", "spent"));
    }

    @Test
    void aReplicaStartedWhileRedisIsSilentIsNotReadyAndSaysWhyUntilRedisAnswers() throws Exception {
        proxy.pause();
        Quotas q = quotas(false);
        q.warmUntilReady(vertx, Duration.ofMillis(200));
        assertFalse(q.readiness().ready());
        waitUntil(() -> q.readiness().state().contains("did not answer"), Duration.ofSeconds(20));
        assertFalse(q.readiness().ready());
        assertTrue(q.readiness().state().contains("TimeoutException"), q.readiness().state());
        proxy.resume();
        waitUntil(() -> q.readiness().ready(), Duration.ofSeconds(20));
        assertEquals("ready", q.readiness().state());
        ticket(q.admit(team("started", new Limits(1, 0, 0)), 1, 0));
    }

    @Test
    void failingOpenAReplicaIsReadyOnceRedisFailedToAnswerAndSaysSo() throws Exception {
        proxy.pause();
        Quotas q = quotas(true);
        q.warmUntilReady(vertx, Duration.ofMillis(200));
        assertFalse(q.readiness().ready(), "not before the first attempt ended");
        waitUntil(() -> q.readiness().ready(), Duration.ofSeconds(20));
        assertTrue(q.readiness().state().contains("admitted without limits or budgets"), q.readiness().state());
        assertInstanceOf(Ticket.class, outcome(q.admit(team("open", new Limits(1, 0, 0)), 1, 0)));
    }

    private double withdrawals(String outcome) {
        Counter c = registry.find(QuotaMetrics.WITHDRAWALS).tags("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private long zcard(String counter) throws Exception {
        return await(direct.send(Request.cmd(Command.ZCARD).arg(prefix + "{stall}:" + counter))).toLong();
    }

    private long field(String counter, String field) throws Exception {
        Response r = await(direct.send(Request.cmd(Command.HGET).arg(prefix + "{stall}:" + counter).arg(field)));
        return r == null ? 0 : r.toLong();
    }
}
