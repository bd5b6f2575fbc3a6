package dev.frugal.config;

import dev.frugal.testsupport.GatewayTestResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the shipped embedded URL (a file, not the tests' in-memory database) H2's own compaction is off and Frugal's
 * thread compacts the file in steps, which its gauge shows (decision 0040).
 */
@QuarkusTest
@TestProfile(EmbeddedCompactionRunsTest.ShippedFileDatabase.class)
@QuarkusTestResource(GatewayTestResource.class)
class EmbeddedCompactionRunsTest {
    public static class ShippedFileDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Path.of("target", "compaction-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
            Properties shipped = new Properties();
            try (InputStream in = EmbeddedCompactionRunsTest.class.getResourceAsStream("/application.properties")) {
                shipped.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.h2.jdbc.url", shipped.getProperty("quarkus.datasource.h2.jdbc.url"),
                    "frugal.data-dir", dir.toAbsolutePath().toString());
        }
    }

    @Inject Database database;
    @Inject MeterRegistry registry;

    @Test
    void theShippedFileIsCompactedByFrugalsThreadNotByH2s() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'AUTO_COMPACT_FILL_RATE'")) {
            assertTrue(EmbeddedCompaction.hasFile(c), "the shipped URL is a file");
            assertTrue(rs.next(), "H2 lists the setting");
            assertEquals("0", rs.getString(1), "H2's own compaction is off");
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("frugal-h2-compaction") && t.isAlive()),
                "Frugal's compaction thread runs");
        Gauge fill = registry.find("frugal.db.h2.chunks.fill").gauge();
        assertNotNull(fill, "the fill rate is a metric");
        long deadline = System.nanoTime() + 30_000_000_000L; // the first step comes after one interval (1 s)
        while (Double.isNaN(fill.value()) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(fill.value() >= 0 && fill.value() <= 100, "a step measured the file: " + fill.value());
    }
}
