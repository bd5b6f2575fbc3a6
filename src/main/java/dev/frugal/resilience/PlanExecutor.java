package dev.frugal.resilience;

import dev.frugal.config.ResilienceSettings;
import dev.frugal.core.GatewayError;
import dev.frugal.core.UpstreamFailure;
import dev.frugal.routing.Attempt;
import dev.frugal.routing.Plan;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Executes a routing plan — the only retry loop in the gateway. For each deployment in the
 * plan's order: skip it if its provider fails its health probes, it is cooling down after a 429,
 * its circuit is open, or it is at capacity — unless its bulkhead has a queue, where the request
 * may wait a bounded time for a slot; otherwise call it. A retryable failure before the first byte
 * is retried on the same deployment after a jittered backoff (or the upstream's Retry-After, up to
 * a cap) while the retry budget allows, then the plan falls back to the next deployment. A failure
 * that is the client's (a bad request) ends the plan at once; a provider account out of credit
 * ({@code QUOTA_EXHAUSTED}) is not retried but cools its deployment down and moves to the next one; and so does the client leaving
 * (no further attempt is started for it). Nothing is retried once a byte reached the client: a
 * stream's future completes with its first chunk. On a cascade route ({@link Escalation}) an answer
 * that fails the route's check is set aside and the plan moves on to its next model; when no later
 * attempt answers, the answer set aside last is served after all.
 */
public final class PlanExecutor {
    /**
     * How long a deployment whose provider account is out of credit or quota
     * ({@link UpstreamFailure.Kind#QUOTA_EXHAUSTED}) is passed over by every request, unless the
     * upstream asked for longer with {@code Retry-After}.
     */
    public static final long QUOTA_COOLDOWN_SECONDS = 60;

    /** Runs tasks later on an event loop: the caller's in production, by hand in tests. */
    public interface Scheduler {
        void schedule(long delayMillis, Runnable task);

        /** Runs {@code task} after the delay unless the returned cancel is run first. */
        Runnable deadline(long delayMillis, Runnable task);

        /**
         * The calling event loop, as an executor other threads can hand work back to (a slot
         * released by a request of another event loop wakes a waiter on its own loop). Never runs
         * a task inline.
         */
        Executor caller();
    }

    /**
     * The value of the attempt that succeeded, how many calls were made, and the release of the
     * deployment's slot, which the caller runs once the response is over.
     */
    public record Outcome<T>(T value, Attempt attempt, int attempts, Runnable release) {}

    private static final GatewayError CLIENT_GONE = new GatewayError(499, "invalid_request_error", GatewayError.CLIENT_CLOSED,
            null, "The client closed the request before an upstream answered.");

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

    /**
     * Runs the plan's attempts in order until one succeeds. Fails with {@link AttemptsFailed}
     * carrying the client-facing error when none did.
     */
    public <T> Future<Outcome<T>> execute(Plan plan, Execution<T> execution) {
        budget.onRequest(execution.settings().apply(plan.attempts().get(0)).retryBudget());
        Run<T> run = new Run<>(plan, execution.settings(), execution.call(), execution.perRequest(), execution.escalation());
        if (execution.clientGone() != null) execution.clientGone().onComplete(v -> run.clientLeft());
        run.next();
        return run.result.future();
    }

    /** The state of one execution; callbacks of one request run on one event loop. Not thread-safe. */
    private final class Run<T> {
        final Plan plan;
        final Function<Attempt, ResilienceSettings> settings;
        final Function<Attempt, Future<T>> call;
        final AttemptListener perRequest;
        final Escalation<T> escalation;
        final Promise<Outcome<T>> result = Promise.promise();
        /** The request's own event loop, where a slot handed over by another loop is taken up. */
        final Executor home = scheduler.caller();
        int index;
        int retriesHere;
        int attempts;
        UpstreamFailure last;
        boolean refusedForCapacity;
        boolean gone;
        /** The wait for a slot in progress, if any; a run waits for one slot at a time. */
        Wait waiting;
        /** The last answer escalated, and who gave it: served when no later attempt answers. */
        T setAside;
        Attempt setAsideBy;

        Run(Plan plan, Function<Attempt, ResilienceSettings> settings, Function<Attempt, Future<T>> call,
            AttemptListener perRequest, Escalation<T> escalation) {
            this.plan = plan;
            this.settings = settings;
            this.call = call;
            this.perRequest = perRequest;
            this.escalation = escalation;
        }

        void tell(Attempt a, AttemptOutcome outcome) {
            listener.onAttempt(a, outcome);
            perRequest.onAttempt(a, outcome);
        }

