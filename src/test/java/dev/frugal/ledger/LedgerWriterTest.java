package dev.frugal.ledger;

import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.frugal.ledger.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer against a fake sink: batching, flush, retry after failures, max-pending accounting, refused rows, close. */
@Tag("unit")
class LedgerWriterTest {
    final MeterRegistry registry = new SimpleMeterRegistry();
    final List<List<LedgerRow>> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger attempts = new AtomicInteger();
    LedgerWriter writer;

    /** Fails like an unreachable database while {@link #down}; else keeps the batch. */
    final LedgerWriter.Sink sink = rows -> {
        attempts.incrementAndGet();
        if (down.get()) throw new SQLException("Connection refused", "08001");
        batches.add(List.copyOf(rows));
    };

    LedgerWriter start(LedgerWriter.Sink s, int batchSize, Duration interval, int maxPending) {
        writer = new LedgerWriter(s, batchSize, interval, maxPending, registry, TimeSource.SYSTEM);
        writer.start();
        return writer;
    }

    @AfterEach
    void stop() {
        if (writer != null) writer.close(Duration.ofSeconds(1));
    }

    int written() {
        synchronized (batches) {
            return batches.stream().mapToInt(List::size).sum();
        }
    }

    double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void fullBatchesAreWrittenAtOnceAndTheRestOnFlush() throws Exception {
        start(sink, 10, Duration.ofHours(1), 1000);
        // a writer not yet waiting would take whatever is queued when it first looks, a partial batch
        await("the writer waits for its first rows", writer::idle);
        for (int i = 0; i < 25; i++) writer.record(row().id("r" + i).build());
        await("two full batches without waiting for the interval", () -> written() >= 20);
        await("the writer waits for more rows or the interval", writer::idle); // it wrote all it will before then
        assertEquals(20, written(), "the remaining 5 wait for the interval");
        assertEquals(5, writer.pending());
        assertTrue(writer.flush(Duration.ofSeconds(5)));
        assertEquals(25, written());
        assertEquals(0, writer.pending());
        synchronized (batches) {
            assertTrue(batches.stream().allMatch(b -> b.size() <= 10), "no batch is larger than batch-size");
        }
        assertEquals(25, counter(Ledger.METRIC_WRITTEN));
        assertEquals(0.0, registry.find(Ledger.METRIC_PENDING).gauge().value());
    }

    @Test
    void aPartialBatchIsWrittenAfterTheFlushInterval() throws Exception {
        writer = new LedgerWriter(sink, 500, Duration.ofMillis(50), 1000, registry, TimeSource.SYSTEM);
        for (int i = 0; i < 3; i++) writer.record(row().id("r" + i).build());
        writer.start(); // the rows wait before the first interval ends, whatever the machine's load
        await("rows written within the flush interval", () -> written() == 3);
        assertEquals(1, batches.size(), "one batch for the three rows");
    }

    @Test
    void aFailedWriteIsRetriedWithItsRowsUntilTheDatabaseIsBack() throws Exception {
        down.set(true);
        start(sink, 50, Duration.ofMillis(10), 1000);
        for (int i = 0; i < 120; i++) writer.record(row().id("r" + i).build());
        await("a few failed attempts", () -> attempts.get() >= 3);
        assertFalse(writer.flush(Duration.ofMillis(50)), "flush cannot finish while the database is down");
        assertEquals(120, writer.pending(), "the rows are kept");
        down.set(false);
        assertTrue(writer.flush(Duration.ofSeconds(10)));
        Set<String> ids = new HashSet<>();
        synchronized (batches) {
            batches.forEach(b -> b.forEach(r -> assertTrue(ids.add(r.requestId()), "written once: " + r.requestId())));
        }
        assertEquals(120, ids.size());
        assertTrue(counter(Ledger.METRIC_FAILURES) >= 3);
        assertEquals(120, counter(Ledger.METRIC_WRITTEN));
    }

