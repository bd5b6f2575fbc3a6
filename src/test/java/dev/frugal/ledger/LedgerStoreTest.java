package dev.frugal.ledger;

import dev.frugal.config.Database;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static dev.frugal.ledger.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LedgerStore on H2 and PostgreSQL: every field round-trips, rollups equal the raw rows, a failed batch writes nothing. */
class LedgerStoreTest {

    @Nested
    class OnH2 extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.H2; }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.POSTGRESQL; }

        /** A row the server refuses fails the batch's COPY with its data error, which the writer then isolates row by row. */
        @Test
        void aRefusedRowFailsTheCopyWithItsSqlState() {
            LedgerRow tooLong = new LedgerRow("req_x", Instant.parse("2026-11-28T10:00:00Z"), "alpha", null, "chat", "m", null, "p",
                    "p/m", "m", 200, null, 1, 1, 0, 0, 0, 0, null, false, false, 1, -1, false, false, false, 1, null, null, null,
                    Double.NaN, 0, 0, 0, null, -1, "x".repeat(40));
            java.sql.SQLException e = assertThrows(java.sql.SQLException.class, () -> store.write(List.of(row().id("ok").build(), tooLong)));
            assertTrue(e.getSQLState().startsWith("22"), e.getSQLState());
        }
    }

    abstract static class Cases {
        DataSource ds;
        LedgerStore store;

        abstract Database.Dialect dialect();

        @BeforeEach
        void setUp() {
            ds = TestDatabases.fresh(dialect());
            store = new LedgerStore(ds, dialect());
        }

        /** Text with the characters COPY's format escapes, and ones beyond ASCII, comes back as it went in. */
        @Test
        void textWithTabsNewlinesBackslashesAndUnicodeRoundTrips() throws Exception {
            String odd = "a\tb\nc\rd\\e \\N f\\\\g ü ✓ 😀 end\\";
            store.write(List.of(new LedgerRow("req_odd", Instant.parse("2026-11-28T10:00:00.0000005Z"), "team\t1", null, "chat", odd,
                    null, "p", "p/m", "m", 200, null, 1, 1, 0, 0, 0, 0, null, false, false, 1, -1, false, false, false, 1, odd, odd,
                    null, Double.NaN, 0, 0, 0, null, -1, null)));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT team, requested_model, attempt_log, route_decision, ts FROM ledger")) {
                assertTrue(rs.next());
                assertEquals("team\t1", rs.getString(1));
                assertEquals(odd, rs.getString(2));
                assertEquals(odd, rs.getString(3));
                assertEquals(odd, rs.getString(4));
                assertEquals(LocalDateTime.parse("2026-11-28T10:00:00.000001"), rs.getObject(5, LocalDateTime.class), "rounded half up to the microsecond");
            }
        }

        @Test
        void everyFieldRoundTrips() throws Exception {
            LedgerRow r = new LedgerRow("req_1", Instant.parse("2026-11-28T23:59:59.250Z"), "alpha", "k_9", "chat", "auto", "auto",
                    "anthropic", "anthropic/claude-x", "claude-x", 200, null, 1000, 200, 300, 50, 12_345, 99_999, "2026-11",
                    false, true, 1830, 240, true, false, true, 2, "openai/gpt=rate_limited;anthropic/claude-x=ok",
                    "cheapest: claude [anthropic/claude-x cost=900], gpt [openai/gpt cost=unpriced]; dropped: local [embed unsupported_operation]",
                    "claude", 0.875, 0, 2, 4_000, "local", 3_210, null);
            LedgerRow keyless = row().id("req_2").key(null).provider("").status(404).build();
            store.write(List.of(r, keyless));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM ledger ORDER BY request_id")) {
                assertTrue(rs.next());
                assertEquals("req_1", rs.getString("request_id"));
                assertEquals(LocalDateTime.parse("2026-11-28T23:59:59.250"), rs.getObject("ts", LocalDateTime.class));
                assertEquals("alpha", rs.getString("team"));
                assertEquals("k_9", rs.getString("key_id"));
                assertEquals("chat", rs.getString("endpoint"));
                assertEquals("auto", rs.getString("requested_model"));
                assertEquals("auto", rs.getString("route"));
                assertEquals("anthropic", rs.getString("provider"));
                assertEquals("anthropic/claude-x", rs.getString("deployment"));
                assertEquals("claude-x", rs.getString("upstream_model"));
                assertEquals(200, rs.getInt("status"));
                assertNull(rs.getString("error_code"));
                assertEquals(1000, rs.getLong("prompt_tokens"));
                assertEquals(200, rs.getLong("completion_tokens"));
                assertEquals(300, rs.getLong("cached_tokens"));
                assertEquals(50, rs.getLong("reasoning_tokens"));
                assertEquals(12_345, rs.getLong("cost_micros"));
                assertEquals(99_999, rs.getLong("reference_cost_micros"));
                assertEquals("2026-11", rs.getString("price_version"));
                assertFalse(rs.getBoolean("unpriced"));
                assertTrue(rs.getBoolean("estimated"));
                assertEquals(1830, rs.getLong("latency_ms"));
                assertEquals(240, rs.getLong("ttft_ms"));
                assertTrue(rs.getBoolean("streamed"));
                assertFalse(rs.getBoolean("cache_hit"));
                assertTrue(rs.getBoolean("client_disconnected"));
                assertEquals(2, rs.getInt("attempts"));
                assertEquals("openai/gpt=rate_limited;anthropic/claude-x=ok", rs.getString("attempt_log"));
                assertEquals("cheapest: claude [anthropic/claude-x cost=900], gpt [openai/gpt cost=unpriced]; dropped: local [embed "
                        + "unsupported_operation]", rs.getString("route_decision"));
                assertEquals("claude", rs.getString("served_model"));
                assertEquals(0.875, rs.getDouble("predicted_quality"));
                assertEquals(2, rs.getInt("cascade_steps"));
                assertEquals(4_000, rs.getLong("cascade_cost_micros"));
                assertEquals("local", rs.getString("shadow_model"));
                assertEquals(3_210, rs.getLong("shadow_cost_micros"));
                assertTrue(rs.next());
                assertNull(rs.getString("key_id"));
                assertEquals("", rs.getString("provider"));
                assertEquals(404, rs.getInt("status"));
                assertNull(rs.getString("route_decision"), "no plan was made");
                assertNull(rs.getString("served_model"));
                rs.getDouble("predicted_quality");
                assertTrue(rs.wasNull(), "no quality was predicted: null, not 0");
                rs.getLong("ttft_ms");
                assertTrue(rs.wasNull(), "ttft_ms is null when not streamed");
                assertEquals(0, rs.getInt("cascade_steps"), "no cascade");
                assertNull(rs.getString("shadow_model"));
                rs.getLong("shadow_cost_micros");
                assertTrue(rs.wasNull(), "no shadow: null, not 0");
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT usage_day, key_id, model, provider, errors FROM ledger_daily ORDER BY key_id")) {
                assertTrue(rs.next());
                assertEquals("", rs.getString("key_id"), "a key-less request rolls up under ''");
                assertEquals(1, rs.getLong("errors"));
                assertTrue(rs.next());
                assertEquals("2026-11-28", rs.getObject("usage_day", java.time.LocalDate.class).toString(), "the UTC day of ts");
                assertEquals("claude-x", rs.getString("model"), "rollups group by the upstream model");
            }
        }

        @Test
        void rollupsEqualTheRawRowsAcrossBatches() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            String[] teams = {"alpha", "beta"};
            String[] models = {"m1", "m2", "m3"};
            long[] latencies = {5, 10, 11, 95, 480, 2500, 61_000, 400_000};
            for (int i = 0; i < 300; i++) {
                Rows b = row().id("r" + i).team(teams[i % 2]).model(models[i % 3]).key(i % 5 == 0 ? null : "k" + (i % 4))
                        .provider(i % 7 == 0 ? "anthropic" : "openai").ts(Instant.parse("2026-11-27T22:00:00Z").plusSeconds(i * 97L))
                        .tokens(100 + i, 10 + i % 13, i % 3 == 0 ? 50 : 0, i % 11).cost(1000 + i, 2000 + 3L * i)
                        .latency(latencies[i % latencies.length]).status(i % 9 == 0 ? 502 : 200);
                if (i % 4 == 0) b.cacheHit(500 + i);
                if (i % 6 == 0) b.unpriced();
                if (i % 8 == 0) b.estimated();
                rows.add(b.build());
            }
            store.write(rows.subList(0, 120)); // the same rollup rows are incremented by later batches
            store.write(rows.subList(120, 121));
            store.write(rows.subList(121, 300));
            assertEquals(aggregateOfRaw(), rollups());
            assertEquals(300, count("SELECT SUM(requests) FROM ledger_daily"));
        }

        @Test
        void aFailedBatchWritesNeitherRowsNorRollups() throws Exception {
            store.write(List.of(row().id("before").build()));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE ledger_daily RENAME TO ledger_daily_gone");
            }
            assertThrows(SQLException.class, () -> store.write(List.of(row().id("a").build(), row().id("b").build())));
            assertEquals(1, count("SELECT COUNT(*) FROM ledger"), "the insert was rolled back with the rollup");
        }

        /** The rollup key, counters and histogram of every ledger_daily row, as text. */
        private List<String> rollups() throws SQLException {
            StringJoiner cols = new StringJoiner(", ");
            for (String k : LedgerStore.ROLLUP_KEYS) cols.add(k);
            for (String v : LedgerStore.ROLLUP_COUNTERS) cols.add(v);
            return lines("SELECT " + cols + " FROM ledger_daily ORDER BY usage_day, team, key_id, model, provider");
        }

        /** The same, computed by SQL from the raw rows: an independent derivation of the rollups. */
        private List<String> aggregateOfRaw() throws SQLException {
            StringJoiner cols = new StringJoiner(", ");
            cols.add("CAST(ts AS date)").add("team").add("COALESCE(key_id, '')")
                    .add("CASE WHEN upstream_model = '' THEN requested_model ELSE upstream_model END").add("provider")
                    .add("COUNT(*)").add("SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)").add("SUM(prompt_tokens)")
                    .add("SUM(completion_tokens)").add("SUM(cached_tokens)").add("SUM(reasoning_tokens)").add("SUM(cost_micros)")
                    .add("SUM(reference_cost_micros)").add("SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END)")
                    .add("SUM(CASE WHEN unpriced THEN 1 ELSE 0 END)").add("SUM(CASE WHEN estimated THEN 1 ELSE 0 END)")
                    .add("SUM(latency_ms)").add("SUM(cache_saved_micros)");
            long previous = -1;
            for (long upper : LatencyBuckets.UPPER) {
                cols.add("SUM(CASE WHEN latency_ms > " + previous + " AND latency_ms <= " + upper + " THEN 1 ELSE 0 END)");
                previous = upper;
            }
            cols.add("SUM(CASE WHEN latency_ms > " + previous + " THEN 1 ELSE 0 END)");
            String keys = "CAST(ts AS date), team, COALESCE(key_id, ''), CASE WHEN upstream_model = '' THEN requested_model ELSE upstream_model END, provider";
            return lines("SELECT " + cols + " FROM ledger GROUP BY " + keys + " ORDER BY " + keys);
        }

        private List<String> lines(String sql) throws SQLException {
            List<String> out = new ArrayList<>();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringJoiner line = new StringJoiner("|");
                    line.add(rs.getObject(1, java.time.LocalDate.class).toString());
                    for (int i = 2; i <= 5; i++) line.add(rs.getString(i));
                    for (int i = 6; i <= n; i++) line.add(Long.toString(rs.getLong(i)));
                    out.add(line.toString());
                }
            }
            return out;
        }

        long count(String sql) throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
