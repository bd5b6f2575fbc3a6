package dev.frugal.testsupport;

import dev.frugal.config.Database;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh, migrated databases for tests that use the stores without Quarkus: an in-memory H2
 * database, or a new schema in the PostgreSQL {@code test} database (use with {@link RequiresPostgres}).
 * Each call gives an empty database with the production migrations applied.
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static DataSource fresh(Database.Dialect dialect) {
        return dialect == Database.Dialect.H2 ? h2() : postgres();
    }

    public static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:t" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        migrate(ds, "db/migration/h2", null);
        return ds;
    }

    /** A new schema named {@code t_<random>} in the {@code test} database, dropped at JVM exit. */
    public static DataSource postgres() {
        String schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(RequiresPostgres.URL);
        ds.setUser(RequiresPostgres.USER);
        ds.setCurrentSchema(schema);
        migrate(ds, "db/migration/postgresql", schema);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (Exception ignored) {
                // best effort
            }
        }));
        return ds;
    }

    private static void migrate(DataSource ds, String location, String schema) {
        var conf = Flyway.configure().dataSource(ds).locations("classpath:" + location);
        if (schema != null) conf.schemas(schema).createSchemas(true);
        conf.load().migrate();
    }
}