    @Test
    void beyondMaxPendingRowsAreDroppedAndCounted() throws Exception {
        down.set(true);
        start(sink, 5, Duration.ofMillis(10), 20);
        for (int i = 0; i < 30; i++) writer.record(row().id("r" + i).build());
        assertEquals(20, writer.pending());
        assertEquals(10, counter(Ledger.METRIC_DROPPED, "reason", "full"));
        assertEquals(20.0, registry.find(Ledger.METRIC_PENDING).gauge().value());
        down.set(false);
        assertTrue(writer.flush(Duration.ofSeconds(10)));
        assertEquals(20, written());
        writer.record(row().id("after").build()); // room again
        assertTrue(writer.flush(Duration.ofSeconds(10)));
        assertEquals(21, written());
    }

    /**
     * A database that answers, but slower than the traffic (issue 15): the queue never holds more than
     * max-pending rows, what does not fit is dropped and counted, and every row accepted is written.
     */
    @Test
    void aDatabaseSlowerThanTheTrafficKeepsTheQueueBounded() throws Exception {
        java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
        start(rows -> {
            try {
                slow.await(10, TimeUnit.SECONDS); // the first batch takes until the producer is done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(List.copyOf(rows));
        }, 10, Duration.ofMillis(1), 50);
        int maxSeen = 0;
        for (int i = 0; i < 1_000; i++) {
            writer.record(row().id("r" + i).build());
            maxSeen = Math.max(maxSeen, writer.pending());
        }
        slow.countDown();
        assertTrue(writer.flush(Duration.ofSeconds(10)));
        double dropped = counter(Ledger.METRIC_DROPPED, "reason", "full");
        assertTrue(maxSeen <= 50, "pending reached " + maxSeen);
        assertEquals(50, written(), "the first batch in the writer's hands plus the queue up to max-pending");
        assertEquals(1_000 - 50, dropped);
        assertEquals(written(), counter(Ledger.METRIC_WRITTEN));
        assertEquals(0, writer.pending());
    }

    @Test
    void aRowTheDatabaseRefusesIsDroppedAloneAndCounted() throws Exception {
        start(rows -> {
            if (rows.stream().anyMatch(r -> r.requestId().equals("poison"))) throw new SQLException("value too long", "22001");
            batches.add(List.copyOf(rows));
        }, 10, Duration.ofMillis(10), 100);
        for (int i = 0; i < 9; i++) writer.record(row().id(i == 4 ? "poison" : "r" + i).build());
        assertTrue(writer.flush(Duration.ofSeconds(5)));
        assertEquals(8, written());
        assertEquals(1, counter(Ledger.METRIC_DROPPED, "reason", "refused"));
        assertEquals(0, writer.pending());
    }

    @Test
    void closeFlushesAndLaterRowsAreCountedAsDropped() throws Exception {
        start(sink, 100, Duration.ofHours(1), 1000);
        for (int i = 0; i < 7; i++) writer.record(row().id("r" + i).build());
        assertTrue(writer.close(Duration.ofSeconds(5)));
        assertEquals(7, written());
        writer.record(row().id("late").build());
        assertEquals(1, counter(Ledger.METRIC_DROPPED, "reason", "closed"));
        assertEquals(7, written());
    }

    @Test
    void recordFromManyThreadsLosesNothing() throws Exception {
        start((rows) -> {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // a slow database
            batches.add(List.copyOf(rows));
        }, 64, Duration.ofMillis(20), 100_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 2000; i++) writer.record(row().id(thread + "-" + i).build());
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(writer.flush(Duration.ofSeconds(30)));
        Set<String> ids = new HashSet<>();
        synchronized (batches) {
            batches.forEach(b -> b.forEach(r -> ids.add(r.requestId())));
        }
        assertEquals(16_000, ids.size());
        assertEquals(16_000, written(), "each row once");
    }
}
