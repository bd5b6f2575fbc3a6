package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.frugal.config.Database;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import dev.frugal.wire.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table of migration V4 through {@link AuditStore}, on H2 and on PostgreSQL: round trip and every filter. */
class AuditStoreTest {
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123Z");

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
        AuditStore store;

        abstract DataSource fresh();

        @BeforeEach
        void setUp() {
            store = new AuditStore(fresh());
        }

        static JsonNode json(String text) throws Exception { return Json.parse(text); }

        AuditRecord record(Instant at, String action, String team, String target) throws Exception {
            return new AuditRecord(0, at, "admin-key:0123abcd", "10.0.0.7", action, team, target,
                    json("{\"limits\":{\"rpm\":1}}"), json("{\"limits\":{\"rpm\":2}}"));
        }

        static AuditQuery all() { return new AuditQuery(null, null, null, null, 100); }

        @Test
        void aRecordRoundTripsExactly() throws Exception {
            store.insert(new AuditRecord(0, T0, "admin-key:0123abcd", "2001:db8::1", "team.create", "research", "research", null,
                    json("{\"name\":\"research\",\"budget\":[{\"usd\":12.5,\"period\":\"month\",\"mode\":\"hard\"}],\"reference_model\":null}")));
            store.insert(new AuditRecord(0, T0.plusMillis(1), "admin-key:0123abcd", null, "team.delete", "research", "research",
                    json("{\"name\":\"research\",\"keys\":[\"key_a\"]}"), null));
            List<AuditRecord> rows = store.find(all());
            assertEquals(2, rows.size());
            AuditRecord created = rows.get(1);
            assertTrue(created.id() > 0);
            assertEquals(T0, created.at());
            assertEquals("admin-key:0123abcd", created.credential());
            assertEquals("2001:db8::1", created.clientAddress());
            assertEquals("team.create", created.action());
            assertEquals("research", created.team());
            assertEquals("research", created.target());
            assertNull(created.before());
            assertEquals(json("{\"name\":\"research\",\"budget\":[{\"usd\":12.5,\"period\":\"month\",\"mode\":\"hard\"}],\"reference_model\":null}"),
                    created.after());
            AuditRecord deleted = rows.get(0);
            assertNull(deleted.after());
            assertNull(deleted.clientAddress());
            assertEquals(List.of("key_a"), List.of(deleted.before().get("keys").get(0).asText()));
        }

        @Test
        void filtersSelectByTimeTeamAndActionNewestFirstUpToTheLimit() throws Exception {
            store.insert(record(T0, "team.create", "a", "a"));
            store.insert(record(T0.plusSeconds(60), "key.issue", "a", "key_1"));
            store.insert(record(T0.plusSeconds(60), "key.issue", "b", "key_2")); // same instant: the later row first
            store.insert(record(T0.plusSeconds(120), "key.revoke", "a", "key_1"));
            store.insert(record(T0.plusSeconds(180), "cache.purge", null, null));

            assertEquals(List.of("cache.purge", "key.revoke", "key.issue:b", "key.issue:a", "team.create"), names(store.find(all())));
            assertEquals(List.of("key.issue:b", "key.issue:a"),
                    names(store.find(new AuditQuery(T0.plusSeconds(60), T0.plusSeconds(120), null, null, 100))), "from inclusive, to exclusive");
            assertEquals(List.of("key.revoke", "key.issue:a", "team.create"), names(store.find(new AuditQuery(null, null, "a", null, 100))));
            assertEquals(List.of("key.issue:b", "key.issue:a"), names(store.find(new AuditQuery(null, null, null, "key.issue", 100))));
            assertEquals(List.of("key.issue:a"), names(store.find(new AuditQuery(T0, null, "a", "key.issue", 100))));
            assertEquals(List.of("cache.purge", "key.revoke", "key.issue:b"), names(store.find(new AuditQuery(null, null, null, null, 2))),
                    "one more than the limit, so the caller knows there is more");
            assertEquals(List.of(), names(store.find(new AuditQuery(null, null, "a'; DROP TABLE admin_audit;--", null, 100))));
            assertEquals(5, store.find(all()).size());
        }

        static List<String> names(List<AuditRecord> rows) {
            return rows.stream().map(r -> r.action().equals("key.issue") ? r.action() + ":" + r.team() : r.action()).toList();
        }
    }
}
