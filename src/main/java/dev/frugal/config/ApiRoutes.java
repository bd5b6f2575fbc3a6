package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.core.TimeSource;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Routes made through the admin API: their store ({@link RouteStore}), and keeping the snapshot that
 * requests read current with them ({@link ConfigHolder#apiRoutes}, which lays them over the file's).
 *
 * <p>Requests never wait for the database: they read the snapshot. The routes are read off the event
 * loop — at start, after every change made here (so this replica routes by it at once), and every
 * {@code frugal.routes.refresh-interval} on a thread of the database's calls (so a change made on
 * another replica arrives within that delay). While the database cannot be read, the last routes read
 * stay in force.
 *
 * <p>The operations block (JDBC): call them off the event loop, through {@link Database#calls()}. Thread-safe.
 */
@Singleton
public class ApiRoutes {
    private static final Logger LOG = Logger.getLogger(ApiRoutes.class);

    @Inject Database database;
    @Inject ConfigHolder configs;
    @Inject Vertx vertx;
    @Inject TimeSource time;

    @ConfigProperty(name = "frugal.routes.refresh-interval", defaultValue = "5s")
    Duration refreshInterval;

    private RouteStore store;
    /** The version of each route last laid over the snapshot. */
    private volatile Map<String, Long> applied = Map.of();
    /** Serialises refreshes, so an older read of the database never replaces a newer one. Worker threads only. */
    private final Object rebuild = new Object();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile boolean refreshFailing;

    /** For CDI. */
    protected ApiRoutes() {}

    /** Without CDI (tests, a second replica in a test): nothing is read until {@link #refresh}. */
    public ApiRoutes(RouteStore store, ConfigHolder configs, TimeSource time) {
        this.store = store;
        this.configs = configs;
        this.time = time;
    }

    /** After the config is loaded and the migrations ran, as the teams are. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent ev) {
        store = new RouteStore(database.callerDataSource());
        try {
            refresh();
            LOG.infof("Routes of the admin API: %d", applied.size());
        } catch (RuntimeException e) {
            refreshFailing = true;
            LOG.warnf("Cannot read the routes of the admin API (the file's routes apply; retried every %s): %s",
                    refreshInterval, e.getMessage());
        }
        if (!refreshInterval.isZero()) {
            vertx.setPeriodic(refreshInterval.toMillis(), id -> database.calls().run(() -> {
                refreshQuietly();
                return null;
            }));
        }
    }

    /** Re-reads every route from the database and lays them over the snapshot. Blocking. */
    public void refresh() {
        synchronized (rebuild) {
            Map<String, JsonNode> specs = new LinkedHashMap<>();
            Map<String, Long> versions = new LinkedHashMap<>();
            for (RouteStore.Stored s : store.routes()) {
                specs.put(s.name(), s.spec());
                versions.put(s.name(), s.version());
            }
            configs.apiRoutes(specs);
            applied = Map.copyOf(versions);
        }
    }

    /** The periodic refresh: one at a time, so refreshes never pile up on the database's threads while it stalls. */
    private void refreshQuietly() {
        if (!refreshing.compareAndSet(false, true)) return;
        try {
            refresh();
            if (refreshFailing) LOG.info("Routes of the admin API are read from the database again");
            refreshFailing = false;
        } catch (RuntimeException e) {
            if (!refreshFailing) LOG.warnf("Cannot refresh the routes of the admin API; the last ones read stay in force: %s", e.getMessage());
            refreshFailing = true;
        } finally {
            refreshing.set(false);
        }
    }

    /** The version of the route laid over the snapshot in force on this replica, or null. */
    public Long appliedVersion(String name) { return applied.get(name); }

    // ---- admin (blocking) -----------------------------------------------------------------------

    public List<RouteStore.Stored> routes() { return store.routes(); }

    public Optional<RouteStore.Stored> route(String name) { return store.route(name); }

    public List<RouteStore.Version> versions(String name) { return store.versions(name); }

    /**
     * Writes the next version of a route, {@code spec(current)} (which may throw to refuse it), then
     * refreshes this replica's snapshot.
     *
     * @param by the admin credential's id
     */
    public RouteStore.Change put(String name, Function<Optional<RouteStore.Stored>, JsonNode> spec, String by) {
        RouteStore.Change change = store.put(name, spec, now(), by);
        refresh();
        return change;
    }

    /** Deletes a route (the file's route of that name, if any, applies again), then refreshes this replica's snapshot. */
    public RouteStore.Change delete(String name, String by) {
        RouteStore.Change change = store.delete(name, now(), by);
        if (change.before().isPresent()) refresh();
        return change;
    }

    /** The gateway's wall time, truncated to milliseconds (what the database and the API show). */
    public Instant now() { return time.instant().truncatedTo(ChronoUnit.MILLIS); }
}
