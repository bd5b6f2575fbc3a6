package dev.frugal.resilience;

import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.routing.Plans;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
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

/**
 * The retry loop on a cascade route ({@link Escalation}): an answer that fails the check moves the plan to the next
 * model (not the same model's next deployment), the last model's answer is never checked, and an answer set aside is
 * served when nothing later answers.
 */
@Tag("unit")
class PlanExecutorCascadeTest {
    final FakeTime now = new FakeTime();
    final Backends backends = new Backends(now);
    final PlanExecutor.Scheduler scheduler = new PlanExecutor.Scheduler() {
        @Override public void schedule(long delay, Runnable task) { task.run(); }

        @Override public Runnable deadline(long delay, Runnable task) { return () -> {}; }

        @Override public java.util.concurrent.Executor caller() { return Runnable::run; }
    };
    final Map<String, Deque<Object>> script = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<String> told = new ArrayList<>();

    static Attempt attempt(String model, String deployment) {
        return new Attempt(model, new ModelConfig.Deployment(deployment, deployment, 1),
                ProviderConfig.http(deployment, ProviderKind.OPENAI, URI.create("http://h/v1"), null));
    }

    /** cheap (two deployments), then strong. */
    static final Plan PLAN = Plans.of(attempt("cheap", "c1"), attempt("cheap", "c2"), attempt("strong", "s1"));

    void answers(String deployment, Object... outcomes) {
        script.computeIfAbsent(deployment, k -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    final Function<Attempt, Future<String>> call = a -> {
        String d = a.deployment().upstreamModel();
        calls.add(d);
        Object o = script.get(d).poll();
        return o instanceof Throwable t ? Future.failedFuture(t) : Future.succeededFuture((String) o);
    };

    /** Escalates answers that say "bad". */
    final Escalation<String> check = (a, answer) -> answer.startsWith("bad") ? "length" : null;

    Future<PlanExecutor.Outcome<String>> run(Plan plan) {
        PlanExecutor executor = new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10));
        return executor.execute(plan, Execution.of(a -> PlanExecutorTest.S, call).escalating(check)
                .listener((a, outcome) -> told.add(a.deployment().upstreamModel() + "=" + outcome.tag())));
    }

    @Test
    void aBadAnswerGoesToTheNextModelNotTheSameModelsNextDeployment() {
        answers("c1", "bad: cut short");
        answers("s1", "good");
        PlanExecutor.Outcome<String> o = run(PLAN).result();
        assertEquals("good", o.value());
        assertEquals("strong", o.attempt().model());
        assertEquals(List.of("c1", "s1"), calls);
        assertEquals(2, o.attempts());
        assertEquals(List.of("c1=escalated", "s1=success"), told);
        assertEquals(0, backends.of(attempt("cheap", "c1")).inFlight(), "the escalated answer's slot is given back");
    }

    @Test
    void aGoodAnswerIsKept() {
        answers("c1", "fine");
        assertEquals("fine", run(PLAN).result().value());
        assertEquals(List.of("c1"), calls);
    }

    @Test
    void theLastModelsAnswerIsNeverChecked() {
        answers("s1", "bad but last");
        assertEquals("bad but last", run(Plans.of(attempt("strong", "s1"))).result().value());
        assertEquals(List.of("s1=success"), told);
    }

    @Test
    void whenNothingLaterAnswersTheAnswerSetAsideIsServed() {
        answers("c1", "bad: cut short");
        answers("s1", new UpstreamFailure(Kind.UPSTREAM_ERROR, 500, "down", null, -1),
                new UpstreamFailure(Kind.UPSTREAM_ERROR, 500, "down", null, -1));
        PlanExecutor.Outcome<String> o = run(PLAN).result();
        assertEquals("bad: cut short", o.value(), "better than no answer");
        assertEquals("cheap", o.attempt().model());
        assertEquals(3, o.attempts());
    }

    @Test
    void aClientErrorFromTheNextModelServesTheAnswerSetAside() {
        answers("c1", "bad: cut short");
        answers("s1", new UpstreamFailure(Kind.INVALID_REQUEST, 400, "no", null, -1));
        assertEquals("bad: cut short", run(PLAN).result().value());
    }

    @Test
    void aClientErrorBeforeAnyAnswerIsNeverEscalated() {
        answers("c1", new UpstreamFailure(Kind.INVALID_REQUEST, 400, "bad temperature", "temperature", -1));
        Future<PlanExecutor.Outcome<String>> f = run(PLAN);
        assertTrue(f.failed());
        assertEquals(400, assertInstanceOf(PlanExecutor.AttemptsFailed.class, f.cause()).error().status());
        assertEquals(List.of("c1"), calls);
    }

    @Test
    void aFailureFallsBackToTheSameModelsNextDeploymentAsBefore() {
        answers("c1", new UpstreamFailure(Kind.UPSTREAM_ERROR, 500, "down", null, -1),
                new UpstreamFailure(Kind.UPSTREAM_ERROR, 500, "down", null, -1));
        answers("c2", "fine from c2");
        assertEquals("fine from c2", run(PLAN).result().value());
        assertEquals(List.of("c1", "c1", "c2"), calls);
    }

    @Test
    void aCheckThatThrowsKeepsTheAnswer() {
        answers("c1", "fine");
        PlanExecutor executor = new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10));
        Future<PlanExecutor.Outcome<String>> f = executor.execute(PLAN, Execution.of(a -> PlanExecutorTest.S, call)
                .escalating((a, answer) -> { throw new IllegalStateException("boom"); }));
        assertEquals("fine", f.result().value());
    }
}
