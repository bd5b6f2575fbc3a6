package dev.frugal.config;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one database in use: the embedded H2 file (default) or PostgreSQL ({@code FRUGAL_DB_URL}).
 * Both datasources are built in and exactly one is active at run time (see application.properties);
 * anything else stops the start with a clear message. JDBC is blocking: callers use it off the
 * event loop only.
 */
@ApplicationScoped
public class Database {
    /** The SQL flavours the stores write for. H2 runs in PostgreSQL mode, so most SQL is shared. */
    public enum Dialect { H2, POSTGRESQL }

    @ConfigProperty(name = "frugal.db.kind") String kind;
    @Inject @DataSource("h2") InjectableInstance<AgroalDataSource> h2;
    @Inject @DataSource("pg") InjectableInstance<AgroalDataSource> pg;

    private Dialect dialect;
    private javax.sql.DataSource dataSource;

    @PostConstruct
    void init() {
        switch (kind) {
            case "h2" -> { dialect = Dialect.H2; dataSource = h2.get(); }
            case "postgresql" -> { dialect = Dialect.POSTGRESQL; dataSource = pg.get(); }
            default -> throw new IllegalStateException("frugal.db.kind must be h2 or postgresql, not '" + kind + "'");
        }
    }

    public javax.sql.DataSource dataSource() { return dataSource; }

    public Dialect dialect() { return dialect; }
}
