package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored responses of migration V12 through {@link ResponseRecords}, on H2 and PostgreSQL: round trip, team scope, expiry. */
class ResponseRecordsTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Nested
    class OnH2 extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.H2); }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override DataSource fresh() { return TestDatabases.fresh(Database.Dialect.POSTGRESQL); }
    }

    abstract static class Cases {
        ResponseRecords records;

        abstract DataSource fresh();

        @BeforeEach
        void setUp() { records = new ResponseRecords(fresh()); }

        static ResponseRecords.Row row(String id, String team, Instant at) {
            return new ResponseRecords.Row(id, team, at, "{\"id\":\"" + id + "\",\"output\":[]}", "[{\"id\":\"msg_1\",\"type\":\"message\"}]");
        }

        @Test
        void aResponseRoundTripsForItsTeamOnly() throws Exception {
            records.insert(row("resp_a", "research", T0));
            ResponseRecords.Row found = records.find("research", "resp_a");
            assertNotNull(found);
            assertEquals("{\"id\":\"resp_a\",\"output\":[]}", found.response());
            assertEquals("[{\"id\":\"msg_1\",\"type\":\"message\"}]", found.inputItems());
            assertEquals(T0, found.createdAt());
            assertNull(records.find("sales", "resp_a"), "another team's id is not found");
            assertFalse(records.delete("sales", "resp_a"), "nor deleted by it");
            assertNotNull(records.find("research", "resp_a"));
            assertTrue(records.delete("research", "resp_a"));
            assertNull(records.find("research", "resp_a"));
        }

        @Test
        void responsesOlderThanTheCutoffExpire() throws Exception {
            records.insert(row("resp_old", "research", T0.minusSeconds(3600)));
            records.insert(row("resp_new", "research", T0));
            assertEquals(1, records.deleteBefore(T0.minusSeconds(60)));
            assertNull(records.find("research", "resp_old"));
            assertNotNull(records.find("research", "resp_new"));
        }
    }
}