        void next() {
            while (index < plan.attempts().size()) {
                if (gone) {
                    result.tryFail(new AttemptsFailed(CLIENT_GONE, attempts));
                    return;
                }
                Attempt a = plan.attempts().get(index);
                ResilienceSettings s = settings.apply(a);
                BackendState b = backends.of(a);
                Wait wait = s.maxQueue() > 0 && s.maxConcurrent() > 0 ? new Wait(a, s, b) : null;
                BackendState.Admission admission = b.admit(s, backends.probes().down(a.provider().name()),
                        wait == null ? null : wait.waiter);
                if (admission == BackendState.Admission.QUEUED) {
                    wait.start();
                    return;
                }
                if (admission != BackendState.Admission.ADMITTED) {
                    passOver(a, admission);
                    continue;
                }
                call(a, s, b, s.firstToken().toMillis());
                return;
            }
            if (setAside != null) { // escalated, and nothing later answered: the answer set aside is better than none
                result.complete(new Outcome<>(setAside, setAsideBy, attempts, () -> {}));
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

        void passOver(Attempt a, BackendState.Admission refusal) {
            tell(a, AttemptOutcome.of(refusal));
            if (refusal == BackendState.Admission.AT_CAPACITY) refusedForCapacity = true;
            index++;
            retriesHere = 0;
        }

        /** Calls a deployment whose slot is held, racing the answer against {@code firstTokenMillis}. */
        void call(Attempt a, ResilienceSettings s, BackendState b, long firstTokenMillis) {
            attempts++;
            long started = backends.time().nanoTime();
            Future<T> f;
            try {
                f = call.apply(a);
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            boolean[] decided = {false};
            Runnable cancelDeadline = scheduler.deadline(firstTokenMillis, () -> {
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
                    b.onSuccess(backends.time().nanoTime() - started);
                    if (escalated(a, ar.result())) {
                        b.release();
                        tell(a, AttemptOutcome.ESCALATED);
                        setAside = ar.result();
                        setAsideBy = a;
                        while (index < plan.attempts().size() && plan.attempts().get(index).model().equals(a.model())) index++;
                        retriesHere = 0;
                        next();
                        return;
                    }
                    tell(a, AttemptOutcome.SUCCESS);
                    result.complete(new Outcome<>(ar.result(), a, attempts, once(b)));
                } else {
                    b.release();
                    failed(a, s, b, ar.cause());
                }
            });
        }

        /** Ends the plan on a failure that stops it, unless a cascade set an answer aside: then that is served. */
        void end(Throwable failure) {
            if (setAside != null) result.complete(new Outcome<>(setAside, setAsideBy, attempts, () -> {}));
            else result.fail(failure);
        }

        /** A cascade's check says the answer must go to a later model of the plan (there is one). */
        boolean escalated(Attempt a, T answer) {
            if (escalation == null) return false;
            boolean later = false;
            for (int i = index + 1; i < plan.attempts().size() && !later; i++) later = !plan.attempts().get(i).model().equals(a.model());
            if (!later) return false;
            try {
                return escalation.escalate(a, answer) != null;
            } catch (RuntimeException e) {
                return false;
            }
        }

        void failed(Attempt a, ResilienceSettings s, BackendState b, Throwable t) {
            tell(a, t instanceof UpstreamFailure uf ? AttemptOutcome.of(uf.kind())
                    : t instanceof GatewayError ge && ge.status() < 500 ? AttemptOutcome.INVALID_REQUEST : AttemptOutcome.UPSTREAM_ERROR);
            if (t instanceof GatewayError ge) {
                b.onNeutral();
                end(new AttemptsFailed(ge, attempts));
                return;
            }
            if (!(t instanceof UpstreamFailure uf)) {
                b.onNeutral();
                end(t);
                return;
            }
            if (uf.kind() == UpstreamFailure.Kind.QUOTA_EXHAUSTED) {
                // the provider account is empty: no retry here, cool it down for everyone, try the next deployment
                b.onQuotaExhausted(Math.max(QUOTA_COOLDOWN_SECONDS, uf.retryAfterSeconds()));
                last = uf;
                index++;
                retriesHere = 0;
                next();
                return;
            }
            if (!uf.retryable()) {
                b.onNeutral();
                end(new AttemptsFailed(uf.toClientError(), attempts));
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

        /** The client left: a wait in progress is given up now; otherwise no further attempt is started. */
        void clientLeft() {
            gone = true;
            if (waiting != null) {
                waiting.abandon();
                result.tryFail(new AttemptsFailed(CLIENT_GONE, attempts));
            }
        }

        /**
         * One wait for a slot of a full deployment, bounded by {@code queue-timeout} and by the
         * attempt's first-token deadline, which the wait counts against. Exactly one of three ends:
         * the slot is handed over ({@link #granted}), the time runs out ({@link #timedOut}: the
         * next deployment), or the client leaves ({@link #abandon}). The bulkhead's lock decides
         * between a hand-over and a withdrawal, so a slot is never lost: a waiter withdrawn in time
         * never gets one, and one that got it first gives it back.
         */
        final class Wait {
            final Attempt a;
            final ResilienceSettings s;
            final BackendState b;
            final long since = backends.time().nanoTime();
            /** Handed a slot on the releasing thread; hops to this request's loop. */
            final Bulkhead.Waiter waiter = new Bulkhead.Waiter(() -> home.execute(this::granted));
            Runnable cancelTimer = () -> {};

            Wait(Attempt a, ResilienceSettings s, BackendState b) {
                this.a = a;
                this.s = s;
                this.b = b;
            }

            void start() {
                waiting = this;
                cancelTimer = scheduler.deadline(Math.min(s.queueTimeout().toMillis(), s.firstToken().toMillis()), this::timedOut);
            }

            /** On the request's loop: the slot is this run's now. */
            void granted() {
                cancelTimer.run();
                if (waiting != this) { // the client left after the slot was handed over: pass it on
                    b.release();
                    return;
                }
                waiting = null;
                BackendState.Admission admission = b.admitAfterWait(s, backends.probes().down(a.provider().name()));
                if (admission != BackendState.Admission.ADMITTED) {
                    passOver(a, admission);
                    next();
                    return;
                }
                long waitedMillis = (backends.time().nanoTime() - since) / 1_000_000;
                call(a, s, b, Math.max(1, s.firstToken().toMillis() - waitedMillis));
            }

            void timedOut() {
                if (waiting != this || !b.withdraw(waiter)) return; // handed a slot just now: granted() is on its way
                waiting = null;
                passOver(a, BackendState.Admission.AT_CAPACITY);
                next();
            }

            void abandon() {
                cancelTimer.run();
                waiting = null;
                b.withdraw(waiter); // false: the slot is on its way, and granted() passes it on
            }
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
