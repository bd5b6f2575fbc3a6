package dev.frugal.ledger;

import dev.frugal.config.Database;
import dev.frugal.core.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The usage ledger: one row per request, written to the database in batches by a background
 * thread, with the daily rollups updated in the same transaction.
 *
 * <p>{@link #record} is the one call the request path makes: non-blocking, allocation-light, safe
 * from any thread (the event loop included). Rows reach the database within
 * {@code frugal.ledger.flush-interval}, or as soon as {@code frugal.ledger.batch-size} rows wait.
 *
 * <p>Shutdown: Quarkus first waits for running requests ({@code quarkus.shutdown.timeout}), then
 * fires {@link ShutdownEvent}, then destroys beans and closes the datasources. The final flush runs
 * in the {@code ShutdownEvent} observer: after the last response, before the datasource closes
 * (see docs/decisions/0002-ledger-durability.md). Record a request's row before or in the same
 * event-loop task as ending its response, so the graceful wait covers it.
 *
 * <p>Metrics: {@value #METRIC_PENDING} (gauge), {@value #METRIC_WRITTEN}, {@value #METRIC_DROPPED}
 * (tag {@code reason}: full, refused, closed) and {@value #METRIC_FAILURES}.
 */
@Singleton
public class Ledger {
    private static final Logger LOG = Logger.getLogger(Ledger.class);
    public static final String METRIC_PENDING = "frugal.ledger.pending";
    public static final String METRIC_WRITTEN = "frugal.ledger.rows.written";
    public static final String METRIC_DROPPED = "frugal.ledger.rows.dropped";
    public static final String METRIC_FAILURES = "frugal.ledger.write.failures";

    @Inject Database database;
    @Inject MeterRegistry registry;
    @Inject TimeSource time;

    @ConfigProperty(name = "frugal.ledger.batch-size") int batchSize;
    @ConfigProperty(name = "frugal.ledger.flush-interval") Duration flushInterval;
    @ConfigProperty(name = "frugal.ledger.max-pending") int maxPending;
    @ConfigProperty(name = "frugal.ledger.retention") Duration retention;
    @ConfigProperty(name = "frugal.ledger.maintenance-interval") Duration maintenanceInterval;
    @ConfigProperty(name = "frugal.ledger.shutdown-timeout") Duration shutdownTimeout;

    private LedgerWriter writer;
    private Retention retentionTask;
    private ScheduledExecutorService maintenance;

    @PostConstruct
    void init() {
        writer = new LedgerWriter(new LedgerStore(database.dataSource(), database.dialect())::write, batchSize, flushInterval,
                maxPending, registry, time);
        retentionTask = new Retention(database.dataSource(), database.dialect(), retention, time);
        writer.start();
    }

    /** Starts the maintenance (partitions ahead, expiry) at start and every {@code frugal.ledger.maintenance-interval}. */
    void start(@Observes StartupEvent event) {
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "frugal-ledger-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::maintain, 0, Math.max(1, maintenanceInterval.toSeconds()), TimeUnit.SECONDS);
    }

    /** The final flush: after in-flight requests finished (graceful shutdown), before the datasource closes. */
    void stop(@Observes ShutdownEvent event) {
        if (maintenance != null) maintenance.shutdownNow();
        long pending = writer.pending();
        if (writer.close(shutdownTimeout)) LOG.debugf("Ledger flushed at shutdown (%d rows)", pending);
    }

    /**
     * Queues one row for writing. Never blocks and never throws for a full queue: beyond
     * {@code frugal.ledger.max-pending} waiting rows (a database down for long) the row is dropped,
     * counted in {@value #METRIC_DROPPED} and logged.
     */
    public void record(LedgerRow row) {
        writer.record(row);
    }

    /** Blocks until every row recorded before the call is in the database; false if that took longer than {@code timeout}. */
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    /** {@link #flush(Duration)} with {@code frugal.ledger.shutdown-timeout}. */
    public boolean flush() {
        return writer.flush(shutdownTimeout);
    }

    /** Rows accepted and not yet written. */
    public int pending() {
        return writer.pending();
    }

    /** The most rows held while the database fails ({@code frugal.ledger.max-pending}); beyond it new rows are dropped. */
    public int maxPending() {
        return maxPending;
    }

    private void maintain() {
        try {
            retentionTask.run();
        } catch (Exception e) {
            LOG.warnf("Ledger maintenance failed (retried in %s): %s", maintenanceInterval, e.getMessage());
        }
    }
}
