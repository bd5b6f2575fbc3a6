package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Executes a routing plan — the only retry loop in the gateway. For each deployment in the
 * plan's order: skip it if its circuit is open, it is cooling down after a 429, or it is at
 * capacity; otherwise call it. A retryable failure before the first byte is retried on the same
 * deployment after a jittered backoff (or the upstream's Retry-After, up to a cap) while the
 * retry budget allows, then the plan falls back to the next deployment. A failure that is the
 * client's (a bad request) ends the plan at once. Nothing is retried once a byte reached the
 * client: a stream's future completes with its first chunk.
 */
public final class PlanExecutor {

    /** Runs a task later, on the caller's event loop in production, by hand in tests. */
    public interface Scheduler {
        void schedule(long delayMillis, Runnable task);

        /** Runs {@code task} after the delay unless the returned cancel is run first. */
        Runnable deadline(long delayMillis, Runnable task);
    }

    /**
     * The value of the attempt that succeeded, how many calls were made, and the release of the
     * deployment's slot, which the caller runs once the response is over.
     */
    public record Outcome<T>(T value, Attempt attempt, int attempts, Runnable release) {}

    private final Backends backends;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final RetryBudget budget;
    private final AttemptListener listener;

    public PlanExecutor(Backends backends, Scheduler scheduler, RandomGenerator random, RetryBudget budget) {
        this(backends, scheduler, random, budget, AttemptListener.NONE);
    }

    public PlanExecutor(Backends backends, Scheduler scheduler, RandomGenerator random, RetryBudget budget,
                        AttemptListener listener) {
        this.backends = backends;
        this.scheduler = scheduler;
        this.random = random;
        this.budget = budget;
        this.listener = listener;
    }

    /** Fails with {@link AttemptsFailed} carrying the client-facing error when no attempt succeeded. */
    public <T> Future<Outcome<T>> execute(Plan plan, Function<Attempt, ResilienceSettings> settings,
                                          Function<Attempt, Future<T>> call) {
        return execute(plan, settings, call, AttemptListener.NONE);
    }

    /** As above, also telling {@code perRequest} of each attempt (after the executor's own listener). */
    public <T> Future<Outcome<T>> execute(Plan plan, Function<Attempt, ResilienceSettings> settings,
                                          Function<Attempt, Future<T>> call, AttemptListener perRequest) {
        budget.onRequest(settings.apply(plan.attempts().get(0)).retryBudget());
        Run<T> run = new Run<>(plan, settings, call, perRequest);
        run.next();
        return run.result.future();
    }

    /** The state of one execution; callbacks of one request run on one event loop. */
    private final class Run<T> {
        final Plan plan;
        final Function<Attempt, ResilienceSettings> settings;
        final Function<Attempt, Future<T>> call;
        final Promise<Outcome<T>> result = Promise.promise();
        int index;
        int retriesHere;
        int attempts;
        UpstreamFailure last;
        boolean refusedForCapacity;

        final AttemptListener perRequest;

        Run(Plan plan, Function<Attempt, ResilienceSettings> settings, Function<Attempt, Future<T>> call,
            AttemptListener perRequest) {
            this.plan = plan;
            this.settings = settings;
            this.call = call;
            this.perRequest = perRequest;
        }

        void tell(Attempt a, AttemptOutcome outcome) {
            listener.onAttempt(a, outcome);
            perRequest.onAttempt(a, outcome);
        }

        void next() {
            while (index < plan.attempts().size()) {
                Attempt a = plan.attempts().get(index);
                ResilienceSettings s = settings.apply(a);
                BackendState b = backends.of(a);
                BackendState.Refusal refusal = b.admit(s, backends.probes().down(a.provider().name()));
                if (refusal != BackendState.Refusal.NONE) {
                    tell(a, AttemptOutcome.of(refusal));
                    if (refusal == BackendState.Refusal.AT_CAPACITY) refusedForCapacity = true;
                    index++;
                    retriesHere = 0;
                    continue;
                }
                attempts++;
                long started = backends.ticker().getAsLong();
                Future<T> f;
                try {
                    f = call.apply(a);
                } catch (RuntimeException e) {
                    f = Future.failedFuture(e);
                }
                boolean[] decided = {false};
                Runnable cancelDeadline = scheduler.deadline(s.firstToken().toMillis(), () -> {
                    if (decided[0]) return;
                    decided[0] = true;
                    b.release();
                    failed(a, s, b, new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "Upstream provider '" + a.provider().name()
                            + "' sent nothing within " + s.firstToken().toMillis() + " ms."));
                });
                f.onComplete(ar -> {
                    if (decided[0]) { // too late: the plan moved on; stop what arrived
                        if (ar.succeeded() && ar.result() instanceof dev.frugal.provider.ChunkStream late) late.cancel();
                        return;
                    }
                    decided[0] = true;
                    cancelDeadline.run();
                    if (ar.succeeded()) {
                        b.onSuccess(backends.ticker().getAsLong() - started);
                        tell(a, AttemptOutcome.SUCCESS);
                        result.complete(new Outcome<>(ar.result(), a, attempts, once(b)));
                    } else {
                        b.release();
                        failed(a, s, b, ar.cause());
                    }
                });
                return;
            }
            if (last != null) {
                result.fail(new AttemptsFailed(last.toClientError(), attempts));
            } else {
                String why = refusedForCapacity ? "are at capacity" : "are unavailable (circuit open, cooling down or failing health probes)";
                result.fail(new AttemptsFailed(new GatewayError(503, "service_unavailable_error", "no_backend_available", null,
                        "All deployments of model `" + plan.attempts().get(0).model() + "` " + why + "; retry shortly.", 1), attempts));
            }
        }

        void failed(Attempt a, ResilienceSettings s, BackendState b, Throwable t) {
            tell(a, t instanceof UpstreamFailure uf ? AttemptOutcome.of(uf.kind())
                    : t instanceof GatewayError ge && ge.status() < 500 ? AttemptOutcome.INVALID_REQUEST : AttemptOutcome.UPSTREAM_ERROR);
            if (t instanceof GatewayError ge) {
                b.onNeutral();
                result.fail(new AttemptsFailed(ge, attempts));
                return;
            }
            if (!(t instanceof UpstreamFailure uf)) {
                b.onNeutral();
                result.fail(t);
                return;
            }
            if (!uf.retryable()) {
                b.onNeutral();
                result.fail(new AttemptsFailed(uf.toClientError(), attempts));
                return;
            }
            b.onFailure(s, uf.kind() == UpstreamFailure.Kind.RATE_LIMITED ? uf.retryAfterSeconds() : -1);
            last = uf;
            if (retriesHere < s.retries() && budget.tryRetry()) {
                long delay = Backoff.delayMillis(retriesHere + 1, s.backoff().toMillis(), s.maxBackoff().toMillis(),
                        uf.retryAfterSeconds(), s.maxRetryAfter().toMillis(), random);
                if (delay >= 0) {
                    retriesHere++;
                    // a Retry-After also cools the deployment down for everyone: wait just past it
                    scheduler.schedule(uf.retryAfterSeconds() >= 0 ? delay + 5 : delay, this::next);
                    return;
                }
            }
            index++;
            retriesHere = 0;
            next();
        }
    }

    private static Runnable once(BackendState b) {
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                b.release();
            }
        };
    }

    /** Every attempt failed; carries the client-facing error and the number of calls made. */
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
