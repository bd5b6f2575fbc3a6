package dev.frugal.resilience;

import dev.frugal.routing.Attempt;

/**
 * Told of every deployment a plan tried or passed over, on the request's event loop. Kept an
 * interface so that resilience does not depend on telemetry: the pipeline wires it to metrics.
 * Must be cheap and must not throw.
 */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = (attempt, outcome) -> {};

    void onAttempt(Attempt attempt, AttemptOutcome outcome);
}
