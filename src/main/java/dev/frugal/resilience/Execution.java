package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.routing.Attempt;
import io.vertx.core.Future;

import java.util.function.Function;

/**
 * What one execution of a plan needs besides the plan: the settings of each attempt, the call
 * that makes it, and, optionally, a per-request listener and the client's departure. Immutable;
 * {@link #of} gives the defaults (no listener, a client that never leaves), the withers the rest.
 *
 * @param settings   the resilience settings in force for an attempt (deadlines, retries, bulkhead)
 * @param call       makes one attempt; a stream's future completes with its first chunk
 * @param perRequest told of each attempt after the executor's own listener
 * @param clientGone completes when the client leaves (on the request's event loop), or null: a wait
 *                   for a slot is given up at once and no further attempt is started; the result
 *                   then fails with a 499
 * @param escalation a cascade route's check of each answer but the last model's, or null: every answer is kept
 */
public record Execution<T>(Function<Attempt, ResilienceSettings> settings, Function<Attempt, Future<T>> call,
                           AttemptListener perRequest, Future<?> clientGone, Escalation<T> escalation) {

    public static <T> Execution<T> of(Function<Attempt, ResilienceSettings> settings, Function<Attempt, Future<T>> call) {
        return new Execution<>(settings, call, AttemptListener.NONE, null, null);
    }

    public Execution<T> listener(AttemptListener perRequest) {
        return new Execution<>(settings, call, perRequest, clientGone, escalation);
    }

    public Execution<T> until(Future<?> clientGone) {
        return new Execution<>(settings, call, perRequest, clientGone, escalation);
    }

    public Execution<T> escalating(Escalation<T> escalation) {
        return new Execution<>(settings, call, perRequest, clientGone, escalation);
    }
}
