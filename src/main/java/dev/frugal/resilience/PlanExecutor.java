package dev.frugal.resilience;

import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Function;

/**
 * Executes a routing plan: tries each attempt in order and moves to the next one when an attempt
 * fails in a retryable way before anything reached the client. A failure that is the client's
 * fault (bad request) ends the plan at once. The only retry loop in the gateway.
 */
public final class PlanExecutor {
    private PlanExecutor() {}

    /** The value of the first attempt that succeeded, and how many attempts it took. */
    public record Outcome<T>(T value, Attempt attempt, int attempts) {}

    /** Fails with the {@link GatewayError} of the last failure when every attempt failed. */
    public static <T> Future<Outcome<T>> execute(Plan plan, Function<Attempt, Future<T>> call) {
        Promise<Outcome<T>> result = Promise.promise();
        tryFrom(plan, 0, call, result);
        return result.future();
    }

    private static <T> void tryFrom(Plan plan, int index, Function<Attempt, Future<T>> call, Promise<Outcome<T>> result) {
        Attempt attempt = plan.attempts().get(index);
        Future<T> f;
        try {
            f = call.apply(attempt);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(new Outcome<>(ar.result(), attempt, index + 1));
                return;
            }
            Throwable t = ar.cause();
            if (t instanceof UpstreamFailure uf) {
                if (uf.retryable() && index + 1 < plan.attempts().size()) {
                    tryFrom(plan, index + 1, call, result);
                } else {
                    result.fail(new AttemptsFailed(uf.toClientError(), index + 1));
                }
            } else if (t instanceof GatewayError ge) {
                result.fail(new AttemptsFailed(ge, index + 1));
            } else {
                result.fail(t);
            }
        });
    }

    /** Every attempt failed; carries the client-facing error and the number of attempts made. */
    public static final class AttemptsFailed extends RuntimeException {
        private final GatewayError error;
        private final int attempts;

        AttemptsFailed(GatewayError error, int attempts) {
            super(error.getMessage(), null, false, false);
            this.error = error;
            this.attempts = attempts;
        }

        public GatewayError error() { return error; }
        public int attempts() { return attempts; }
    }
}
