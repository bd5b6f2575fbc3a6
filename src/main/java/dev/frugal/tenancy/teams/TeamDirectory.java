package dev.frugal.tenancy.teams;

import dev.frugal.config.Budget;
import dev.frugal.config.ConfigHolder;
import dev.frugal.config.Database;
import dev.frugal.config.FrugalConfig;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.core.TimeSource;
import dev.frugal.tenancy.Caller;
import dev.frugal.tenancy.Source;
import dev.frugal.tenancy.keys.ApiKeys;
import dev.frugal.tenancy.keys.IssuedKey;
import dev.frugal.tenancy.keys.KeyAuthenticator;
import dev.frugal.tenancy.keys.KeyIndex;
import dev.frugal.tenancy.keys.KeyRecord;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Teams and keys: the in-memory view that authenticates requests, and the operations of the admin
 * API on the database behind it.
 *
 * <p>Hot path: {@link #authenticate} is a hash lookup in an immutable {@link KeyIndex} (one volatile
 * read), never the database. The index is rebuilt off the event loop: at start, after every change
 * made here (so this replica sees it at once), and every {@code frugal.tenancy.refresh-interval}
 * (so changes made on other replicas arrive within that delay).
 *
 * <p>Ownership: teams declared in {@code frugal.yaml} are written to the database as source
 * {@code config} at start and on every reload — the file wins for them and the admin API may not
 * edit them; teams created by the admin API (source {@code api}) are never touched by the file.
 * Keys listed in the file are matched from the config snapshot and never stored.
 *
 * <p>The admin operations block (JDBC): call them off the event loop. Thread-safe.
 */
@Singleton
public class TeamDirectory {
    private static final Logger LOG = Logger.getLogger(TeamDirectory.class);
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    public static final Duration MAX_GRACE = Duration.ofDays(30);

    @Inject Database database;
    @Inject ConfigHolder configs;
    @Inject Vertx vertx;
    @Inject TimeSource time;

    @ConfigProperty(name = "frugal.tenancy.refresh-interval", defaultValue = "5s")
    Duration refreshInterval;

    private TeamStore store;
    private Supplier<FrugalConfig> config;
    private final ApiKeys keys = new ApiKeys();
    private volatile KeyIndex index = KeyIndex.EMPTY;
    /** Serialises rebuilds, so an older read of the database never replaces a newer one. Worker threads only. */
    private final Object rebuild = new Object();
    private volatile Map<String, TeamConfig> syncedTeams;
    private volatile boolean refreshFailing;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** For CDI. */
    protected TeamDirectory() {}

    /** Without CDI (tests, a second replica in a test): nothing runs until {@link #syncConfig} or {@link #refresh}. */
    public TeamDirectory(TeamStore store, Supplier<FrugalConfig> config, TimeSource time) {
        this.store = store;
        this.config = config;
        this.time = time;
    }

    /** After the config is loaded (ConfigHolder starts at the default priority) and the migrations ran. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent ev) {
        store = new TeamStore(database.callerDataSource());
        config = configs::get;
        syncConfig(configs.fileConfig());
        LOG.infof("Teams: %d in the database, %d issued keys", store.teams().size(), index.keysByHash().size());
        configs.onChange(c -> {
            if (c.teams() == syncedTeams) return; // e.g. only discovered models changed
            database.calls().run(() -> {
                syncConfig(configs.fileConfig()); // the newest file when this runs, whatever the order of runs
                return null;
            }).onFailure(t -> LOG.errorf("Cannot write the config file's teams to the database (retried with the next refresh): %s",
                    t.getMessage()));
        });
        if (!refreshInterval.isZero()) {
            vertx.setPeriodic(refreshInterval.toMillis(), id -> database.calls().run(() -> {
                refreshQuietly();
                return null;
            }));
        }
    }

    // ---- the hot path ------------------------------------------------------------------------

    /** The caller of an {@code Authorization: Bearer <key>} header; throws a 401 {@link GatewayError}. Event loop; no I/O. */
    public Caller authenticate(FrugalConfig snapshot, String authorization) {
        return authenticateKey(snapshot, KeyAuthenticator.bearerKey(authorization));
    }

