package dev.frugal.tenancy.quotas;

import dev.frugal.config.Budget;
import dev.frugal.config.Limits;
import dev.frugal.core.GatewayError;
import dev.frugal.telemetry.QuotaMetrics;
import dev.frugal.tenancy.Caller;
import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.frugal.tenancy.quotas.QuotaContract.error;
import static dev.frugal.tenancy.quotas.QuotaContract.team;
import static dev.frugal.tenancy.quotas.QuotaContract.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a request gets when the counters cannot be reached: 503 when failing closed (the default), admitted when open. */
@Tag("unit")
class QuotaStoreFailureTest {
    static Vertx vertx;
    static String deadRedis;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final FakeTime clock = new FakeTime(Instant.parse("2026-12-02T10:00:00Z"));

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        try (ServerSocket s = new ServerSocket(0)) {
            deadRedis = "redis://127.0.0.1:" + s.getLocalPort(); // nothing listens there once closed
        }
    }

    @AfterAll
    static void stop() throws Exception {
        QuotaContract.await(vertx.close());
    }

    private Quotas overDeadRedis(boolean failOpen) {
        return new Quotas(deadStore(), (t, k, d) -> Future.succeededFuture(0L), clock, registry, failOpen);
    }

    private RedisQuotaStore deadStore() {
        return new RedisQuotaStore(vertx, deadRedis, "frugal:", Duration.ofMillis(500), Duration.ofMinutes(15), new QuotaMetrics(registry));
    }

    @Test
    void aRefusedConnectionSentNothingSoNothingIsWithdrawn() throws Exception {
        RedisQuotaStore store = deadStore();
        Quotas q = new Quotas(store, (t, k, d) -> Future.succeededFuture(0L), clock, registry, false);
        assertEquals(503, error(q.admit(team("t", new Limits(10, 0, 0)), 1, 0)).status());
        assertEquals(0, store.withdrawing(), "a withdrawal would be started as the admission failed");
        q.close();
    }

    @Test
    void aRedisDownAtStartKeepsAReplicaThatFailsClosedNotReadyAndSaysWhy() throws Exception {
        Quotas q = overDeadRedis(false);
        assertFalse(q.readiness().ready());
        QuotaContract.await(q.warmUp().otherwiseEmpty());
        assertFalse(q.readiness().ready());
        assertTrue(q.readiness().state().startsWith("the quota store did not answer"), q.readiness().state());
        assertTrue(q.readiness().state().contains("Connection refused"), q.readiness().state());
        assertFalse(q.readiness().state().contains("redis://"), "never the URL: it may hold a password");
        q.close();
    }

    @Test
    void aRedisDownAtStartLetsAReplicaThatFailsOpenBeReadyAndSaysSo() throws Exception {
        Quotas q = overDeadRedis(true);
        QuotaContract.await(q.warmUp().otherwiseEmpty());
        assertTrue(q.readiness().ready());
        assertTrue(q.readiness().state().contains("admitted without limits or budgets"), q.readiness().state());
        q.close();
    }

    @Test
    void theCountersOfOneProcessAreReadyAtOnce() throws Exception {
        Quotas q = new Quotas(new LocalQuotaStore(), (t, k, d) -> Future.succeededFuture(0L), clock, registry, false);
        QuotaContract.await(q.warmUp());
        assertEquals(new Quotas.Readiness(true, "ready"), q.readiness());
    }

    @Test
    void redisDownFailsClosedWith503ByDefault() throws Exception {
        Quotas q = overDeadRedis(false);
        GatewayError e = error(q.admit(team("t", new Limits(10, 0, 0)), 1, 0));
        assertEquals(503, e.status());
        assertEquals("quota_store_unavailable", e.code());
        assertEquals(1, e.retryAfterSeconds());
        assertEquals(1, failures("rejected"));
        q.close();
    }

    @Test
    void redisDownFailsOpenWhenConfiguredSo() throws Exception {
        Quotas q = overDeadRedis(true);
        Ticket t = ticket(q.admit(team("t", new Limits(10, 0, 0), new Budget(1, Budget.Period.DAY, true)), 1, 1_000_000));
        assertEquals(0, t.headers().size());
        QuotaContract.await(t.settle(1, 1)); // nothing to settle: the request was never counted
        assertEquals(1, failures("admitted"));
        q.close();
    }

    @Test
    void aCallerWithoutLimitsNeverTouchesTheStore() throws Exception {
        Quotas q = overDeadRedis(false);
        ticket(q.admit(team("free", Limits.NONE), 1_000, 1_000));
        assertEquals(0, failures("rejected"));
        q.close();
    }

    @Test
    void aSpendSourceThatFailsIsAskedAgainByTheNextRequest() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SpendSource flaky = (String team, String key, LocalDate start) ->
                calls.incrementAndGet() == 1 ? Future.failedFuture("database down") : Future.succeededFuture(0L);
        Quotas q = new Quotas(new LocalQuotaStore(), flaky, clock, registry, false);
        Caller c = team("flaky", Limits.NONE, new Budget(1_000, Budget.Period.DAY, true));
        assertEquals(503, error(q.admit(c, 1, 10)).status());
        ticket(q.admit(c, 1, 10));
        assertEquals(2, calls.get());
    }

    private double failures(String outcome) {
        var c = registry.find(QuotaMetrics.STORE_FAILURES).tags("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
