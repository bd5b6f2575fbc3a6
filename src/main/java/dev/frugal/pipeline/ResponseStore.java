package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Responses of the Responses API kept per team (docs/responses.md): saved when answered (unless the
 * client sent {@code store: false}), read back for {@code GET /v1/responses/{id}}, its
 * {@code input_items} and {@code previous_response_id}, deleted on request, and expired after
 * {@code frugal.responses.retention}. Every call runs on the database's {@code responses} lane, off
 * the event loop, and answers within {@code frugal.db.timeout} or fails with 503
 * {@code database_unavailable}. The caller's team scopes every read: another team's id is not found.
 * Futures complete on the caller's context. Thread-safe.
 */
@Singleton
public class ResponseStore {
    private static final Logger LOG = Logger.getLogger(ResponseStore.class);

    /** A stored response: the response object and the input items sent to the model, as JSON. */
    public record Stored(String id, String response, String inputItems) {}

    @Inject Database database;
    @Inject TimeSource time;
    @ConfigProperty(name = "frugal.responses.retention") Duration retention;
    @ConfigProperty(name = "frugal.responses.maintenance-interval") Duration maintenanceInterval;

    private ResponseRecords records;
    private ResponseRecords maintenanceRecords;
    private ScheduledExecutorService maintenance;

    @PostConstruct
    void init() {
        if (retention.compareTo(Duration.ofHours(1)) < 0) throw new IllegalArgumentException("frugal.responses.retention must be at least 1h");
        records = new ResponseRecords(database.callerDataSource());
        maintenanceRecords = new ResponseRecords(database.dataSource());
    }

    /** Expires old responses at start and every {@code frugal.responses.maintenance-interval}. */
    void start(@Observes StartupEvent event) {
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "frugal-responses-maintenance");
            t.setDaemon(true);
            return t;
        });
        maintenance.scheduleWithFixedDelay(this::expire, 0, Math.max(1, maintenanceInterval.toSeconds()), TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (maintenance != null) maintenance.shutdownNow();
    }

    /** Saves the exchange's team's response; completes once it is in the database. */
    public Future<Void> save(Exchange ex, String id, long createdAtSeconds, String response, String inputItems) {
        String team = team(ex);
        return database.responses().run(() -> {
            records.insert(new ResponseRecords.Row(id, team, Instant.ofEpochSecond(createdAtSeconds), response, inputItems));
            return null;
        });
    }

    /** The exchange's team's response with this id, or null (none, expired, or another team's). */
    public Future<Stored> find(Exchange ex, String id) {
        String team = team(ex);
        return database.responses().run(() -> {
            ResponseRecords.Row row = records.find(team, id);
            return row == null ? null : new Stored(row.id(), row.response(), row.inputItems());
        });
    }

    /** Deletes the exchange's team's response with this id; false when it has none. */
    public Future<Boolean> delete(Exchange ex, String id) {
        String team = team(ex);
        return database.responses().run(() -> records.delete(team, id));
    }

    /** Deletes the responses older than the retention; blocking (the maintenance thread). */
    long expire() {
        try {
            long n = maintenanceRecords.deleteBefore(time.instant().minus(retention));
            if (n > 0) LOG.infof("Stored responses: %d older than the retention of %s deleted", n, retention);
            return n;
        } catch (Exception e) {
            LOG.warnf("Stored responses' expiry failed (retried in %s): %s", maintenanceInterval, e.getMessage());
            return 0;
        }
    }

    private static String team(Exchange ex) {
        if (ex.team == null) throw GatewayError.unauthorized("The request is not authenticated.");
        return ex.team.name();
    }
}
