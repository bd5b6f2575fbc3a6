package dev.frugal.config;

import dev.frugal.core.TimeSource;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;

/**
 * The one database in use: the embedded H2 file (default) or PostgreSQL ({@code FRUGAL_DB_URL}).
 * Both datasources are built in and exactly one is active at run time (see application.properties);
 * anything else stops the start with a clear message. JDBC is blocking: callers use it off the
 * event loop only.
 *
 * <p>Two ways in, because a stalled database must not hang what does not need it
 * (docs/decisions/0009-database-stalls.md):
 * <ul>
 *   <li>{@link #dataSource()}: for the background writers that wait a stall out on threads of their
 *       own (the ledger writer, retention): no read timeout, so a batch whose commit is on its way
 *       is never abandoned and then written again.
 *   <li>{@link #callerDataSource()} through a lane, for work someone waits for: {@link #calls()}
 *       (admin API, audit trail, teams and keys, a budget's spend; {@code frugal.db.timeout}) and
 *       {@link #reports()} (usage reports; {@code frugal.db.report-timeout}). Each lane has a few
 *       threads of its own, and its connections give up a read after its timeout.
 * </ul>
 */
@Singleton
public class Database {
    /** The SQL flavours the stores write for. H2 runs in PostgreSQL mode, so most SQL is shared. */
    public enum Dialect { H2, POSTGRESQL }

    @ConfigProperty(name = "frugal.db.kind") String kind;
    @ConfigProperty(name = "frugal.db.timeout", defaultValue = "3s") Duration timeout;
    @ConfigProperty(name = "frugal.db.max-concurrent", defaultValue = "4") int maxConcurrent;
    @ConfigProperty(name = "frugal.db.report-timeout", defaultValue = "10s") Duration reportTimeout;
    @ConfigProperty(name = "frugal.db.report-max-concurrent", defaultValue = "2") int reportMaxConcurrent;
    @ConfigProperty(name = "frugal.responses.max-concurrent", defaultValue = "4") int responsesMaxConcurrent;
    @ConfigProperty(name = "frugal.db.h2.compact-interval") Duration compactInterval;
    @ConfigProperty(name = "frugal.db.h2.compact-fill-rate") int compactFillRate;
    @ConfigProperty(name = "frugal.db.h2.compact-step") MemorySize compactStep;
    @Inject @DataSource("h2") InjectableInstance<AgroalDataSource> h2;
    @Inject @DataSource("pg") InjectableInstance<AgroalDataSource> pg;
    @Inject Vertx vertx;
    @Inject MeterRegistry registry;
    @Inject TimeSource time;

    private Dialect dialect;
    private javax.sql.DataSource dataSource;
    private javax.sql.DataSource callerDataSource;
    private DatabaseLane calls;
    private DatabaseLane reports;
    private DatabaseLane responses;
    private EmbeddedCompaction compaction;

