package dev.frugal.resilience;

import dev.frugal.config.ModelConfig;
import dev.frugal.config.ProviderConfig;
import dev.frugal.config.ProviderKind;
import dev.frugal.config.ResilienceSettings;
import dev.frugal.provider.Probeable;
import dev.frugal.routing.Attempt;
import dev.frugal.testsupport.FakeTime;
import io.vertx.core.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Why routing passes a deployment over before planning ({@link Backends#unavailable}): the executor's own
 * checks, read without taking a slot or a half-open circuit's trial, and without adding a deployment never called.
 */
@Tag("unit")
class BackendsUnavailableTest {
    final FakeTime time = new FakeTime();
    final Backends backends = new Backends(time);
    static final ProviderConfig BOX = ProviderConfig.http("box", ProviderKind.OPENAI, URI.create("http://h/v1"), null);
    static final Attempt A = new Attempt("m", new ModelConfig.Deployment("box", "a", 1), BOX);
    /** Opens after 2 failures, cools down 30 s. */
    static final ResilienceSettings S = settings(2, Duration.ofSeconds(30));

    @Test
    void aDeploymentNeverCalledIsAvailableAndLookingDoesNotAddIt() {
        assertNull(backends.unavailable(A, S));
        assertEquals(List.of(), List.copyOf(backends.all()), "explain and routing leave no trace in /admin/backends");
    }

    @Test
    void anOpenCircuitIsUnavailableUntilItsCooldownEndsThenItsOneTrialGoesThrough() {
        BackendState b = backends.of(A);
        b.onFailure(S, -1);
        assertNull(backends.unavailable(A, S), "one failure: still closed");
        b.onFailure(S, -1);
        assertEquals("circuit_open", backends.unavailable(A, S));
        time.advance(Duration.ofSeconds(30));
        assertNull(backends.unavailable(A, S), "the cooldown is over: a trial may go");
        assertNull(backends.unavailable(A, S), "and asking again does not take it");
        assertEquals(BackendState.Admission.ADMITTED, b.admit(S, false, null), "the executor's trial");
        assertEquals("circuit_open", backends.unavailable(A, S), "half-open with its trial in flight");
    }

    @Test
    void eachDeploymentsCircuitIsAGaugeClosedHalfOpenOpen() {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        Backends exported = new Backends(time, registry);
        BackendState b = exported.of(A);
        java.util.function.DoubleSupplier state = () -> registry.get(Backends.CIRCUIT_STATE)
                .tags("provider", "box", "deployment", "box/a").gauge().value();
        assertEquals(0, state.getAsDouble(), "closed");
        b.onFailure(S, -1);
        b.onFailure(S, -1);
        assertEquals(2, state.getAsDouble(), "open");
        time.advance(Duration.ofSeconds(30));
        assertEquals(BackendState.Admission.ADMITTED, b.admit(S, false, null));
        assertEquals(1, state.getAsDouble(), "half-open, its trial in flight");
    }

    @Test
    void a429WithRetryAfterCoolsTheDeploymentDown() {
        backends.of(A).onFailure(S, 7);
        assertEquals("cooling_down", backends.unavailable(A, S));
        time.advance(Duration.ofSeconds(7));
        assertNull(backends.unavailable(A, S));
    }

    @Test
    void aProviderFailingItsProbesIsDownForEveryDeploymentOnIt() {
        Probeable failing = () -> Future.failedFuture("HTTP 503");
        for (int i = 0; i < HealthProbes.FAILURES_TO_DOWN; i++) {
            backends.probes().tick(List.of(BOX), p -> Duration.ofSeconds(1), p -> failing);
            time.advance(Duration.ofSeconds(1));
        }
        assertEquals("probe_down", backends.unavailable(A, S));
        assertEquals(List.of(), List.copyOf(backends.all()), "known from the probes alone");
    }

    private static ResilienceSettings settings(int failures, Duration cooldown) {
        ResilienceSettings d = ResilienceSettings.DEFAULT;
        return new ResilienceSettings(d.retries(), d.backoff(), d.maxBackoff(), d.maxRetryAfter(), d.retryBudget(), failures, cooldown,
                d.maxConcurrent(), d.firstToken(), d.total(), d.probeInterval(), d.breakerFailureRatio(), d.breakerWindow(),
                d.maxQueue(), d.queueTimeout());
    }
}
