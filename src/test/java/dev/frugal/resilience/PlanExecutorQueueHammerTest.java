package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.TimeSource;
import dev.frugal.routing.Plan;
import dev.frugal.routing.Plans;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of plans on four real event loops share one deployment with a bulkhead of 3 and a
 * queue of 4 with a short timeout (then an unbounded deployment b answers); some clients leave at random moments. The deployment never has
 * more than 3 calls open, every plan ends, and afterwards no slot is held and nobody waits.
 */
@Tag("unit")
class PlanExecutorQueueHammerTest {
    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));

    @AfterEach
    void close() { vertx.close().toCompletionStage().toCompletableFuture().join(); }

    @Test
    void noSlotLeaksWhenWaitersTimeOutOrTheirClientsLeave() throws Exception {
        Backends backends = new Backends(TimeSource.SYSTEM);
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        PlanExecutor executor = new PlanExecutor(backends, new VertxScheduler(vertx), new java.util.Random(1), new RetryBudget(10),
                (a, o) -> outcomes.computeIfAbsent(a.deployment().upstreamModel() + ":" + o.tag(), k -> new AtomicInteger()).incrementAndGet());
        ResilienceSettings s = new ResilienceSettings(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), 1.0,
                1000, Duration.ofSeconds(30), 3, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ZERO, 0.5, 20,
                4, Duration.ofMillis(4));
        ResilienceSettings unbounded = new ResilienceSettings(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1),
                1.0, 1000, Duration.ofSeconds(30), 0, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ZERO, 0.5, 20,
                0, Duration.ofMillis(4));
        Plan plan = Plans.of(PlanExecutorTest.attempt("a"), PlanExecutorTest.attempt("b"));

        int requests = 3000;
        AtomicInteger open = new AtomicInteger();
        AtomicInteger maxOpen = new AtomicInteger();
        AtomicInteger clientsGone = new AtomicInteger();
        AtomicReference<Throwable> problem = new AtomicReference<>();
        CountDownLatch settled = new CountDownLatch(requests);
        for (int i = 0; i < requests; i++) {
            // from a non-Vert.x thread, each runOnContext lands on a new context of the next event loop;
            // arrivals are spread over a second, about twice what the deployment can serve
            vertx.runOnContext(v -> vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(1000), start -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Promise<Void> gone = Promise.promise();
                if (random.nextInt(4) == 0) vertx.setTimer(1 + random.nextInt(6), t -> gone.tryComplete());
                executor.<String>execute(plan, Execution.of(a -> a.deployment().upstreamModel().equals("a") ? s : unbounded, a -> {
                    if (a.deployment().upstreamModel().equals("b")) return Future.succeededFuture("b");
                    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    Promise<String> answer = Promise.promise();
                    vertx.setTimer(1 + random.nextInt(3), t -> {
                        open.decrementAndGet();
                        answer.complete("a");
                    });
                    return answer.future();
                }).until(gone.future())).onComplete(ar -> {
                    if (ar.succeeded()) { // the response is written, then the slot is given back
                        vertx.setTimer(1 + random.nextInt(2), t -> {
                            ar.result().release().run();
                            settled.countDown();
                        });
                        return;
                    }
                    if (ar.cause() instanceof PlanExecutor.AttemptsFailed f && f.error().status() == 499) clientsGone.incrementAndGet();
                    else problem.compareAndSet(null, ar.cause());
                    settled.countDown();
                });
            }));
        }
        assertTrue(settled.await(60, TimeUnit.SECONDS), "every plan ended; left: " + settled.getCount());
        assertNull(problem.get());
        BackendState a = backends.of(PlanExecutorTest.attempt("a"));
        assertTrue(maxOpen.get() <= 3, "at most 3 calls open at a, saw " + maxOpen.get());
        assertEquals(0, a.inFlight(), "no slot leaked");
        assertEquals(0, a.queued(), "nobody left waiting");
        assertTrue(count(outcomes, "a:success") > 0 && count(outcomes, "a:skipped_capacity") > 0 && clientsGone.get() > 0,
                "served, passed over and abandoned all happened: " + outcomes + ", clients gone " + clientsGone);
    }

    private static int count(Map<String, AtomicInteger> outcomes, String key) {
        AtomicInteger n = outcomes.get(key);
        return n == null ? 0 : n.get();
    }
}