    /** The caller of a bare key (Anthropic's {@code x-api-key}); throws a 401 {@link GatewayError}. Event loop; no I/O. */
    public Caller authenticateKey(FrugalConfig snapshot, String key) {
        return KeyAuthenticator.authenticateKey(snapshot, index, time.instant(), key);
    }

    // ---- keeping the view current (worker threads) ---------------------------------------------

    /** Writes the file's teams to the database (source config), then rebuilds the view. Blocking. */
    public void syncConfig(FrugalConfig file) {
        synchronized (rebuild) {
            List<String> written = store.upsertConfigTeams(file.teams().values(), now());
            if (!written.isEmpty()) LOG.infof("Teams from the config file written to the database: %s", written);
            syncedTeams = file.teams();
            refresh();
        }
    }

    /** Re-reads every team and key from the database and swaps the view. Blocking. */
    public void refresh() {
        synchronized (rebuild) {
            index = index(store.teams(), store.keys());
        }
    }

    /** The view authentication reads: every issued key, and the teams the API made (the file's come from the snapshot). */
    static KeyIndex index(List<TeamRecord> teams, List<KeyRecord> keys) {
        Map<String, TeamConfig> apiTeams = new HashMap<>();
        for (TeamRecord t : teams) if (t.source() == Source.API) apiTeams.put(t.name(), t.team());
        return KeyIndex.of(keys, apiTeams);
    }

    /**
     * The periodic refresh: re-reads the view, or first writes the file's teams if that failed
     * before (the database was down when the file changed). One at a time: while the database
     * stalls, a tick that finds the previous refresh still waiting does nothing, so refreshes
     * never pile up on the threads of database calls; authentication keeps the last view meanwhile.
     */
    private void refreshQuietly() {
        if (!refreshing.compareAndSet(false, true)) return;
        try {
            FrugalConfig file = configs.fileConfig();
            if (file.teams() != syncedTeams) syncConfig(file); else refresh();
            if (refreshFailing) LOG.info("Teams and keys are read from the database again");
            refreshFailing = false;
        } catch (RuntimeException e) {
            if (!refreshFailing) LOG.warnf("Cannot refresh teams and keys from the database; the last view stays in force: %s", e.getMessage());
            refreshFailing = true;
        } finally {
            refreshing.set(false);
        }
    }

    // ---- admin: teams (blocking) -------------------------------------------------------------

    public List<TeamRecord> teams() { return store.teams(); }

    /** The team, or 404. */
    public TeamRecord team(String name) {
        return store.team(name).orElseThrow(() -> teamNotFound(name));
    }

    /**
     * Whether the team authenticates on this replica: made by the API, or declared by the config file
     * now (a team the file no longer declares stays stored but inactive until the file declares it again
     * or it is deleted).
     */
    public boolean active(TeamRecord t) {
        return t.source() == Source.API || config.get().teams().containsKey(t.name());
    }

    /** Creates a team (source api); 409 when the name is taken. */
    public TeamRecord createTeam(TeamConfig team) {
        Instant now = now();
        TeamRecord r = new TeamRecord(team, Source.API, now, now);
        if (!store.insertTeam(r)) {
            throw new GatewayError(409, "invalid_request_error", "team_already_exists", "name",
                    "A team named '" + team.name() + "' already exists.");
        }
        refresh();
        return r;
    }

    /** Changes a team's policy to {@code change(current)}; 404, or 409 for a team the config file owns. */
    public TeamRecord updateTeam(String name, UnaryOperator<TeamConfig> change) {
        TeamRecord r = store.updateTeam(name, current -> {
            if (current.source() == Source.CONFIG) throw managedByConfig(name);
            return change.apply(current.team());
        }, now()).orElseThrow(() -> teamNotFound(name));
        refresh();
        return r;
    }

