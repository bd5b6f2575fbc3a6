package dev.frugal.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.frugal.routing.quality.OutcomeTable;
import dev.frugal.wire.Json;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes' learned-quality examples in the database (tables {@code route_example_sets}, {@code route_examples},
 * {@code route_example_outcomes}, migration V9), keyed by route name. One set per upload: written whole
 * with its prompts and outcomes, its embeddings filled in batches, then made the route's set in force
 * ({@link #finish}, which deletes the route's older sets). Prepared statements and JDBC batches only; the
 * same SQL on H2 and PostgreSQL. Blocking: call it off the event loop. Thread-safe (a connection per call).
 */
final class ExampleStore {
    static final String EMBEDDING = "embedding", READY = "ready", FAILED = "failed";
    /** Rows per JDBC batch. */
    private static final int BATCH = 500;

    /** A set's state, as {@code GET /admin/routes/{route}/examples} shows it. */
    record SetStatus(long id, String route, List<String> candidates, int rows, int embedded, String state, String error,
                     Instant uploadedAt, Instant finishedAt) {}

    /** A prompt still to be embedded. */
    record Pending(int row, String prompt) {}

    /**
     * A ready set as the estimator reads it: per row its size and embedding, per row and candidate its
     * score (row-major) and cost in nano-USD ({@link OutcomeTable#UNKNOWN} when not given).
     */
    record Loaded(long id, String route, List<String> candidates, long[] tokens, List<float[]> embeddings, float[] scores,
                  long[] costNanos) {
        int size() { return tokens.length; }
    }

    private final DataSource dataSource;

    ExampleStore(DataSource dataSource) { this.dataSource = dataSource; }

    /**
     * Stores an upload as a new set in state {@value #EMBEDDING}, no row embedded yet, in one transaction.
     *
     * @param tokens each row's estimated prompt size
     * @return the set's id
     */
    long create(String route, OutcomeTable table, long[] tokens, Instant at, String credential) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO route_example_sets (route, candidates, total_rows, "
                        + "embedded, state, uploaded_at, credential) VALUES (?, ?, ?, 0, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, route);
                    ArrayNode names = Json.nodes().arrayNode();
                    table.candidates().forEach(names::add);
                    ps.setString(2, Json.write(names));
                    ps.setInt(3, table.size());
                    ps.setString(4, EMBEDDING);
                    ps.setObject(5, time(at));
                    ps.setString(6, credential);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                }
                insertRows(c, id, table, tokens);
                c.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("store the examples", e);
        }
    }

    private static void insertRows(Connection c, long id, OutcomeTable t, long[] tokens) throws SQLException {
        int k = t.candidates().size();
        try (PreparedStatement rows = c.prepareStatement(
                "INSERT INTO route_examples (set_id, row_no, prompt, prompt_tokens) VALUES (?, ?, ?, ?)");
             PreparedStatement outcomes = c.prepareStatement("INSERT INTO route_example_outcomes (set_id, row_no, candidate, "
                     + "score, cost_nanos, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int r = 0; r < t.size(); r++) {
                rows.setLong(1, id);
                rows.setInt(2, r);
                rows.setString(3, t.prompt(r));
                rows.setLong(4, tokens[r]);
                rows.addBatch();
                for (int cand = 0; cand < k; cand++) {
                    outcomes.setLong(1, id);
                    outcomes.setInt(2, r);
                    outcomes.setInt(3, cand);
                    outcomes.setDouble(4, t.score(r, cand));
                    nullable(outcomes, 5, t.costNanos(r, cand));
                    nullable(outcomes, 6, t.inputTokens(r, cand));
                    nullable(outcomes, 7, t.outputTokens(r, cand));
                    outcomes.addBatch();
                }
                if ((r + 1) % BATCH == 0) {
                    rows.executeBatch();
                    outcomes.executeBatch();
                }
            }
            rows.executeBatch();
            outcomes.executeBatch();
        }
    }

    /** Up to {@code limit} rows of the set without an embedding, in row order. */
    List<Pending> unembedded(long setId, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT row_no, prompt FROM route_examples WHERE set_id = ? AND embedding IS NULL ORDER BY row_no LIMIT ?")) {
            ps.setLong(1, setId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Pending> out = new ArrayList<>();
                while (rs.next()) out.add(new Pending(rs.getInt(1), rs.getString(2)));
                return out;
            }
        } catch (SQLException e) {
            throw failure("read the examples to embed", e);
        }
    }

    /**
     * Stores the embeddings of {@code rows} and counts them in the set's progress, in one transaction; false
     * when the set is gone (deleted meanwhile).
     */
    boolean embedded(long setId, List<Pending> rows, List<float[]> vectors) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE route_examples SET embedding = ? WHERE set_id = ? AND row_no = ?");
                 PreparedStatement count = c.prepareStatement("UPDATE route_example_sets SET embedded = "
                         + "(SELECT COUNT(*) FROM route_examples WHERE set_id = ? AND embedding IS NOT NULL) WHERE id = ?")) {
                for (int i = 0; i < rows.size(); i++) {
                    ps.setBytes(1, bytes(vectors.get(i)));
                    ps.setLong(2, setId);
                    ps.setInt(3, rows.get(i).row());
                    ps.addBatch();
                }
                ps.executeBatch();
                count.setLong(1, setId);
                count.setLong(2, setId);
                boolean exists = count.executeUpdate() == 1;
                c.commit();
                return exists;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("store the examples' embeddings", e);
        }
    }

    /**
     * Makes the set the route's set in force (state {@value #READY}) and deletes the route's older sets, in
     * one transaction; false when the set is gone (the route's examples were deleted meanwhile).
     */
    boolean finish(long setId, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ready = c.prepareStatement(
                    "UPDATE route_example_sets SET state = ?, finished_at = ? WHERE id = ? AND state = ?");
                 PreparedStatement older = c.prepareStatement("DELETE FROM route_example_sets WHERE id < ? AND route = "
                         + "(SELECT route FROM route_example_sets WHERE id = ?)")) {
                ready.setString(1, READY);
                ready.setObject(2, time(at));
                ready.setLong(3, setId);
                ready.setString(4, EMBEDDING);
                if (ready.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                older.setLong(1, setId);
                older.setLong(2, setId);
                older.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("finish the examples", e);
        }
    }

    /** Marks an upload failed, keeping its rows out of use (the route's set in force stays). */
    void fail(long setId, String error, Instant at) {
        update("UPDATE route_example_sets SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = ?", ps -> {
            ps.setString(1, FAILED);
            ps.setString(2, error.length() > 1000 ? error.substring(0, 1000) : error);
            ps.setObject(3, time(at));
            ps.setLong(4, setId);
            ps.setString(5, EMBEDDING);
        });
    }

    /** Deletes every set of the route, in force or in progress; returns how many example rows the set in force had (0: none). */
    int delete(String route) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT COALESCE(MAX(total_rows), 0) FROM route_example_sets WHERE route = ? AND state = ?");
                 PreparedStatement del = c.prepareStatement("DELETE FROM route_example_sets WHERE route = ?")) {
                count.setString(1, route);
                count.setString(2, READY);
                int rows;
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    rows = rs.getInt(1);
                }
                del.setString(1, route);
                del.executeUpdate();
                c.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("delete the examples", e);
        }
    }

    /** The route's sets, newest first: at most the one in force and those uploaded after it. */
    List<SetStatus> sets(String route) {
        return statuses("WHERE route = ? ORDER BY id DESC", ps -> ps.setString(1, route));
    }

    /** Every set in this state, oldest first. */
    List<SetStatus> inState(String state) {
        return statuses("WHERE state = ? ORDER BY id", ps -> ps.setString(1, state));
    }

    private List<SetStatus> statuses(String where, Binder binder) {
        String sql = "SELECT id, route, candidates, total_rows, embedded, state, error, uploaded_at, finished_at FROM route_example_sets " + where;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<SetStatus> out = new ArrayList<>();
                while (rs.next()) {
                    OffsetDateTime finished = rs.getObject(9, OffsetDateTime.class);
                    out.add(new SetStatus(rs.getLong(1), rs.getString(2), candidates(rs.getString(3)), rs.getInt(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), rs.getObject(8, OffsetDateTime.class).toInstant(),
                            finished == null ? null : finished.toInstant()));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure("read the examples' state", e);
        }
    }

    /** A set's rows with their embeddings and outcomes; every row must be embedded. */
    Loaded load(SetStatus set) {
        int n = set.rows(), k = set.candidates().size();
        long[] tokens = new long[n];
        List<float[]> embeddings = new ArrayList<>(n);
        float[] scores = new float[n * k];
        long[] costs = new long[n * k];
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT row_no, prompt_tokens, embedding FROM route_examples WHERE set_id = ? ORDER BY row_no")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int r = rs.getInt(1);
                        if (r != embeddings.size()) throw new IllegalStateException("example set " + set.id() + " misses row " + embeddings.size());
                        tokens[r] = rs.getLong(2);
                        byte[] b = rs.getBytes(3);
                        if (b == null) throw new IllegalStateException("example set " + set.id() + " row " + r + " has no embedding");
                        embeddings.add(floats(b));
                    }
                }
            }
            if (embeddings.size() != n) throw new IllegalStateException("example set " + set.id() + " has " + embeddings.size() + " of " + n + " rows");
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT row_no, candidate, score, cost_nanos FROM route_example_outcomes WHERE set_id = ?")) {
                ps.setLong(1, set.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = rs.getInt(1) * k + rs.getInt(2);
                        scores[i] = (float) rs.getDouble(3);
                        long cost = rs.getLong(4);
                        costs[i] = rs.wasNull() ? OutcomeTable.UNKNOWN : cost;
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("load the examples", e);
        }
        return new Loaded(set.id(), set.route(), set.candidates(), tokens, embeddings, scores, costs);
    }

    /** A vector as 4 bytes a dimension, little-endian. */
    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    static float[] floats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
        return v;
    }

    private static List<String> candidates(String json) throws SQLException {
        try {
            return List.copyOf(Json.mapper().readValue(json, new TypeReference<List<String>>() {}));
        } catch (IOException e) {
            throw new SQLException("route_example_sets holds candidates that are not a JSON list", e);
        }
    }

    private void update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("update the examples' state", e);
        }
    }

    private static void nullable(PreparedStatement ps, int index, long value) throws SQLException {
        if (value == OutcomeTable.UNKNOWN) ps.setNull(index, Types.BIGINT); else ps.setLong(index, value);
    }

    private static OffsetDateTime time(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("database: cannot " + what + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
