package dev.frugal.config;

import dev.frugal.core.GatewayError;
import dev.frugal.testsupport.FakeTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lane that database work someone waits for runs in: bounded in threads, queue and time, and
 * a database that cannot be reached told apart from one that refuses the work.
 */
@Tag("unit")
class DatabaseLaneTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final List<DatabaseLane> lanes = new ArrayList<>();

    @AfterEach
    void close() {
        stalled.countDown();
        lanes.forEach(DatabaseLane::close);
        vertx.close();
    }

    private DatabaseLane lane(int threads, Duration timeout) {
        DatabaseLane lane = new DatabaseLane("calls", "frugal.db.timeout", threads, timeout, vertx, registry, new FakeTime());
        lanes.add(lane);
        return lane;
    }

    @Test
    void theAnswerArrivesOnTheCallersContext() throws Exception {
        DatabaseLane lane = lane(2, Duration.ofSeconds(5));
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Boolean> sameContext = new CompletableFuture<>();
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        caller.runOnContext(v -> lane.run(() -> {
            ranOn.complete(Thread.currentThread().getName());
            return 42;
        }).onComplete(ar -> sameContext.complete(ar.succeeded() && ar.result() == 42 && Vertx.currentContext() == caller)));
        assertTrue(sameContext.get(5, TimeUnit.SECONDS));
        assertTrue(ranOn.get().startsWith("frugal-db-calls-"), ranOn.get());
    }

    @Test
    void aStalledCallAnswers503AtItsTimeout() {
        DatabaseLane lane = lane(1, Duration.ofMillis(300));
        GatewayError e = failure(lane.run(() -> {
            stalled.await();
            return null;
        }));
        assertEquals(503, e.status());
        assertEquals("database_unavailable", e.code());
        assertEquals("service_unavailable_error", e.type());
        assertEquals(1, e.retryAfterSeconds(), "300 ms, rounded up to whole seconds");
        assertTrue(e.getMessage().contains("300 ms") && e.getMessage().contains("frugal.db.timeout"), e.getMessage());
        assertEquals(1.0, count("timeout"));
    }

    @Test
    void beyondItsThreadsAndQueueACallIsRefusedAtOnceAndCallsWhoseTimeRanOutNeverRun() throws Exception {
        DatabaseLane lane = lane(1, Duration.ofMillis(500));
        AtomicInteger ran = new AtomicInteger();
        List<Future<?>> calls = new ArrayList<>();
        calls.add(lane.run(() -> {
            ran.incrementAndGet();
            stalled.await();
            return null;
        }));
        for (int i = 0; i < DatabaseLane.MAX_QUEUED; i++) {
            calls.add(lane.run(() -> ran.incrementAndGet()));
        }
        Future<?> refused = lane.run(() -> ran.incrementAndGet());
        assertTrue(refused.failed(), "refused at once, not after the timeout");
        assertEquals("database_unavailable", ((GatewayError) refused.cause()).code());
        assertEquals(1.0, count("busy"));

        for (Future<?> f : calls) assertEquals("database_unavailable", failure(f).code());
        // calls whose time ran out left the queue: a new one finds room while the thread is still held
        Future<Integer> next = lane.run(() -> 1);
        assertTrue(!next.failed(), "queued, not refused");
        stalled.countDown();
        assertEquals(1, (int) next.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals(1, ran.get(), "only the call that held the thread ran, none of those whose time ran out");
    }

    @Test
    void aLostConnectionIs503AndAnyOtherFailurePassesAsItIs() {
        DatabaseLane lane = lane(2, Duration.ofSeconds(5));
        for (SQLException lost : List.of(new SQLException("I/O error", "08006"), new SQLException("Sorry, acquisition timeout!"),
                new SQLException("too many connections", "53300"), new SQLException("shutting down", "57P01"))) {
            GatewayError e = failure(lane.run(() -> { throw new IllegalStateException("database: cannot read", lost); }));
            assertEquals("database_unavailable", e.code(), lost.toString());
            assertEquals(5, e.retryAfterSeconds());
        }
        SQLException noTable = new SQLException("relation does not exist", "42P01");
        assertSame(noTable, cause(lane.run(() -> { throw noTable; })));
        GatewayError notFound = new GatewayError(404, "invalid_request_error", "team_not_found", null, "No team.");
        assertSame(notFound, cause(lane.run(() -> { throw notFound; })));
        assertEquals(4.0, count("unavailable"));
    }

    @Test
    void connectionsHandedOutOnALaneGiveUpReadsAfterItsTimeout() throws Exception {
        DatabaseLane lane = lane(1, Duration.ofMillis(1500));
        assertEquals(1500, (int) lane.run(() -> DatabaseLane.readTimeoutMillis(-1)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS));
        assertEquals(-1, DatabaseLane.readTimeoutMillis(-1), "elsewhere the fallback");
    }

    private double count(String reason) {
        return registry.get(DatabaseLane.METRIC_FAILED).tag("lane", "calls").tag("reason", reason).counter().count();
    }

    private static GatewayError failure(Future<?> f) {
        return assertInstanceOf(GatewayError.class, cause(f));
    }

    private static Throwable cause(Future<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        return e.getCause();
    }
}