    /**
     * Deletes a team and every key issued to it; 404, or 409 while the config file declares it.
     *
     * @return the number of keys deleted
     */
    public int deleteTeam(String name) {
        if (config.get().teams().containsKey(name)) throw managedByConfig(name);
        int deletedKeys = store.deleteTeam(name);
        if (deletedKeys < 0) throw teamNotFound(name);
        refresh();
        return deletedKeys;
    }

    // ---- admin: keys (blocking) ----------------------------------------------------------------

    /** The team's issued keys, revoked and expired ones included; 404 for an unknown team. */
    public List<KeyRecord> keys(String team) {
        team(team);
        return store.keys(team);
    }

    /**
     * Issues a key to a team (whatever its source); the key is in the result and nowhere else.
     *
     * @param name      a label, or null
     * @param expiresAt when it stops working, or null for never
     */
    public IssuedKey issueKey(String team, String name, Instant expiresAt, Limits limits, List<Budget> budgets) {
        team(team);
        IssuedKey k = keys.issue(team, name, now(), expiresAt, limits, budgets);
        if (!store.insertKey(k.record())) throw teamNotFound(team); // deleted meanwhile
        refresh();
        return k;
    }

    /** Revokes a key at once (again: no change); 404 unless the key belongs to that team. */
    public KeyRecord revokeKey(String team, String id) {
        KeyRecord k = store.revokeKey(team, id, now()).orElseThrow(() -> keyNotFound(team, id));
        refresh();
        return k;
    }

    /**
     * Replaces a key by a new one with the same name, limits, budget and expiry. The old key keeps
     * working for {@code grace} (or until its own expiry, if sooner), then expires.
     * 404 unless the key belongs to that team; 409 if it is revoked or expired.
     */
    public IssuedKey rotateKey(String team, String id, Duration grace) {
        KeyRecord old = store.key(team, id).orElseThrow(() -> keyNotFound(team, id));
        Instant now = now();
        switch (old.status(now)) {
            case REVOKED -> throw new GatewayError(409, "invalid_request_error", "key_revoked", null,
                    "Key '" + id + "' is revoked and cannot be rotated; issue a new key.");
            case EXPIRED -> throw new GatewayError(409, "invalid_request_error", "key_expired", null,
                    "Key '" + id + "' has expired and cannot be rotated; issue a new key.");
            case ACTIVE -> { }
        }
        Instant graceEnd = now.plus(grace);
        Instant oldExpiry = old.expiresAt() != null && old.expiresAt().isBefore(graceEnd) ? old.expiresAt() : graceEnd;
        IssuedKey fresh = keys.issue(team, old.name(), now, old.expiresAt(), old.limits(), old.budgets());
        if (!store.rotateKey(team, id, oldExpiry, fresh.record())) throw keyNotFound(team, id); // revoked or deleted meanwhile
        refresh();
        return fresh;
    }

    /** The gateway's wall time, truncated to milliseconds (what the database and the API show). */
    public Instant now() { return time.instant().truncatedTo(ChronoUnit.MILLIS); }

    private static GatewayError teamNotFound(String name) {
        return new GatewayError(404, "invalid_request_error", "team_not_found", null, "No team named '" + name + "'.");
    }

    private static GatewayError keyNotFound(String team, String id) {
        return new GatewayError(404, "invalid_request_error", "key_not_found", null, "No key '" + id + "' in team '" + team + "'.");
    }

    private static GatewayError managedByConfig(String name) {
        return new GatewayError(409, "invalid_request_error", "team_managed_by_config", null,
                "Team '" + name + "' comes from the config file, which owns it: change it there "
                        + "(once the file no longer declares it, it can be deleted here).");
    }
}
