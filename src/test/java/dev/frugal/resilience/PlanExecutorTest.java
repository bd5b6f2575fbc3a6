package dev.frugal.resilience;

import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.routing.Plans;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry loop, with a hand-moved clock and a scheduler that records delays instead of waiting. */
@Tag("unit")
class PlanExecutorTest {
    final FakeTime now = new FakeTime();
    final Backends backends = new Backends(now);
    final List<Long> delays = new ArrayList<>();
    final Deque<Runnable> scheduled = new ArrayDeque<>();
    final List<Runnable> deadlines = new ArrayList<>();
    final List<Long> deadlineDelays = new ArrayList<>();
    /** Tasks handed back to "the caller's event loop" (a slot released elsewhere); run by {@link #pump}. */
    final Deque<Runnable> hops = new ArrayDeque<>();
    /**
     * Runs scheduled tasks at once, moving the clock by their delay; deadlines fire only when a
     * test runs them; hand-overs to the caller's loop wait in {@link #hops}, as on an event loop.
     */
    final PlanExecutor.Scheduler scheduler = new PlanExecutor.Scheduler() {
        @Override public void schedule(long delay, Runnable task) {
            delays.add(delay);
            now.advance(Duration.ofMillis(delay));
            task.run();
        }

        @Override public Runnable deadline(long delay, Runnable task) {
            deadlines.add(task);
            deadlineDelays.add(delay);
            return () -> deadlines.remove(task);
        }

        @Override public java.util.concurrent.Executor caller() { return hops::add; }
    };

    /** Runs what was handed to the event loop, as it would next. */
    void pump() {
        while (!hops.isEmpty()) hops.poll().run();
    }
    final Map<String, Deque<Object>> script = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    static final ResilienceSettings S = settings(1, 1.0, 3, 0);

