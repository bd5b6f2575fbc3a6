package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.wire.Json;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail in the database (table {@code admin_audit}, migration V4), the same SQL on H2 and
 * PostgreSQL. Prepared statements only. Blocking JDBC: call it off the event loop. Thread-safe (a
 * connection per call).
 */
final class AuditStore {
    private static final String COLUMNS = "id, at, credential, client_address, action, team, target, before_state, after_state";

    private final DataSource dataSource;

    AuditStore(DataSource dataSource) { this.dataSource = dataSource; }

    /** Stores one record (its {@code id} is ignored: the database numbers rows). */
    void insert(AuditRecord r) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO admin_audit (at, credential, client_address, action, team, target, before_state, after_state) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, OffsetDateTime.ofInstant(r.at(), ZoneOffset.UTC));
            ps.setString(2, r.credential());
            ps.setString(3, r.clientAddress());
            ps.setString(4, r.action());
            ps.setString(5, r.team());
            ps.setString(6, r.target());
            ps.setString(7, r.before() == null ? null : Json.write(r.before()));
            ps.setString(8, r.after() == null ? null : Json.write(r.after()));
            ps.executeUpdate();
        }
    }

    /** The records {@code q} selects, newest first, at most {@code q.limit() + 1} (so the caller can tell whether more exist). */
    List<AuditRecord> find(AuditQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM admin_audit WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.from() != null) { sql.append(" AND at >= ?"); args.add(OffsetDateTime.ofInstant(q.from(), ZoneOffset.UTC)); }
        if (q.to() != null) { sql.append(" AND at < ?"); args.add(OffsetDateTime.ofInstant(q.to(), ZoneOffset.UTC)); }
        if (q.team() != null) { sql.append(" AND team = ?"); args.add(q.team()); }
        if (q.action() != null) { sql.append(" AND action = ?"); args.add(q.action()); }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ?");
        args.add(q.limit() + 1);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                List<AuditRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new AuditRecord(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                            rs.getString("credential"), rs.getString("client_address"), rs.getString("action"),
                            rs.getString("team"), rs.getString("target"), json(rs.getString("before_state")), json(rs.getString("after_state"))));
                }
                return out;
            }
        }
    }

    private static JsonNode json(String text) throws SQLException {
        if (text == null) return null;
        try {
            return Json.parse(text);
        } catch (IOException e) {
            throw new SQLException("admin_audit holds a state that is not JSON", e);
        }
    }
}
