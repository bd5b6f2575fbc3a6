package dev.frugal.tenancy.teams;

import dev.frugal.config.DataPolicy;
import dev.frugal.config.Jdbc;
import dev.frugal.config.TeamConfig;
import dev.frugal.tenancy.Source;
import dev.frugal.tenancy.keys.KeyRecord;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Teams and issued keys in the database (tables {@code teams} and {@code api_keys}, migration V1).
 * Prepared statements only. Blocking JDBC: call it off the event loop. Thread-safe (a connection per call).
 */
public final class TeamStore {
    private static final String TEAM_COLUMNS = "name, models, budgets, limits, reference_model, source, created_at, updated_at, data_policy";
    private static final String KEY_COLUMNS = "id, team, key_hash, prefix, name, created_at, expires_at, revoked_at, limits, budgets, source";
    /** SQLSTATEs of a row referring to a missing one: PostgreSQL's, H2's. */
    private static final Set<String> NO_PARENT = Set.of("23503", "23506");

    private final DataSource dataSource;
    private final Jdbc jdbc;

    public TeamStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
    }

    // ---- teams -----------------------------------------------------------------------------

    public List<TeamRecord> teams() {
        return jdbc.query("SELECT " + TEAM_COLUMNS + " FROM teams ORDER BY name", ps -> {}, TeamStore::team);
    }

    public Optional<TeamRecord> team(String name) {
        return jdbc.query("SELECT " + TEAM_COLUMNS + " FROM teams WHERE name = ?", ps -> ps.setString(1, name), TeamStore::team)
                .stream().findFirst();
    }

    /** Inserts a new team; false when the name is taken. */
    public boolean insertTeam(TeamRecord r) {
        try (Connection c = dataSource.getConnection()) {
            insertTeam(c, r);
            return true;
        } catch (SQLException e) {
            if (Jdbc.DUPLICATE.equals(e.getSQLState())) return false;
            throw Jdbc.failure("insert team", e);
        }
    }

    /**
     * Replaces a team's policy with {@code change(current)} in one transaction, the row locked meanwhile
     * (two concurrent edits cannot lose one). An exception from {@code change} rolls back and propagates.
     *
     * @return the updated team, or empty when there is no such team
     */
    public Optional<TeamRecord> updateTeam(String name, Function<TeamRecord, TeamConfig> change, Instant now) {
        return jdbc.inTransaction("update team", c -> {
            List<TeamRecord> found = Jdbc.query(c, "SELECT " + TEAM_COLUMNS + " FROM teams WHERE name = ? FOR UPDATE",
                    ps -> ps.setString(1, name), TeamStore::team);
            if (found.isEmpty()) return Optional.empty();
            TeamRecord current = found.get(0);
            TeamRecord next = new TeamRecord(policy(change.apply(current)), current.source(), current.createdAt(), now);
            updateTeam(c, next);
            return Optional.of(next);
        });
    }

    /**
     * Deletes a team and every key issued to it, in one transaction.
     *
     * @return the number of keys deleted, or -1 when there is no such team
     */
    public int deleteTeam(String name) {
        return jdbc.inTransaction("delete team", c -> {
            int keys = Jdbc.update(c, "DELETE FROM api_keys WHERE team = ?", ps -> ps.setString(1, name));
            int teams = Jdbc.update(c, "DELETE FROM teams WHERE name = ?", ps -> ps.setString(1, name));
            return teams == 0 ? -1 : keys;
        });
    }

    /**
     * Writes the teams the config file declares, as {@link Source#CONFIG}: new ones are inserted, changed
     * ones (or ones the API created) overwritten; others are left alone. Safe when replicas do it at once.
     *
     * @return the names of the teams written
     */
    public List<String> upsertConfigTeams(Collection<TeamConfig> declared, Instant now) {
        List<String> written = new ArrayList<>();
        for (TeamConfig t : declared) {
            TeamConfig policy = policy(t);
            Optional<TeamRecord> existing = team(t.name());
            if (existing.isPresent() && existing.get().source() == Source.CONFIG && existing.get().team().equals(policy)) continue;
            TeamRecord row = new TeamRecord(policy, Source.CONFIG, existing.map(TeamRecord::createdAt).orElse(now), now);
            if (existing.isEmpty() && insertTeam(row)) { written.add(t.name()); continue; }
            jdbc.inTransaction("upsert team", c -> { updateTeam(c, row); return null; }); // it exists (another replica may just have inserted it)
            written.add(t.name());
        }
        return written;
    }

    /** The policy as stored: key hashes from the file are never stored. */
    private static TeamConfig policy(TeamConfig t) {
        return t.keyHashes().isEmpty() ? t
                : new TeamConfig(t.name(), Set.of(), t.models(), t.budgets(), t.limits(), t.referenceModel(), t.dataPolicy());
    }

    /** The stored {@code data_policy}: null for {@code any}, so that a row written before V10 reads the same. */
    private static String dataPolicy(TeamConfig t) {
        return t.dataPolicy() == DataPolicy.ANY ? null : t.dataPolicy().id();
    }

    private static void insertTeam(Connection c, TeamRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (" + TEAM_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            TeamConfig t = r.team();
            ps.setString(1, t.name());
            ps.setString(2, PolicyJson.text(PolicyJson.models(t.models())));
            ps.setString(3, PolicyJson.text(PolicyJson.budgets(t.budgets())));
            ps.setString(4, PolicyJson.text(PolicyJson.limits(t.limits())));
            ps.setString(5, t.referenceModel());
            ps.setString(6, r.source().id());
            Jdbc.setTime(ps, 7, r.createdAt());
            Jdbc.setTime(ps, 8, r.updatedAt());
            ps.setString(9, dataPolicy(t));
            ps.executeUpdate();
        }
    }

    /** Sets the policy, source and updated_at of an existing team (created_at stays). */
    private static void updateTeam(Connection c, TeamRecord r) throws SQLException {
        Jdbc.update(c, "UPDATE teams SET models = ?, budgets = ?, limits = ?, reference_model = ?, source = ?, updated_at = ?,"
                + " data_policy = ? WHERE name = ?", ps -> {
            TeamConfig t = r.team();
            ps.setString(1, PolicyJson.text(PolicyJson.models(t.models())));
            ps.setString(2, PolicyJson.text(PolicyJson.budgets(t.budgets())));
            ps.setString(3, PolicyJson.text(PolicyJson.limits(t.limits())));
            ps.setString(4, t.referenceModel());
            ps.setString(5, r.source().id());
            Jdbc.setTime(ps, 6, r.updatedAt());
            ps.setString(7, dataPolicy(t));
            ps.setString(8, t.name());
        });
    }

    private static TeamRecord team(ResultSet rs) throws SQLException {
        TeamConfig t = PolicyJson.team(rs.getString("name"), rs.getString("models"), rs.getString("budgets"),
                rs.getString("limits"), rs.getString("reference_model"), rs.getString("data_policy"));
        return new TeamRecord(t, Source.of(rs.getString("source")), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "updated_at"));
    }

    // ---- keys ------------------------------------------------------------------------------

    /** Every issued key, revoked and expired ones included. */
    public List<KeyRecord> keys() {
        return jdbc.query("SELECT " + KEY_COLUMNS + " FROM api_keys ORDER BY created_at, id", ps -> {}, TeamStore::key);
    }

    public List<KeyRecord> keys(String team) {
        return jdbc.query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE team = ? ORDER BY created_at, id",
                ps -> ps.setString(1, team), TeamStore::key);
    }

    /** The key of that id if it belongs to that team (a key of another team is not found). */
    public Optional<KeyRecord> key(String team, String id) {
        return jdbc.query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE team = ? AND id = ?",
                ps -> { ps.setString(1, team); ps.setString(2, id); }, TeamStore::key).stream().findFirst();
    }

    /** Inserts a key; false when its team is not there (deleted meanwhile). */
    public boolean insertKey(KeyRecord k) {
        try (Connection c = dataSource.getConnection()) {
            insertKey(c, k);
            return true;
        } catch (SQLException e) {
            if (NO_PARENT.contains(e.getSQLState())) return false;
            throw Jdbc.failure("insert key", e);
        }
    }

    /** Revokes a key now, or keeps the first revocation time if it was already revoked; empty when not found. */
    public Optional<KeyRecord> revokeKey(String team, String id, Instant now) {
        jdbc.update("revoke key", "UPDATE api_keys SET revoked_at = ? WHERE team = ? AND id = ? AND revoked_at IS NULL", ps -> {
            Jdbc.setTime(ps, 1, now);
            ps.setString(2, team);
            ps.setString(3, id);
        });
        return key(team, id);
    }

    /**
     * Rotation in one transaction: inserts {@code fresh} and sets the old key's expiry to {@code oldExpiresAt}.
     *
     * @return false when the old key is not (or no longer) there
     */
    public boolean rotateKey(String team, String oldId, Instant oldExpiresAt, KeyRecord fresh) {
        return jdbc.inTransaction("rotate key", c -> {
            int n = Jdbc.update(c, "UPDATE api_keys SET expires_at = ? WHERE team = ? AND id = ? AND revoked_at IS NULL", ps -> {
                Jdbc.setTime(ps, 1, oldExpiresAt);
                ps.setString(2, team);
                ps.setString(3, oldId);
            });
            if (n == 0) return false;
            insertKey(c, fresh);
            return true;
        });
    }

    private static void insertKey(Connection c, KeyRecord k) throws SQLException {
        Jdbc.update(c, "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, k.id());
            ps.setString(2, k.team());
            ps.setString(3, k.hash());
            ps.setString(4, k.prefix());
            ps.setString(5, k.name());
            Jdbc.setTime(ps, 6, k.createdAt());
            Jdbc.setTime(ps, 7, k.expiresAt());
            Jdbc.setTime(ps, 8, k.revokedAt());
            ps.setString(9, k.limits().isNone() ? null : PolicyJson.text(PolicyJson.limits(k.limits())));
            ps.setString(10, k.budgets().isEmpty() ? null : PolicyJson.text(PolicyJson.budgets(k.budgets())));
            ps.setString(11, k.source().id());
        });
    }

    private static KeyRecord key(ResultSet rs) throws SQLException {
        return new KeyRecord(rs.getString("id"), rs.getString("team"), rs.getString("key_hash"), rs.getString("prefix"),
                rs.getString("name"), Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "expires_at"), Jdbc.instant(rs, "revoked_at"),
                PolicyJson.limits(rs.getString("limits")), PolicyJson.budgets(rs.getString("budgets")),
                Source.of(rs.getString("source")));
    }
}
