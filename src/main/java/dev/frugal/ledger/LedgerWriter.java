package dev.frugal.ledger;

import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The queue between the event loop and the database, and the one thread that drains it.
 *
 * <p>{@link #record} is lock-free and never blocks: it appends to a queue, or counts the row as
 * dropped when {@code maxPending} rows already wait. The writer thread takes up to {@code batchSize}
 * rows at a time and hands them to the {@link Sink}; it writes as soon as a full batch waits, else
 * every {@code flushInterval}. A failed write keeps its rows and is retried with exponential backoff
 * (from the flush interval up to 30 s); rows stay counted as pending until written, so a long outage
 * fills the queue up to {@code maxPending}, after which new rows are dropped, counted and logged.
 * A batch refused for its data (SQL state class 22 or 23, which a retry cannot fix) is written row by
 * row, and only the rows the database refuses are dropped.
 */
final class LedgerWriter {
    private static final Logger LOG = Logger.getLogger(LedgerWriter.class);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Where batches go: {@link LedgerStore#write} in production. Throws when nothing was written. */
    interface Sink {
        void write(List<LedgerRow> rows) throws SQLException;
    }

    private final Sink sink;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final int maxPending;
    private final TimeSource time;

    private final ConcurrentLinkedQueue<LedgerRow> queue = new ConcurrentLinkedQueue<>();
    /** Rows accepted and not yet written or dropped: the queue plus the batch in the writer's hands. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    /** Accepted rows that left: written, or dropped as refused by the database. Guarded for waiting by {@link #settledLock}. */
    private final AtomicLong settled = new AtomicLong();
    private final Object settledLock = new Object();
    private final AtomicInteger flushWaiters = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean closed;
    /** While the writer thread waits for a full batch or the interval: everything before was handed to the sink. */
    private volatile boolean idle;

    private final Counter written;
    private final Counter droppedFull;
    private final Counter droppedInvalid;
    private final Counter droppedClosed;
    private final Counter failures;
    private final AtomicLong lastDropLog;
    private final AtomicLong droppedSinceLog = new AtomicLong();

    /** @param time the clock of the flush interval, backoff, flush timeouts and log throttling */
    LedgerWriter(Sink sink, int batchSize, Duration flushInterval, int maxPending, MeterRegistry registry, TimeSource time) {
        if (batchSize < 1) throw new IllegalArgumentException("frugal.ledger.batch-size must be at least 1");
        if (maxPending < batchSize) throw new IllegalArgumentException("frugal.ledger.max-pending must be at least the batch size");
        if (flushInterval.isNegative() || flushInterval.isZero()) throw new IllegalArgumentException("frugal.ledger.flush-interval must be positive");
        this.sink = sink;
        this.batchSize = batchSize;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.maxPending = maxPending;
        this.time = time;
        this.lastDropLog = new AtomicLong(time.nanoTime() - LOG_EVERY_NANOS);
        Gauge.builder(Ledger.METRIC_PENDING, pending, AtomicInteger::get)
                .description("Ledger rows accepted and not yet written").register(registry);
        written = Counter.builder(Ledger.METRIC_WRITTEN).description("Ledger rows written").register(registry);
        droppedFull = dropped(registry, "full");
        droppedInvalid = dropped(registry, "refused");
        droppedClosed = dropped(registry, "closed");
        failures = Counter.builder(Ledger.METRIC_FAILURES).description("Failed ledger batch writes (retried)").register(registry);
        thread = new Thread(this::run, "frugal-ledger-writer");
        thread.setDaemon(true);
    }

    private static Counter dropped(MeterRegistry registry, String reason) {
        return Counter.builder(Ledger.METRIC_DROPPED).tag("reason", reason)
                .description("Ledger rows lost: queue full (database down too long), refused by the database, or recorded after shutdown")
                .register(registry);
    }

    void start() {
        thread.start();
    }

    /** Queues one row; never blocks. */
    void record(LedgerRow row) {
        if (closed) {
            droppedClosed.increment();
            logDrop("the ledger is closed (recorded after the final flush at shutdown)");
            return;
        }
        int now = pending.incrementAndGet();
        if (now > maxPending) {
            pending.decrementAndGet();
            droppedFull.increment();
            logDrop(maxPending + " rows wait already (frugal.ledger.max-pending): the database has been failing or is slower than the traffic");
            return;
        }
        queue.offer(row);
        accepted.incrementAndGet();
        if (now == batchSize) LockSupport.unpark(thread); // a full batch waits: no need to wait for the interval
    }

    int pending() {
        return pending.get();
    }

    /**
     * Whether the writer thread waits for a full batch, a flush or the interval: it writes nothing
     * until one of them comes. Lets a test prove that rows were held back without sleeping.
     */
    boolean idle() {
        return idle;
    }

    /** Waits until every row accepted before the call is written (or refused); false when the timeout passed first. */
    boolean flush(Duration timeout) {
        long target = accepted.get();
        long deadline = time.nanoTime() + timeout.toNanos();
        flushWaiters.incrementAndGet();
        try {
            LockSupport.unpark(thread);
            synchronized (settledLock) {
                while (settled.get() < target) {
                    long left = deadline - time.nanoTime();
                    if (left <= 0) return false;
                    settledLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            flushWaiters.decrementAndGet();
        }
    }

    /**
     * Flushes what is pending within {@code timeout}, then stops the thread. Rows recorded afterwards
     * are dropped and counted. Returns whether everything was written.
     */
    boolean close(Duration timeout) {
        boolean flushed = flush(timeout);
        closed = true;
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost = pending.get();
        if (lost > 0) LOG.errorf("Ledger closed with %d rows not written (the database did not take them in time)", lost);
        return flushed && lost == 0;
    }

    // ---- the writer thread ----------------------------------------------------------------

    private void run() {
        List<LedgerRow> batch = new ArrayList<>(batchSize);
        long backoff = 0;
        int failuresInRow = 0;
        long lastFailureLog = 0;
        while (true) {
            if (batch.isEmpty()) drain(batch);
            if (batch.isEmpty()) {
                if (stopping) return;
                awaitBatch();
                continue;
            }
            try {
                sink.write(batch);
                settle(batch.size(), 0);
                batch.clear();
                if (failuresInRow > 0) LOG.infof("Ledger writes resumed after %d failed attempts", failuresInRow);
                failuresInRow = 0;
                backoff = 0;
            } catch (Exception e) {
                if (e instanceof SQLException sql && refusedForItsData(sql)) {
                    writeOneByOne(batch);
                    continue;
                }
                failures.increment();
                failuresInRow++;
                long now = time.nanoTime();
                if (failuresInRow == 1 || now - lastFailureLog > LOG_EVERY_NANOS) {
                    lastFailureLog = now;
                    LOG.warnf("Ledger write failed (%d in a row; %d rows pending, kept and retried): %s",
                            failuresInRow, pending.get(), describe(e));
                }
                if (stopping) return; // close() gave up waiting: stop retrying
                backoff = backoff == 0 ? flushIntervalNanos : Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                sleep(backoff);
                continue;
            }
            awaitBatch();
        }
    }

    /** Collects rows for up to one flush interval: returns early for a full batch, a flush, or stop. */
    private void awaitBatch() {
        long deadline = time.nanoTime() + flushIntervalNanos;
        long left;
        idle = true;
        while (pending.get() < batchSize && flushWaiters.get() == 0 && !stopping && (left = deadline - time.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
        idle = false;
    }

    private void drain(List<LedgerRow> batch) {
        LedgerRow r;
        while (batch.size() < batchSize && (r = queue.poll()) != null) batch.add(r);
    }

    /** Isolates the rows the database refuses; stops at the first failure of another kind (retried later). */
    private void writeOneByOne(List<LedgerRow> batch) {
        for (Iterator<LedgerRow> it = batch.iterator(); it.hasNext(); ) {
            LedgerRow r = it.next();
            try {
                sink.write(List.of(r));
                it.remove();
                settle(1, 0);
            } catch (SQLException e) {
                if (!refusedForItsData(e)) return;
                it.remove();
                settle(0, 1);
                LOG.errorf("Ledger row of request %s refused by the database and dropped: %s", r.requestId(), describe(e));
            } catch (RuntimeException e) {
                return;
            }
        }
    }

    private void settle(int writtenRows, int refusedRows) {
        int n = writtenRows + refusedRows;
        pending.addAndGet(-n);
        if (writtenRows > 0) written.increment(writtenRows);
        if (refusedRows > 0) droppedInvalid.increment(refusedRows);
        settled.addAndGet(n);
        synchronized (settledLock) {
            settledLock.notifyAll();
        }
    }

    /** Sleeps the backoff; wakes early only to stop (a flush does not hurry a database that is failing). */
    private void sleep(long nanos) {
        long deadline = time.nanoTime() + nanos;
        long left;
        while (!stopping && (left = deadline - time.nanoTime()) > 0) LockSupport.parkNanos(this, left);
    }

    /** Data exceptions (22) and integrity violations (23) fail again on retry; everything else may pass later. */
    private static boolean refusedForItsData(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) return true;
        }
        return false;
    }

    /** The exception's kind, SQL state and the first line of its message, cut short (rows hold no secrets; the stack is not logged). */
    private static String describe(Exception e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        if (msg.length() > 200) msg = msg.substring(0, 200) + "…";
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [SQL state " + s.getSQLState() + "]" : "";
        return e.getClass().getSimpleName() + state + ": " + msg;
    }

    private void logDrop(String why) {
        droppedSinceLog.incrementAndGet();
        long now = time.nanoTime();
        long last = lastDropLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastDropLog.compareAndSet(last, now)) {
            LOG.errorf("Ledger rows dropped: %d since the last report; %s", droppedSinceLog.getAndSet(0), why);
        }
    }
}
