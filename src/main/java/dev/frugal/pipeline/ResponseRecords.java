package dev.frugal.pipeline;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The {@code stored_response} table (migration V12): responses of the Responses API kept for
 * retrieval and {@code previous_response_id}. Every read and delete names the team, so one team
 * never sees another's rows (a row of another team is the same as none). Blocking JDBC; callers
 * run it off the event loop ({@link ResponseStore}). Thread-safe (no state).
 */
final class ResponseRecords {
    /** Expired rows deleted per statement, one short transaction each. */
    static final int DELETE_BATCH = 10_000;

    /**
     * One stored response.
     *
     * @param response   the response object as JSON
     * @param inputItems the input items sent to the model (earlier turns included) as a JSON array
     */
    record Row(String id, String team, Instant createdAt, String response, String inputItems) {}

    private final DataSource dataSource;

    ResponseRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void insert(Row row) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO stored_response (id, team, created_at, response, input_items) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, row.id());
            ps.setString(2, row.team());
            ps.setObject(3, LocalDateTime.ofInstant(row.createdAt(), ZoneOffset.UTC));
            ps.setString(4, row.response());
            ps.setString(5, row.inputItems());
            ps.executeUpdate();
        }
    }

    /** The team's response with this id, or null. */
    Row find(String team, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT created_at, response, input_items FROM stored_response WHERE id = ? AND team = ?")) {
            ps.setString(1, id);
            ps.setString(2, team);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                Instant created = rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                return new Row(id, team, created, rs.getString(2), rs.getString(3));
            }
        }
    }

    /** Deletes the team's response with this id; false when it has none. */
    boolean delete(String team, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM stored_response WHERE id = ? AND team = ?")) {
            ps.setString(1, id);
            ps.setString(2, team);
            return ps.executeUpdate() > 0;
        }
    }

    /** Deletes rows created before {@code cutoff}, in batches; returns how many. */
    long deleteBefore(Instant cutoff) throws SQLException {
        String sql = "DELETE FROM stored_response WHERE id IN (SELECT id FROM stored_response WHERE created_at < ? LIMIT " + DELETE_BATCH + ")";
        long total = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            int n;
            do {
                ps.setObject(1, LocalDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                n = ps.executeUpdate();
                total += n;
            } while (n == DELETE_BATCH);
        }
        return total;
    }
}
