package dev.frugal.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compacts the embedded H2 file in small steps, on a thread of its own (docs/decisions/0040-embedded-compaction-in-steps.md).
 *
 * <p>H2's own background compaction is off ({@code AUTO_COMPACT_FILL_RATE=0} in the URL): as soon as the store goes
 * idle it rewrote up to ~19 MiB of chunks at once (and moved up to 8 times that), and the pages it rewrites stay on the
 * heap until they are saved — a live heap of ~90 MiB for a few seconds after a burst of traffic, and ~80 MiB more
 * resident memory for good. Here each step rewrites at most {@code writeLimit} bytes of the least filled chunks, and
 * only while the chunks' fill rate is below {@code targetFillRate}: the heap a step needs is bounded, and space that
 * chunks free is reused by the next ones (the file does not shrink while it runs; it keeps its largest size).
 */
final class EmbeddedCompaction implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedCompaction.class);

    private final DataSource dataSource;
    private final int targetFillRate;
    private final int writeLimit;
    private final ScheduledExecutorService thread;
    private final Counter rewrites;
    /** The chunks' fill rate at the last step, in per cent; NaN before the first. */
    private volatile double fillRate = Double.NaN;
    private boolean warned;

    private EmbeddedCompaction(DataSource dataSource, int targetFillRate, int writeLimit, long intervalMillis, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.targetFillRate = targetFillRate;
        this.writeLimit = writeLimit;
        Gauge.builder("frugal.db.h2.chunks.fill", this, x -> x.fillRate).baseUnit("percent")
                .description("Live data in the embedded database file's chunks at the last compaction step").register(registry);
        this.rewrites = Counter.builder("frugal.db.h2.compactions")
                .description("Compaction steps of the embedded database file that rewrote chunks").register(registry);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "frugal-h2-compaction");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::stepQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts the steps, one every {@code intervalMillis}. */
    static EmbeddedCompaction start(DataSource dataSource, int targetFillRate, int writeLimit, long intervalMillis, MeterRegistry registry) {
        if (targetFillRate < 1 || targetFillRate > 100) throw new IllegalArgumentException("frugal.db.h2.compact-fill-rate must be in [1, 100]");
        if (writeLimit < 1) throw new IllegalArgumentException("frugal.db.h2.compact-step must be at least 1 byte");
        return new EmbeddedCompaction(dataSource, targetFillRate, writeLimit, Math.max(1, intervalMillis), registry);
    }

    /**
     * One step on the store behind {@code c}: rewrites at most {@code writeLimit} bytes of its least filled chunks if
     * their fill rate is below {@code targetFillRate}; the store saves the pages it rewrote with its next commit.
     * Returns whether any chunk was rewritten; false for an in-memory database (it has no file to compact).
     */
    static boolean step(Connection c, int targetFillRate, int writeLimit) throws SQLException {
        MVStore store = fileStore(c);
        return store != null && store.compact(targetFillRate, writeLimit);
    }

    /** Whether the store behind {@code c} is a file of this process's (not in memory, not a server's). */
    static boolean hasFile(Connection c) throws SQLException {
        return fileStore(c) != null;
    }

    /** The fill rate of the store's chunks in per cent (live bytes of the bytes they hold); 100 without a file. */
    static int chunksFillRate(Connection c) throws SQLException {
        MVStore store = fileStore(c);
        return store == null ? 100 : store.getFileStore().getChunksFillRate();
    }

    /** The store behind {@code c} if it is a file of this process's; null for an in-memory or a server's database. */
    private static MVStore fileStore(Connection c) throws SQLException {
        Session session = c.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local)) return null; // a server connection: its store is another process's
        Store store = local.getDatabase().getStore();
        MVStore mv = store == null ? null : store.getMvStore();
        return mv == null || mv.getFileStore() == null ? null : mv;
    }

    private void stepQuietly() {
        try (Connection c = dataSource.getConnection()) {
            fillRate = chunksFillRate(c);
            if (step(c, targetFillRate, writeLimit)) rewrites.increment();
            warned = false;
        } catch (SQLException | RuntimeException e) {
            // the next step tries again; a closed database at shutdown ends here too
            if (!warned) LOG.warnf("Compacting the embedded database failed (tried again every step): %s", e.getMessage());
            warned = true;
        }
    }

    /** Stops the steps; waits for a running one, never interrupts it (an interrupt inside H2's file I/O closes its file). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("A compaction step of the embedded database was still running at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
