package dev.frugal.resilience;

import dev.frugal.routing.Attempt;

/**
 * A cascade route's check of an answer that succeeded (docs/routing.md#cascades): keep it, or escalate to the
 * plan's next model. The executor asks only while a later attempt of another model is left; the last model's
 * answer is always kept. Called on the request's event loop; must not throw (a throw keeps the answer).
 *
 * @param <T> what an attempt gives: a whole answer, or a stream buffered whole
 */
@FunctionalInterface
public interface Escalation<T> {
    /**
     * @return why {@code answer} must be escalated (its reason's tag), or null to keep it. When it returns a
     *         reason, the caller has taken note of the answer (to bill it); the executor then tries the next
     *         model, and serves this answer after all if none of the later attempts answers
     */
    String escalate(Attempt attempt, T answer);
}