    @PostConstruct
    void init() {
        switch (kind) {
            case "h2" -> { dialect = Dialect.H2; dataSource = h2.get(); }
            case "postgresql" -> { dialect = Dialect.POSTGRESQL; dataSource = pg.get(); }
            default -> throw new IllegalStateException("frugal.db.kind must be h2 or postgresql, not '" + kind + "'");
        }
        calls = new DatabaseLane("calls", "frugal.db.timeout", maxConcurrent, timeout, vertx, registry, time);
        reports = new DatabaseLane("reports", "frugal.db.report-timeout", reportMaxConcurrent, reportTimeout, vertx, registry, time);
        responses = new DatabaseLane("responses", "frugal.db.timeout", responsesMaxConcurrent, timeout, vertx, registry, time);
        callerDataSource = new ReadTimeoutDataSource(dataSource, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (dialect == Dialect.H2 && !compactInterval.isZero() && hasFile()) {
            compaction = EmbeddedCompaction.start(dataSource, compactFillRate,
                    (int) Math.min(Integer.MAX_VALUE, compactStep.asLongValue()), compactInterval.toMillis(), registry);
        }
    }

    /** Whether the embedded database is a file (an in-memory one, as in tests, has nothing to compact). */
    private boolean hasFile() {
        try (Connection c = dataSource.getConnection()) {
            return EmbeddedCompaction.hasFile(c);
        } catch (SQLException e) {
            throw new IllegalStateException("The embedded database did not open: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        if (compaction != null) compaction.close();
        if (calls != null) calls.close();
        if (reports != null) reports.close();
        if (responses != null) responses.close();
    }

    /** The database without read timeouts: for the ledger writer and retention, which wait a stall out. */
    public javax.sql.DataSource dataSource() { return dataSource; }

    /**
     * The database for work run through {@link #calls()} or {@link #reports()}: a connection's reads
     * give up after the running lane's timeout ({@code frugal.db.timeout} on any other thread), so
     * a stalled database frees the thread. Closing the connection puts its own timeout back.
     */
    public javax.sql.DataSource callerDataSource() { return callerDataSource; }

    /** Admin API, audit trail, teams and keys, a budget's spend: {@code frugal.db.timeout}, {@code frugal.db.max-concurrent}. */
    public DatabaseLane calls() { return calls; }

    /** Usage reports: {@code frugal.db.report-timeout}, {@code frugal.db.report-max-concurrent}. */
    public DatabaseLane reports() { return reports; }

    /**
     * Stored responses of the Responses API, read and written on a request's behalf:
     * {@code frugal.db.timeout}, {@code frugal.responses.max-concurrent} threads of its own, so a
     * busy conversation store never holds up the admin API.
     */
    public DatabaseLane responses() { return responses; }

    public Dialect dialect() { return dialect; }

    /**
     * Hands out connections of {@code target} with a read timeout ({@link Connection#setNetworkTimeout}),
     * and puts the timeout they had back when they are closed: the pool does not (Agroal resets
     * auto-commit, isolation and read-only, not the network timeout), and a pooled connection that
     * kept it would give the ledger writer a read timeout, the very thing it must not have.
     */
    static final class ReadTimeoutDataSource implements javax.sql.DataSource {
        private final javax.sql.DataSource target;
        private final int fallbackMillis;

        ReadTimeoutDataSource(javax.sql.DataSource target, int fallbackMillis) {
            this.target = target;
            this.fallbackMillis = fallbackMillis;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return bounded(target.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return bounded(target.getConnection(username, password));
        }

        private Connection bounded(Connection c) throws SQLException {
            int before;
            try {
                before = c.getNetworkTimeout();
                c.setNetworkTimeout(Runnable::run, DatabaseLane.readTimeoutMillis(fallbackMillis));
            } catch (SQLFeatureNotSupportedException embedded) {
                return c; // no network (H2 in the process): nothing to time out
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            restore(c, before);
                            c.close();
                            return null;
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        /** Puts the connection's own read timeout back before it returns to the pool; a broken connection is discarded anyway. */
        private static void restore(Connection c, int networkTimeout) {
            try {
                if (!c.isClosed()) c.setNetworkTimeout(Runnable::run, networkTimeout);
            } catch (SQLException | RuntimeException broken) {
                // the connection is lost (its read timed out): the pool's exception sorter discards it
            }
        }

        @Override public PrintWriter getLogWriter() throws SQLException { return target.getLogWriter(); }
        @Override public void setLogWriter(PrintWriter out) throws SQLException { target.setLogWriter(out); }
        @Override public void setLoginTimeout(int seconds) throws SQLException { target.setLoginTimeout(seconds); }
        @Override public int getLoginTimeout() throws SQLException { return target.getLoginTimeout(); }
        @Override public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException { return target.getParentLogger(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
        }
        @Override public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || target.isWrapperFor(iface);
        }
    }
}
