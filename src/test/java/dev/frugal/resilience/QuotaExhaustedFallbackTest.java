package dev.frugal.resilience;

import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;
import dev.frugal.provider.Credentials;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import dev.frugal.routing.Plans;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.frugal.resilience.PlanExecutorTest.S;
import static dev.frugal.resilience.PlanExecutorTest.attempt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10: a provider account out of credit (OpenAI's 429 {@code insufficient_quota}) is the
 * gateway's problem, not the caller's quota: the plan moves to the next deployment without
 * retrying the empty one, the empty one cools down for everyone, and with no deployment left the
 * client gets a gateway-side {@code upstream_quota_exhausted}, never its own {@code insufficient_quota}.
 */
@Tag("unit")
class QuotaExhaustedFallbackTest {
    final FakeTime now = new FakeTime();
    final Backends backends = new Backends(now);
    final Map<String, Deque<Object>> script = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    final PlanExecutor.Scheduler scheduler = new PlanExecutor.Scheduler() {
        @Override public void schedule(long delay, Runnable task) {
            now.advance(Duration.ofMillis(delay));
            task.run();
        }
        @Override public Runnable deadline(long delay, Runnable task) { return () -> {}; }
        @Override public java.util.concurrent.Executor caller() { return Runnable::run; }
    };

    final Function<Attempt, Future<String>> call = a -> {
        String d = a.deployment().upstreamModel();
        calls.add(d);
        Object o = script.get(d).poll();
        return o instanceof Throwable t ? Future.failedFuture(t) : Future.succeededFuture((String) o);
    };

    /** What OpenAI answers when the account behind the key has no credit left, as the adapter classifies it. */
    static UpstreamFailure insufficientQuota(String provider) {
        return dev.frugal.provider.openaiwire.OpenAiErrorMapper.toFailure(provider, 429, MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\","
                        + "\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}"),
                Credentials.NONE, TimeSource.SYSTEM);
    }

    void answers(String deployment, Object... outcomes) {
        script.computeIfAbsent(deployment, k -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    Future<PlanExecutor.Outcome<String>> run(Plan plan) {
        return new PlanExecutor(backends, scheduler, new java.util.Random(7), new RetryBudget(10)).execute(plan, Execution.of(a -> S, call));
    }

    @Test
    void theNextDeploymentServesAndTheEmptyOneIsSkippedByLaterRequests() {
        answers("a", insufficientQuota("a"));
        answers("b", "b1", "b2");
        Future<PlanExecutor.Outcome<String>> first = run(Plans.of(attempt("a"), attempt("b")));
        assertTrue(first.succeeded(), () -> "served by the next deployment: " + first.cause());
        assertEquals("b1", first.result().value());
        assertEquals(List.of("a", "b"), calls, "the empty account is not retried (retries: 1)");
        assertTrue(backends.of(attempt("a")).coolingDown(), "shown as cooling_down in /admin/backends");

        calls.clear();
        assertEquals("b2", run(Plans.of(attempt("a"), attempt("b"))).result().value());
        assertEquals(List.of("b"), calls, "a later request skips the cooling deployment");

        now.advance(Duration.ofSeconds(PlanExecutor.QUOTA_COOLDOWN_SECONDS + 1));
        assertFalse(backends.of(attempt("a")).coolingDown(), "tried again after the cooldown");
    }

    @Test
    void withNoOtherDeploymentTheClientGetsAGatewaySideError() {
        answers("a", insufficientQuota("a"));
        Future<PlanExecutor.Outcome<String>> f = run(Plans.of(attempt("a")));
        assertTrue(f.failed());
        GatewayError e = assertInstanceOf(PlanExecutor.AttemptsFailed.class, f.cause()).error();
        assertEquals(List.of("a"), calls, "not retried");
        assertEquals(503, e.status());
        assertEquals("upstream_quota_exhausted", e.code());
        assertEquals("upstream_error", e.type());
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("not your quota"), e.getMessage());
        assertEquals("false", e.headers().get("x-should-retry"), "retrying at once cannot help");
        assertFalse(e.code().equals("insufficient_quota") || e.type().equals("insufficient_quota"));
    }

    @Test
    void anEmptyAccountIsNotCountedAgainstTheCircuit() {
        for (int i = 0; i < 10; i++) {
            now.advance(Duration.ofSeconds(PlanExecutor.QUOTA_COOLDOWN_SECONDS + 1));
            answers("a", insufficientQuota("a"));
            run(Plans.of(attempt("a")));
        }
        assertEquals(CircuitBreaker.State.CLOSED, backends.of(attempt("a")).circuit(), "the cooldown keeps requests away, not the breaker");
        assertEquals(Kind.QUOTA_EXHAUSTED, insufficientQuota("a").kind());
    }
}
