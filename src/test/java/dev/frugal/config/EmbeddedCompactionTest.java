package dev.frugal.config;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded file is compacted in bounded steps while H2's own compaction is off: steps raise the chunks' fill
 * rate to the target and stop there, and an in-memory database is left alone.
 */
@Tag("unit")
class EmbeddedCompactionTest {
    // RETENTION_TIME=0: chunks may be rewritten at once (the product keeps H2's 45 s); no compaction of H2's own.
    private static final String OPTIONS = ";MODE=PostgreSQL;AUTO_COMPACT_FILL_RATE=0;RETENTION_TIME=0";

    @TempDir Path dir;

    @Test
    void stepsRaiseTheFillRateOfAFragmentedFileToTheTargetAndNoFurther() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db") + OPTIONS, "sa", "")) {
            assertTrue(EmbeddedCompaction.hasFile(c));
            fragment(c);
            int before = EmbeddedCompaction.chunksFillRate(c);
            assertTrue(before < 50, "the deletes left the chunks mostly dead: " + before + " %");

            int steps = 0;
            while (EmbeddedCompaction.step(c, 80, 64 * 1024)) {
                commit(c); // the store saves rewritten pages with a commit, as H2's writer does every second
                assertTrue(++steps < 1000, "the steps never reached the target");
            }
            int after = EmbeddedCompaction.chunksFillRate(c);
            assertTrue(after >= 80, "steps stop at the target or above: " + before + " → " + after + " % in " + steps + " steps");
            assertTrue(steps > 1, "a 64 KiB step cannot rewrite the whole file at once: " + steps + " step(s)");
            assertFalse(EmbeddedCompaction.step(c, 80, 64 * 1024), "nothing to do once at the target");
            assertEquals(4_000, count(c), "compaction keeps every live row");
        }
    }

    @Test
    void anInMemoryDatabaseHasNoFileAndNothingToCompact() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:compaction-test" + OPTIONS, "sa", "")) {
            assertFalse(EmbeddedCompaction.hasFile(c));
            assertFalse(EmbeddedCompaction.step(c, 80, 1 << 20));
            assertEquals(100, EmbeddedCompaction.chunksFillRate(c));
        }
    }

    /** 20 000 rows over 40 commits (40 chunks), then 80 % of them deleted: every chunk keeps a few live pages. */
    private static void fragment(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(400))");
            s.execute("CREATE TABLE tick (id INT PRIMARY KEY, at BIGINT)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int i = 0; i < 20_000; i++) {
                ps.setInt(1, i);
                ps.setString(2, "x".repeat(200) + i);
                ps.addBatch();
                if (i % 500 == 499) {
                    ps.executeBatch();
                    commit(c);
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM t WHERE MOD(id / 100, 5) <> 0"); // a run of 100 rows kept in every 500: whole pages stay where they were
        }
        commit(c);
        c.setAutoCommit(true);
    }

    /**
     * Commits and makes the store write its changes now, as H2's background writer does every second under
     * traffic; a second write (a tick) lets the store drop the chunks the first one left dead, as the next
     * batch of the ledger does.
     */
    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) c.commit();
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
            for (int i = 0; i < 2; i++) {
                s.execute("MERGE INTO tick KEY (id) VALUES (1, " + System.nanoTime() + ")");
                if (!c.getAutoCommit()) c.commit();
                s.execute("CHECKPOINT");
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
