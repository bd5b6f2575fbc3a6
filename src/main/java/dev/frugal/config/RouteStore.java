package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Routes made through the admin API in the database (tables {@code api_routes}, the current version of
 * each, and {@code api_route_versions}, every version ever written; migration V8), the same SQL on H2 and
 * PostgreSQL. Versions count 1, 2, … per route name and are never reused, also across a delete. Blocking
 * JDBC: call it off the event loop. Thread-safe (a connection per call).
 */
public final class RouteStore {
    private static final String COLUMNS = "name, version, spec, updated_at, updated_by";
    /** Attempts of a write that lost a race for the next version number to another replica's. */
    private static final int ATTEMPTS = 3;

    private final Jdbc jdbc;

    public RouteStore(DataSource dataSource) { this.jdbc = new Jdbc(dataSource); }

    /** A route's current version. {@code spec}: the route's JSON ({@link RouteJson}). */
    public record Stored(String name, long version, JsonNode spec, Instant updatedAt, String updatedBy) {}

    /** One version of a route; {@code spec} null: the version that deleted it. */
    public record Version(String name, long version, JsonNode spec, Instant at, String by) {}

    /** Every route, by name. */
    public List<Stored> routes() {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_routes ORDER BY name", ps -> {}, RouteStore::stored);
    }

    public Optional<Stored> route(String name) {
        return jdbc.query("SELECT " + COLUMNS + " FROM api_routes WHERE name = ?", ps -> ps.setString(1, name), RouteStore::stored)
                .stream().findFirst();
    }

    /** Every version of a route, oldest first; empty when the API never defined it. */
    public List<Version> versions(String name) {
        return jdbc.query("SELECT name, version, spec, created_at, created_by FROM api_route_versions WHERE name = ? ORDER BY version",
                ps -> ps.setString(1, name), rs -> new Version(rs.getString("name"), rs.getLong("version"),
                        json(rs.getString("spec")), Jdbc.instant(rs, "created_at"), rs.getString("created_by")));
    }

    /**
     * Writes a new version of a route: {@code spec(current)} (an exception from it rolls back and
     * propagates) as its next version, in one transaction, the current row locked meanwhile.
     *
     * @return the route before (empty when the API did not define it) and after
     */
    public Change put(String name, Function<Optional<Stored>, JsonNode> spec, Instant now, String by) {
        return write("write route", c -> {
            Optional<Stored> before = current(c, name);
            Stored after = new Stored(name, nextVersion(c, name), spec.apply(before), now, by);
            addVersion(c, name, after.version(), after.spec(), now, by);
            if (before.isPresent()) {
                Jdbc.update(c, "UPDATE api_routes SET version = ?, spec = ?, updated_at = ?, updated_by = ? WHERE name = ?", ps -> {
                    ps.setLong(1, after.version());
                    ps.setString(2, Json.write(after.spec()));
                    Jdbc.setTime(ps, 3, now);
                    ps.setString(4, by);
                    ps.setString(5, name);
                });
            } else {
                Jdbc.update(c, "INSERT INTO api_routes (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, name);
                    ps.setLong(2, after.version());
                    ps.setString(3, Json.write(after.spec()));
                    Jdbc.setTime(ps, 4, now);
                    ps.setString(5, by);
                });
            }
            return new Change(before, Optional.of(after));
        });
    }

    /**
     * Deletes a route, recording a version without spec.
     *
     * @return the route before and (empty) after; before is empty, and nothing is written, when there was none
     */
    public Change delete(String name, Instant now, String by) {
        return write("delete route", c -> {
            Optional<Stored> before = current(c, name);
            if (before.isEmpty()) return new Change(before, before);
            addVersion(c, name, nextVersion(c, name), null, now, by);
            Jdbc.update(c, "DELETE FROM api_routes WHERE name = ?", ps -> ps.setString(1, name));
            return new Change(before, Optional.empty());
        });
    }

    /** What a write did: the route before and after. */
    public record Change(Optional<Stored> before, Optional<Stored> after) {}

    /** A write, again when another replica took the same version number first (the primary key refused it). */
    private Change write(String what, Jdbc.Work<Change> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbc.inTransaction(what, work);
            } catch (IllegalStateException e) {
                if (attempt == ATTEMPTS || !Jdbc.DUPLICATE.equals(Jdbc.sqlState(e))) throw e;
            }
        }
    }

    private static Optional<Stored> current(Connection c, String name) throws SQLException {
        return Jdbc.query(c, "SELECT " + COLUMNS + " FROM api_routes WHERE name = ? FOR UPDATE", ps -> ps.setString(1, name),
                RouteStore::stored).stream().findFirst();
    }

    private static long nextVersion(Connection c, String name) throws SQLException {
        return Jdbc.query(c, "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM api_route_versions WHERE name = ?",
                ps -> ps.setString(1, name), rs -> rs.getLong("next")).get(0);
    }

    private static void addVersion(Connection c, String name, long version, JsonNode spec, Instant now, String by) throws SQLException {
        Jdbc.update(c, "INSERT INTO api_route_versions (name, version, spec, created_at, created_by) VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, name);
            ps.setLong(2, version);
            ps.setString(3, spec == null ? null : Json.write(spec));
            Jdbc.setTime(ps, 4, now);
            ps.setString(5, by);
        });
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getString("name"), rs.getLong("version"), json(rs.getString("spec")), Jdbc.instant(rs, "updated_at"),
                rs.getString("updated_by"));
    }

    private static JsonNode json(String text) throws SQLException {
        if (text == null) return null;
        try {
            return Json.parse(text);
        } catch (IOException e) {
            throw new SQLException("api_routes holds a route that is not JSON", e);
        }
    }
}
