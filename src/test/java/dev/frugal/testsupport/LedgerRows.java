package dev.frugal.testsupport;

import dev.frugal.config.Database;
import dev.frugal.ledger.Ledger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The ledger rows of requests a {@code @QuarkusTest} made, read from the table by request id
 * ({@code x-request-id}) after flushing the writer. A row is recorded as its answer ends, or a
 * moment later when a long stream's tokens are counted on a worker, so each is waited for (10 s
 * at most). Columns are keyed by their lower-case name, values as JDBC returns them.
 */
@ApplicationScoped
public class LedgerRows {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject Ledger ledger;
    @Inject Database database;

    /** The one row of a request. */
    public Map<String, Object> row(String requestId) throws Exception {
        assertNotNull(requestId, "the answer carries its x-request-id");
        return rows(List.of(requestId)).get(0);
    }

    /** The rows of these requests, in the same order; fails unless each has exactly one. */
    public List<Map<String, Object>> rows(List<String> requestIds) throws Exception {
        List<String> ids = List.copyOf(new LinkedHashSet<>(requestIds));
        assertEquals(requestIds.size(), ids.size(), "request ids are unique");
        long until = System.nanoTime() + WAIT.toNanos();
        Map<String, Map<String, Object>> byId;
        do {
            ledger.flush(Duration.ofSeconds(5));
            byId = select(ids);
            if (byId.size() == ids.size()) break;
            Thread.sleep(50);
        } while (System.nanoTime() < until);
        List<Map<String, Object>> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Map<String, Object> row = byId.get(id);
            if (row == null) throw new AssertionError("no ledger row for " + id + " (" + byId.size() + " of " + ids.size() + " found)");
            out.add(row);
        }
        return out;
    }

    /** How many rows a request has now, after flushing the writer (0 for a request that gets none). */
    public int count(String requestId) throws Exception {
        ledger.flush(Duration.ofSeconds(5));
        return select(List.of(requestId)).size();
    }

    /** Rows by request id; a second row for one id fails the test. */
    private Map<String, Map<String, Object>> select(List<String> ids) throws SQLException {
        String sql = "SELECT * FROM ledger WHERE request_id IN (" + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")";
        Map<String, Map<String, Object>> byId = new HashMap<>();
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) row.put(meta.getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    if (byId.put((String) row.get("request_id"), row) != null) {
                        throw new AssertionError("more than one ledger row for " + row.get("request_id"));
                    }
                }
            }
        }
        return byId;
    }

    /** A numeric column as a long (JDBC gives Integer or Long by column type). */
    public static long number(Map<String, Object> row, String column) {
        Object v = row.get(column);
        assertNotNull(v, column + " is set: " + row);
        return ((Number) v).longValue();
    }

    /**
     * Asserts how a request ended, as its row says: the status and error code the client got (the
     * in-band error's for a stream cut after its first chunk), the upstream calls made (what
     * {@code x-frugal-attempts} said), the trace of every deployment tried or passed over, and
     * whether it streamed.
     */
    public static void assertOutcome(Map<String, Object> row, int status, String errorCode, int attempts, String attemptLog,
                                     boolean streamed) {
        assertAll("ledger row " + row,
                () -> assertEquals(status, (int) number(row, "status"), "status"),
                () -> assertEquals(errorCode, row.get("error_code"), "error_code"),
                () -> assertEquals(attempts, (int) number(row, "attempts"), "attempts = x-frugal-attempts"),
                () -> assertEquals(attemptLog, row.get("attempt_log"), "attempt_log"),
                () -> assertEquals(streamed, row.get("streamed"), "streamed"),
                () -> assertEquals(status == 499, row.get("client_disconnected"), "client_disconnected"));
    }
}
