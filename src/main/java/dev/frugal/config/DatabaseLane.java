package dev.frugal.config;

import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Blocking database work done on a caller's behalf (an admin call, a report, a budget's spend, the
 * refresh of teams and keys), run on threads of its own and answered within a time limit whatever
 * the database does. A stalled database therefore holds at most {@code threads} of these threads —
 * never the event loop, never Vert.x's worker pool that other endpoints use — and every caller
 * gets its answer, or a 503 {@code database_unavailable} with {@code Retry-After}, in time.
 *
 * <ul>
 *   <li>At most {@code threads} calls run at once; up to {@value #MAX_QUEUED} more wait in order.
 *       A call beyond that fails at once.
 *   <li>A call not done within {@code timeout} (its wait included) fails then. Its work is not
 *       interrupted (JDBC cannot be), but it is bounded: connections of {@link Database#callerDataSource()}
 *       give up a read after this lane's timeout, and a waiting call whose time ran out is skipped.
 *       A change that timed out may still have been made: the caller must not assume otherwise.
 *   <li>A failure of the work: a {@link GatewayError} passes as it is; a lost, refused or timed-out
 *       connection (SQL state class 08, 53 or 57P, or none, as a pool's acquisition timeout has)
 *       becomes {@code database_unavailable}; anything else passes as it is (callers answer 500).
 * </ul>
 * The future completes on the caller's Vert.x context. Thread-safe.
 */
public final class DatabaseLane {
    private static final Logger LOG = Logger.getLogger(DatabaseLane.class);
    /** Calls that may wait for a thread; memory only (each expires with its timeout). */
    static final int MAX_QUEUED = 1000;
    public static final String METRIC_FAILED = "frugal.db.calls.failed";
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The read timeout of the lane whose thread runs: what {@link Database#callerDataSource()} gives its connections. */
    private static final ThreadLocal<Integer> READ_TIMEOUT_MILLIS = new ThreadLocal<>();

    private final String name;
    private final String setting;
    private final Vertx vertx;
    private final TimeSource time;
    private final long timeoutMillis;
    private final long retryAfterSeconds;
    private final ThreadPoolExecutor executor;
    private final Counter timedOut, busy, unavailable;
    private final AtomicLong nextLog;

    /**
     * @param name    what the lane serves, in thread names, logs and the metric's {@code lane} tag
     * @param setting the property of its timeout, named in the 503's message
     */
    DatabaseLane(String name, String setting, int threads, Duration timeout, Vertx vertx, MeterRegistry registry, TimeSource time) {
        if (threads < 1) throw new IllegalArgumentException("the database lane '" + name + "' needs at least one thread");
        if (timeout.toMillis() < 1) throw new IllegalArgumentException(setting + " must be positive");
        this.name = name;
        this.vertx = vertx;
        this.time = time;
        this.timeoutMillis = timeout.toMillis();
        this.retryAfterSeconds = Math.max(1, (timeoutMillis + 999) / 1000);
        this.setting = setting;
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, timeoutMillis);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(() -> {
                READ_TIMEOUT_MILLIS.set(readTimeout);
                r.run();
            }, "frugal-db-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.allowCoreThreadTimeOut(true);
        this.timedOut = failed(registry, "timeout");
        this.busy = failed(registry, "busy");
        this.unavailable = failed(registry, "unavailable");
        this.nextLog = new AtomicLong(time.nanoTime());
    }

    private Counter failed(MeterRegistry registry, String reason) {
        return Counter.builder(METRIC_FAILED).tag("lane", name).tag("reason", reason)
                .description("Database calls answered database_unavailable: no answer in time, every thread busy, or no connection")
                .register(registry);
    }

    /** Runs {@code work} on this lane; see the class comment for how it fails. */
    public <T> Future<T> run(Callable<T> work) {
        Call<T> call = new Call<>(work, vertx.getOrCreateContext());
        call.timer = vertx.setTimer(timeoutMillis, id -> call.timedOut());
        try {
            executor.execute(call);
        } catch (RejectedExecutionException e) {
            call.over.set(true);
            vertx.cancelTimer(call.timer);
            busy.increment();
            log("has " + executor.getMaximumPoolSize() + " " + name + " running and " + MAX_QUEUED + " waiting");
            return Future.failedFuture(GatewayError.databaseUnavailable(
                    "The database is not keeping up with requests right now; retry shortly.", retryAfterSeconds));
        }
        return call.promise.future();
    }

    /**
     * One call: answered once, by its work (on the caller's context) or by its timer, whichever
     * comes first. A call whose time ran out leaves the queue at once, so waiting calls that nobody
     * waits for any more never take the room of new ones.
     */
    private final class Call<T> implements Runnable {
        final Callable<T> work;
        final Context context;
        final Promise<T> promise = Promise.promise();
        final AtomicBoolean over = new AtomicBoolean();
        volatile long timer;

        Call(Callable<T> work, Context context) {
            this.work = work;
            this.context = context;
        }

        void timedOut() {
            if (!over.compareAndSet(false, true)) return;
            executor.remove(this);
            DatabaseLane.this.timedOut.increment();
            log("did not answer within " + timeoutMillis + " ms");
            promise.fail(GatewayError.databaseUnavailable("The database did not answer within " + text(timeoutMillis)
                    + " (" + setting + "); retry shortly.", retryAfterSeconds));
        }

        @Override
        public void run() {
            if (over.get()) return; // its time ran out while it waited
            T result = null;
            Throwable failure = null;
            try {
                result = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            T r = result;
            Throwable f = failure;
            context.runOnContext(v -> {
                if (!over.compareAndSet(false, true)) return;
                vertx.cancelTimer(timer);
                if (f == null) promise.complete(r);
                else promise.fail(classify(f));
            });
        }
    }

    /** How long a call may take, its wait for a thread included. */
    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    /** Stops the threads; calls still waiting are dropped (their timers answer them). */
    void close() {
        executor.shutdownNow();
    }

    /**
     * The read timeout for a connection handed out on the current thread: its lane's timeout, or
     * {@code fallback} on a thread of no lane (start-up, tests).
     */
    static int readTimeoutMillis(int fallback) {
        Integer ms = READ_TIMEOUT_MILLIS.get();
        return ms == null ? fallback : ms;
    }

    private Throwable classify(Throwable t) {
        if (t instanceof GatewayError) return t;
        if (!connectionLost(t)) return t;
        unavailable.increment();
        log("cannot be reached (" + t.getClass().getSimpleName() + ")");
        return GatewayError.databaseUnavailable("The database cannot be reached right now; retry shortly.", retryAfterSeconds);
    }

    /** Whether {@code t} (or a cause) says the database could not be reached, rather than refusing this work. */
    static boolean connectionLost(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SocketTimeoutException || c instanceof SQLTimeoutException
                    || c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException) return true;
            if (c instanceof SQLException s) {
                String state = s.getSQLState();
                if (state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) return true;
            }
        }
        return false;
    }

    /** {@code 3 s}, {@code 1.5 s} or {@code 250 ms}. */
    private static String text(long millis) {
        if (millis < 1000) return millis + " ms";
        return (millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0)) + " s";
    }

    private void log(String what) {
        long now = time.nanoTime(), due = nextLog.get();
        if (now - due < 0 || !nextLog.compareAndSet(due, now + LOG_EVERY_NANOS)) return;
        LOG.warnf("The database %s: its %s answer 503 database_unavailable (counted in %s)", what, name, METRIC_FAILED);
    }
}