    static ResilienceSettings settings(int retries, double budget, int breakerFailures, int maxConcurrent) {
        return new ResilienceSettings(retries, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), budget,
                breakerFailures, Duration.ofSeconds(30), maxConcurrent, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ZERO, 0.5, 20, 0, Duration.ofSeconds(1));
    }

    /** No retries; a bulkhead of {@code maxConcurrent} with a queue of {@code maxQueue} and a 1 s queue timeout. */
    static ResilienceSettings queued(int maxConcurrent, int maxQueue, int breakerFailures) {
        return new ResilienceSettings(0, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), 1.0,
                breakerFailures, Duration.ofSeconds(30), maxConcurrent, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ZERO, 0.5, 20, maxQueue, Duration.ofSeconds(1));
    }

    static Attempt attempt(String name) {
        return new Attempt("m", new ModelConfig.Deployment(name, name, 1),
                ProviderConfig.http(name, ProviderKind.OPENAI, URI.create("http://h/v1"), null));
    }

    static final Plan PLAN = Plans.of(attempt("a"), attempt("b"));

    PlanExecutor executor(double budgetBurst) {
        return new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(budgetBurst));
    }

    /** Each call to a deployment takes the next scripted answer: a String value or a failure. */
    void answers(String deployment, Object... outcomes) {
        script.computeIfAbsent(deployment, k -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    final Function<Attempt, Future<String>> call = a -> {
        String d = a.deployment().upstreamModel();
        calls.add(d);
        Object o = script.get(d).poll();
        return o instanceof Throwable t ? Future.failedFuture(t) : Future.succeededFuture((String) o);
    };

    static UpstreamFailure fail(Kind kind, long retryAfter) {
        return new UpstreamFailure(kind, 0, kind.name(), null, retryAfter);
    }

    PlanExecutor.Outcome<String> ok(Future<PlanExecutor.Outcome<String>> f) {
        assertTrue(f.succeeded(), () -> "expected success, got " + f.cause());
        return f.result();
    }

    PlanExecutor.AttemptsFailed failed(Future<PlanExecutor.Outcome<String>> f) {
        assertTrue(f.failed(), "expected failure");
        return assertInstanceOf(PlanExecutor.AttemptsFailed.class, f.cause());
    }

    @Test
    void aServerErrorIsRetriedOnTheSameDeploymentAfterABackoff() {
        answers("a", fail(Kind.UPSTREAM_ERROR, -1), "second try");
        PlanExecutor.Outcome<String> o = ok(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        assertEquals("second try", o.value());
        assertEquals(List.of("a", "a"), calls);
        assertEquals(2, o.attempts());
        assertTrue(delays.get(0) >= 0 && delays.get(0) <= 100, "full jitter within the base: " + delays);
    }

    @Test
    void retryAfterIsHonouredThenTheNextDeploymentIsTried() {
        answers("a", fail(Kind.RATE_LIMITED, 1), fail(Kind.RATE_LIMITED, 1));
        answers("b", "from b");
        PlanExecutor.Outcome<String> o = ok(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        assertEquals("from b", o.value());
        assertEquals(List.of("a", "a", "b"), calls);
        assertEquals(List.of(1005L), delays, "waited out Retry-After: 1 once, then fell back");
    }

    @Test
    void aRetryAfterLongerThanTheCapMovesOnAtOnce() {
        answers("a", fail(Kind.RATE_LIMITED, 60));
        answers("b", "from b");
        assertEquals("from b", ok(executor(10).execute(PLAN, Execution.of(a -> S, call))).value());
        assertEquals(List.of(), delays);
    }

    @Test
    void aDeploymentCoolingDownAfter429IsSkippedByOtherRequests() {
        answers("a", fail(Kind.RATE_LIMITED, 60));
        answers("b", "b1", "b2");
        ok(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        calls.clear();
        ok(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        assertEquals(List.of("b"), calls, "a is cooling down for 60 s");
    }

    @Test
    void anEmptyRetryBudgetMeansFallbackWithoutRetry() {
        answers("a", fail(Kind.UPSTREAM_ERROR, -1));
        answers("b", "from b");
        ok(executor(0).execute(PLAN, Execution.of(a -> settings(1, 0.0, 3, 0), call)));
        assertEquals(List.of("a", "b"), calls);
    }

    @Test
    void aClientErrorEndsThePlanAtOnce() {
        answers("a", new UpstreamFailure(Kind.INVALID_REQUEST, 400, "bad", "temperature", -1));
        PlanExecutor.AttemptsFailed f = failed(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        assertEquals(400, f.error().status());
        assertEquals(1, f.attempts());
        assertEquals(List.of("a"), calls);
    }

    @Test
    void whenEveryDeploymentFailsTheLastFailureIsReported() {
        answers("a", fail(Kind.TIMEOUT, -1), fail(Kind.TIMEOUT, -1));
        answers("b", fail(Kind.UPSTREAM_ERROR, -1), fail(Kind.UPSTREAM_ERROR, -1));
        PlanExecutor.AttemptsFailed f = failed(executor(10).execute(PLAN, Execution.of(a -> S, call)));
        assertEquals(502, f.error().status());
        assertEquals(4, f.attempts());
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailuresAndClosesAfterARecoveredProbe() {
        ResilienceSettings noRetry = settings(0, 1.0, 3, 0);
        Plan onlyA = Plans.of(attempt("a"));
        answers("a", fail(Kind.UPSTREAM_ERROR, -1), fail(Kind.UPSTREAM_ERROR, -1), fail(Kind.UPSTREAM_ERROR, -1));
        for (int i = 0; i < 3; i++) failed(executor(10).execute(onlyA, Execution.of(a -> noRetry, call)));
        assertEquals(CircuitBreaker.State.OPEN, backends.of(attempt("a")).circuit());
        calls.clear();
        PlanExecutor.AttemptsFailed open = failed(executor(10).execute(onlyA, Execution.of(a -> noRetry, call)));
        assertEquals(503, open.error().status());
        assertEquals(0, open.attempts());
        assertEquals(List.of(), calls, "an open circuit is not called");
        now.advance(Duration.ofSeconds(31));
        answers("a", "recovered");
        assertEquals("recovered", ok(executor(10).execute(onlyA, Execution.of(a -> noRetry, call))).value());
        assertEquals(CircuitBreaker.State.CLOSED, backends.of(attempt("a")).circuit());
    }

    @Test
    void aDeploymentAtCapacityIsPassedOverUntilItsSlotIsReleased() {
        ResilienceSettings one = settings(1, 1.0, 3, 1);
        Plan onlyA = Plans.of(attempt("a"));
        answers("a", "first", "third");
        PlanExecutor.Outcome<String> first = ok(executor(10).execute(onlyA, Execution.of(a -> one, call)));
        PlanExecutor.AttemptsFailed busy = failed(executor(10).execute(onlyA, Execution.of(a -> one, call)));
        assertEquals(503, busy.error().status());
        assertEquals(1, busy.error().retryAfterSeconds());
        assertTrue(busy.error().getMessage().contains("at capacity"));
        first.release().run();
        first.release().run(); // twice is harmless
        assertEquals("third", ok(executor(10).execute(onlyA, Execution.of(a -> one, call))).value());
        assertEquals(1, backends.of(attempt("a")).inFlight());
    }

    @Test
    void anAttemptSilentPastItsFirstTokenDeadlineTimesOutAndTheNextDeploymentAnswers() {
        io.vertx.core.Promise<String> never = io.vertx.core.Promise.promise();
        List<String> seen = new ArrayList<>();
        Function<Attempt, Future<String>> slowA = a -> {
            seen.add(a.deployment().upstreamModel());
            return a.deployment().upstreamModel().equals("a") ? never.future() : Future.succeededFuture("from b");
        };
        Future<PlanExecutor.Outcome<String>> f = executor(0).execute(PLAN, Execution.of(a -> settings(0, 0, 3, 0), slowA));
        assertTrue(!f.isComplete(), "waiting for a");
        assertEquals(1, deadlines.size());
        deadlines.get(0).run(); // a's first-token deadline passes
        assertEquals("from b", ok(f).value());
        assertEquals(List.of("a", "b"), seen);
        assertEquals(0, backends.of(attempt("a")).inFlight(), "a's slot was released");
        never.complete("too late"); // ignored
        assertEquals("from b", f.result().value());
    }

    @Test
    void everyDeploymentTriedOrPassedOverIsReportedWithItsOutcome() {
        List<String> seen = new ArrayList<>();
        AttemptListener listener = (a, o) -> seen.add(a.deployment().upstreamModel() + ":" + o.tag());
        PlanExecutor executor = new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10), listener);
        Plan three = Plans.of(attempt("a"), attempt("b"), attempt("c"));
        answers("a", fail(Kind.OVERLOADED, -1), fail(Kind.RATE_LIMITED, 60)); // the 60 s Retry-After is past the cap: next
        answers("b", fail(Kind.TIMEOUT, -1), fail(Kind.NETWORK, -1));
        answers("c", "from c");
        assertEquals("from c", ok(executor.execute(three, Execution.of(x -> S, call))).value());
        assertEquals(List.of("a:overloaded", "a:rate_limited", "b:timeout", "b:network", "c:success"), seen);

        seen.clear(); // a now cools down for 60 s; a client error ends the plan at once
        answers("b", fail(Kind.CONTEXT_TOO_LONG, -1));
        assertEquals(400, failed(executor.execute(three, Execution.of(x -> S, call))).error().status());
        assertEquals(List.of("a:skipped_cooling", "b:context_too_long"), seen);
    }

    @Test
    void theDeadlineAndPassedOverDeploymentsAreReportedToo() {
        List<String> seen = new ArrayList<>();
        PlanExecutor executor = new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10),
                (a, o) -> seen.add(a.deployment().upstreamModel() + ":" + o.tag()));
        ResilienceSettings one = settings(0, 1.0, 1, 1);
        Promise<String> never = Promise.promise();
        Future<PlanExecutor.Outcome<String>> slow = executor.execute(PLAN, Execution.of(x -> one, a -> a.deployment().upstreamModel().equals("a")
                ? never.future() : Future.failedFuture(fail(Kind.UPSTREAM_ERROR, -1))));
        // a holds its only slot; a second request passes it over for capacity, and b's failure opens b's circuit
        failed(executor.execute(PLAN, Execution.of(x -> one, a -> Future.failedFuture(fail(Kind.UPSTREAM_ERROR, -1)))));
        assertEquals(List.of("a:skipped_capacity", "b:upstream_error"), seen);
        seen.clear();
        deadlines.get(0).run(); // a's first-token deadline fires; b's circuit is open
        failed(slow);
        assertEquals(List.of("a:timeout", "b:skipped_open"), seen);
    }
    // ---- the bulkhead's queue ----------------------------------------------------------------

    static final Plan ONLY_A = Plans.of(attempt("a"));

    /** A call that answers only when the test completes its promise; each call's promise is kept in order. */
    final List<Promise<String>> pending = new ArrayList<>();

    Function<Attempt, Future<String>> held(String who) {
        return a -> {
            calls.add(who + "@" + a.deployment().upstreamModel());
            if (a.deployment().upstreamModel().equals("b")) return Future.succeededFuture(who + " from b");
            Promise<String> p = Promise.promise();
            pending.add(p);
            return p.future();
        };
    }

    @Test
    void aReleasedSlotGoesToTheOldestWaiterOnItsOwnEventLoop() {
        ResilienceSettings s = queued(1, 2, 3);
        PlanExecutor ex = executor(10);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(ONLY_A, Execution.of(a -> s, held("r2")));
        Future<PlanExecutor.Outcome<String>> r3 = ex.execute(ONLY_A, Execution.of(a -> s, held("r3")));
        BackendState a = backends.of(attempt("a"));
        assertEquals(List.of("r1@a"), calls, "r2 and r3 wait");
        assertEquals(1, a.inFlight());
        assertEquals(2, a.queued());

        pending.get(0).complete("one");
        ok(r1).release().run();
        assertEquals(List.of("r1@a"), calls, "the hand-over runs on r2's own loop, not inline in r1's release");
        assertEquals(1, a.inFlight(), "the slot passed straight to r2");
        pump();
        assertEquals(List.of("r1@a", "r2@a"), calls, "the oldest waiter first");
        assertEquals(1, a.queued());

        Future<PlanExecutor.Outcome<String>> r4 = ex.execute(ONLY_A, Execution.of(a2 -> s, held("r4")));
        assertEquals(2, a.queued(), "a newcomer queues behind r3");
        pending.get(1).complete("two");
        ok(r2).release().run();
        pump();
        pending.get(2).complete("three");
        ok(r3).release().run();
        pump();
        assertEquals(List.of("r1@a", "r2@a", "r3@a", "r4@a"), calls);
        pending.get(3).complete("four");
        ok(r4).release().run();
        assertEquals(0, a.inFlight());
        assertEquals(0, a.queued());
        assertEquals(List.of(), deadlines, "every queue timer was cancelled");
    }

    @Test
    void aWaiterWhoseQueueTimeoutPassesMovesToTheNextDeploymentAndNeverTakesTheSlot() {
        List<String> seen = new ArrayList<>();
        PlanExecutor ex = new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10),
                (a, o) -> seen.add(a.deployment().upstreamModel() + ":" + o.tag()));
        ResilienceSettings s = queued(1, 1, 3);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(PLAN, Execution.of(a -> s, held("r1")));
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(PLAN, Execution.of(a -> s, held("r2")));
        assertTrue(!r2.isComplete(), "r2 waits for a");
        assertEquals(List.of(60_000L, 1_000L), deadlineDelays, "r1's first-token deadline, then r2's queue timeout");
        deadlines.get(1).run(); // r2's queue timeout passes
        assertEquals("r2 from b", ok(r2).value());
        assertEquals(List.of("r1@a", "r2@b"), calls);
        assertEquals(List.of("a:skipped_capacity", "b:success"), seen.subList(0, 2));

        pending.get(0).complete("one");
        ok(r1).release().run();
        pump();
        BackendState a = backends.of(attempt("a"));
        assertEquals(0, a.inFlight(), "the slot was not kept for r2, which gave up");
        assertEquals(0, a.queued());
    }

    @Test
    void aFullQueueMovesOnAtOnceAndWithNoDeploymentLeftTheClientGets503() {
        ResilienceSettings s = queued(1, 1, 3);
        PlanExecutor ex = executor(10);
        ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(ONLY_A, Execution.of(a -> s, held("r2")));
        Future<PlanExecutor.Outcome<String>> r3 = ex.execute(PLAN, Execution.of(a -> s, held("r3")));
        assertEquals("r3 from b", ok(r3).value(), "the queue is full: straight to b");
        PlanExecutor.AttemptsFailed busy = failed(ex.execute(ONLY_A, Execution.of(a -> s, held("r4"))));
        assertEquals(503, busy.error().status());
        assertEquals("no_backend_available", busy.error().code());
        assertEquals(1, busy.error().retryAfterSeconds());
        assertTrue(busy.error().getMessage().contains("at capacity"), busy.error().getMessage());
        assertTrue(!r2.isComplete());
    }

    @Test
    void theWaitCountsAgainstTheAttemptsFirstTokenDeadline() {
        ResilienceSettings s = queued(1, 1, 3);
        PlanExecutor ex = executor(10);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        ex.execute(ONLY_A, Execution.of(a -> s, held("r2")));
        now.advance(Duration.ofMillis(300));
        pending.get(0).complete("one");
        ok(r1).release().run();
        pump();
        assertEquals(List.of("r1@a", "r2@a"), calls);
        assertEquals(List.of(60_000L, 1_000L, 59_700L), deadlineDelays, "r2 waited 300 ms of its 60 s");
    }

    @Test
    void aWaitIsBoundedByTheFirstTokenDeadlineToo() {
        ResilienceSettings s = queued(1, 1, 3).withDeadlines(Duration.ofMillis(400), Duration.ofMinutes(10));
        PlanExecutor ex = executor(10);
        ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        ex.execute(ONLY_A, Execution.of(a -> s, held("r2")));
        assertEquals(List.of(400L, 400L), deadlineDelays);
    }

    @Test
    void aClientThatLeavesWhileWaitingGivesUpAtOnceAndNeverTakesASlot() {
        ResilienceSettings s = queued(1, 1, 3);
        PlanExecutor ex = executor(10);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        Promise<Void> gone = Promise.promise();
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(ONLY_A, Execution.of(a -> s, held("r2")).until(gone.future()));
        gone.complete();
        PlanExecutor.AttemptsFailed left = failed(r2);
        assertEquals(499, left.error().status());
        assertEquals(0, left.attempts());
        BackendState a = backends.of(attempt("a"));
        assertEquals(0, a.queued());
        assertEquals(1, deadlines.size(), "r2's queue timer was cancelled");
        pending.get(0).complete("one");
        ok(r1).release().run();
        pump();
        assertEquals(0, a.inFlight());
        assertEquals(List.of("r1@a"), calls, "r2 never called");
    }

    @Test
    void aClientThatLeavesJustAfterItsSlotWasHandedOverPassesTheSlotOn() {
        ResilienceSettings s = queued(1, 2, 3);
        PlanExecutor ex = executor(10);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(ONLY_A, Execution.of(a -> s, held("r1")));
        Promise<Void> gone = Promise.promise();
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(ONLY_A, Execution.of(a -> s, held("r2")).until(gone.future()));
        ex.execute(ONLY_A, Execution.of(a -> s, held("r3")));
        pending.get(0).complete("one");
        ok(r1).release().run(); // the slot is handed to r2; its wake-up is not yet run on its loop
        gone.complete();
        assertEquals(499, failed(r2).error().status());
        pump(); // r2's wake-up finds its client gone and passes the slot to r3
        pump();
        assertEquals(List.of("r1@a", "r3@a"), calls);
        assertEquals(1, backends.of(attempt("a")).inFlight(), "r3's slot only");
    }

    @Test
    void aQueueTimeoutThatRacesAHandOverLetsTheWaiterUseTheSlot() {
        ResilienceSettings s = queued(1, 1, 3);
        PlanExecutor ex = executor(10);
        Future<PlanExecutor.Outcome<String>> r1 = ex.execute(PLAN, Execution.of(a -> s, held("r1")));
        Future<PlanExecutor.Outcome<String>> r2 = ex.execute(PLAN, Execution.of(a -> s, held("r2")));
        pending.get(0).complete("one");
        ok(r1).release().run(); // handed to r2 ...
        deadlines.get(deadlines.size() - 1).run(); // ... while its queue timer fires on its loop
        pump();
        assertEquals(List.of("r1@a", "r2@a"), calls, "r2 used the slot it was given, not b");
        pending.get(1).complete("two");
        ok(r2).release().run();
        assertEquals(0, backends.of(attempt("a")).inFlight());
    }

    @Test
    void nobodyWaitsForADeploymentWhoseCircuitWouldRefuseIt() {
        ResilienceSettings s = queued(1, 1, 1);
        PlanExecutor ex = executor(10);
        failed(ex.execute(ONLY_A, Execution.of(a -> s, x -> Future.failedFuture(fail(Kind.UPSTREAM_ERROR, -1))))); // opens a
        now.advance(Duration.ofSeconds(31));
        ex.execute(ONLY_A, Execution.of(a -> s, held("probe"))); // the half-open probe holds the only slot
        int timers = deadlines.size();
        PlanExecutor.AttemptsFailed busy = failed(ex.execute(ONLY_A, Execution.of(a -> s, held("r2"))));
        assertEquals(503, busy.error().status());
        assertEquals(0, backends.of(attempt("a")).queued());
        assertEquals(timers, deadlines.size(), "no queue timer: r2 did not wait");
    }
}
