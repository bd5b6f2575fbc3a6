package dev.frugal.config;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The plumbing the stores of the admin API share: prepared statements, one connection per call or one
 * transaction, SQL failures as {@link IllegalStateException}s that say what failed, and times as
 * {@code timestamp with time zone} in UTC — the same on H2 and PostgreSQL. Blocking: call it off the
 * event loop. Thread-safe (a connection per call).
 */
public final class Jdbc {
    /** SQLSTATE of a unique or primary key violation, on H2 and PostgreSQL alike. */
    public static final String DUPLICATE = "23505";

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) { this.dataSource = dataSource; }

    public interface Binder { void bind(PreparedStatement ps) throws SQLException; }

    public interface RowMapper<T> { T map(ResultSet rs) throws SQLException; }

    public interface Work<T> { T run(Connection c) throws SQLException; }

    /** The rows of one query, on a connection of its own. */
    public <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, binder, mapper);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    public static <T> List<T> query(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) out.add(mapper.map(rs));
                return out;
            }
        }
    }

    /** One statement on a connection of its own; {@code what} names it in a failure. @return the number of rows changed */
    public int update(String what, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, binder);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** @return the number of rows changed */
    public static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if anything throws. */
    public <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** A failed statement, saying what it was to do; its SQLSTATE is that of {@link #sqlState}. */
    public static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("database: cannot " + what + " (SQLSTATE " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    /** The SQLSTATE behind a failure of {@link #failure}, or null. */
    public static String sqlState(RuntimeException e) {
        return e.getCause() instanceof SQLException s ? s.getSQLState() : null;
    }

    public static void setTime(PreparedStatement ps, int index, Instant i) throws SQLException {
        if (i == null) ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(index, OffsetDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
