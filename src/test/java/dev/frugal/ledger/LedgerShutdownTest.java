package dev.frugal.ledger;

import dev.frugal.testsupport.GatewayTestResource;
import io.quarkus.runtime.Application;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The final flush happens in Quarkus's shutdown sequence after requests finished and before the
 * datasource closes: rows recorded (and not yet written: the flush interval is an hour) are in
 * the database file once the application has stopped. Its own profile: an H2 file, so the rows
 * can be read after the stop. (ShutdownFlushIT does the same with SIGTERM on the packaged gateway.)
 */
@QuarkusTest
@TestProfile(LedgerShutdownTest.FileDatabase.class)
@QuarkusTestResource(GatewayTestResource.class)
class LedgerShutdownTest {
    static final Path DB = Path.of("target", "ledger-shutdown-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE), "frugal")
            .toAbsolutePath();
    static final String OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    public static class FileDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.h2.jdbc.url", "jdbc:h2:file:" + DB + OPTIONS + ";DB_CLOSE_ON_EXIT=FALSE",
                    "frugal.ledger.flush-interval", "1h",
                    "frugal.ledger.batch-size", "10000",
                    "frugal.ledger.max-pending", "10000");
        }
    }

    @Inject Ledger ledger;

    @Test
    void rowsRecordedBeforeShutdownAreWrittenBeforeTheDatasourceCloses() throws Exception {
        for (int i = 0; i < 50; i++) {
            ledger.record(new LedgerRow("shutdown-" + i, Instant.now(), "alpha", null, "chat", "gpt-test", null, "fake",
                    "fake/gpt-test", "gpt-test", 200, null, 10, 5, 0, 0, 100, 200, null, false, false, 20, -1, false, false,
                    false, 1, null, null, null, Double.NaN, 0, 0, 0, null, -1, null));
        }
        assertEquals(50, ledger.pending(), "nothing written yet: the flush interval is an hour");

        Application.currentApplication().stop(); // graceful shutdown, ShutdownEvent, beans destroyed, datasource closed

        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + DB + OPTIONS, "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), (SELECT SUM(requests) FROM ledger_daily) FROM ledger WHERE request_id LIKE 'shutdown-%'")) {
            rs.next();
            assertEquals(50, rs.getLong(1), "every row recorded before the stop is in the database");
            assertEquals(50, rs.getLong(2), "and in the rollups");
        }
    }
}
