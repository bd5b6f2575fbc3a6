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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.frugal.ledger.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention: expired raw rows go (partitions dropped on PostgreSQL, batched deletes on H2); rollups stay. */
class RetentionTest {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    abstract static class Cases {
        DataSource ds;
        LedgerStore store;
        Retention retention;

        abstract Database.Dialect dialect();

        @BeforeEach
        void setUp() {
            ds = TestDatabases.fresh(dialect());
            store = new LedgerStore(ds, dialect());
            retention = new Retention(ds, dialect(), Duration.ofDays(10), CLOCK);
        }

        @Test
        void expiredRowsGoAndRollupsStay() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            // 12 days back (expired), 10 days back + 1 h (kept: newer than the cutoff), today
            for (int i = 0; i < 25; i++) rows.add(row().id("old" + i).ts(NOW.minus(Duration.ofDays(12))).build());
            rows.add(row().id("edge").ts(NOW.minus(Duration.ofDays(10)).plus(Duration.ofHours(1))).build());
            rows.add(row().id("new").ts(NOW).build());
            store.write(rows);
            long rollupsBefore = count("SELECT SUM(requests) FROM ledger_daily");

            retention.run();

            assertEquals(List.of("edge", "new"), ids());
            assertEquals(rollupsBefore, count("SELECT SUM(requests) FROM ledger_daily"), "rollups are kept");
            assertEquals(27, rollupsBefore);
        }

        long count(String sql) throws SQLException {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        List<String> ids() throws SQLException {
            List<String> out = new ArrayList<>();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT request_id FROM ledger ORDER BY ts")) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        }
    }

    @Nested
    class OnH2 extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.H2; }

        @Test
        void deletesPacksInBoundedBatches() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            int n = (Retention.PACK_BATCH * 2 + 17) * 2; // two rows an hour: a pack each hour
            for (int i = 0; i < n; i++) rows.add(row().id("o" + i).ts(NOW.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(30L * i))).build());
            store.write(rows);
            assertEquals(n / 2, count("SELECT COUNT(*) FROM ledger_pack"));
            assertEquals(n, retention.run(), "every expired row, over several batches of packs");
            assertEquals(0, count("SELECT COUNT(*) FROM ledger"));
            assertEquals(0, count("SELECT COUNT(*) FROM ledger_pack"));
        }

        /** The packs of the cutoff's hour lose exactly their rows before the cutoff; a pack left empty goes. */
        @Test
        void thePacksOfTheCutoffsHourAreTrimmedToTheMicrosecond() throws Exception {
            Instant now = Instant.parse("2026-11-28T12:30:00Z");
            Retention atHalfPast = new Retention(ds, dialect(), Duration.ofDays(10), Clock.fixed(now, ZoneOffset.UTC));
            Instant cutoff = now.minus(Duration.ofDays(10));
            store.write(List.of(
                    row().id("before-hour").ts(cutoff.minus(Duration.ofMinutes(31))).build(),
                    row().id("early").ts(cutoff.minus(Duration.ofMinutes(20))).build(),
                    row().id("just-before").ts(cutoff.minusNanos(1_000)).build(),
                    row().id("at-cutoff").ts(cutoff).build(),
                    row().id("later").ts(cutoff.plus(Duration.ofMinutes(15))).build(),
                    row().id("other-team-early").team("beta").ts(cutoff.minus(Duration.ofMinutes(5))).build()));
            store.write(List.of(row().id("second-batch-early").ts(cutoff.minus(Duration.ofMinutes(1))).build()));
            assertEquals(5, atHalfPast.run());
            assertEquals(List.of("at-cutoff", "later"), ids());
            assertEquals(1, count("SELECT COUNT(*) FROM ledger_pack"), "the emptied packs were deleted");
            assertEquals(2, count("SELECT row_count FROM ledger_pack"));
            assertEquals(0, atHalfPast.run(), "nothing more to remove");
        }

        /** Rows written before the packs (V15) stay readable in the view and expire like the others. */
        @Test
        void rowsFromBeforeThePacksAreReadAndExpire() throws Exception {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                for (String[] r : new String[][]{{"plain-old", "2026-11-10 10:00:00"}, {"plain-new", "2026-11-28 11:00:00"}}) {
                    s.executeUpdate("INSERT INTO ledger_plain (request_id, ts, team, endpoint, requested_model, provider, deployment,"
                            + " upstream_model, status, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_micros,"
                            + " reference_cost_micros, unpriced, estimated, latency_ms, streamed, cache_hit, client_disconnected, attempts)"
                            + " VALUES ('" + r[0] + "', TIMESTAMP '" + r[1] + "', 'alpha', 'chat', 'm', 'p', 'p/m', 'm', 200, 1, 1, 0, 0,"
                            + " 5, 5, FALSE, FALSE, 10, FALSE, FALSE, FALSE, 1)");
                }
                s.executeUpdate("INSERT INTO ledger_daily (usage_day, team, key_id, model, provider, requests)"
                        + " VALUES (DATE '2026-11-10', 'alpha', '', 'm', 'p', 1), (DATE '2026-11-28', 'alpha', '', 'm', 'p', 1)");
            }
            store.write(List.of(row().id("packed").ts(NOW).build()));
            assertEquals(List.of("plain-old", "plain-new", "packed"), ids());
            assertEquals(1, retention.run());
            assertEquals(List.of("plain-new", "packed"), ids());
        }

        /** Rows from before the packs are deleted team by team through (team, ts): every team's expired rows go. */
        @Test
        void deletesTheExpiredRowsOfEveryTeam() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            for (String team : List.of("alpha", "beta", "o'brien", "zeta")) {
                rows.add(row().id(team + "-old").team(team).ts(NOW.minus(Duration.ofDays(20))).build());
            }
            rows.add(row().id("alpha-new").team("alpha").ts(NOW).build());
            rows.add(row().id("young-new").team("young").ts(NOW).build()); // a team with no expired row at all
            store.write(rows);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) { // as if written before V15
                s.executeUpdate("INSERT INTO ledger_plain SELECT * FROM ledger");
                s.executeUpdate("DELETE FROM ledger_pack");
            }
            assertEquals(6, count("SELECT COUNT(*) FROM ledger_plain"));
            assertEquals(4, retention.run());
            assertEquals(List.of("alpha-new", "young-new"), ids().stream().sorted().toList());
        }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.POSTGRESQL; }

        @Test
        void partitionsAreCreatedAheadAndExpiredOnesDropped() throws Exception {
            LocalDate today = LocalDate.parse("2026-11-28");
            retention.createPartition(today.minusDays(15)); // an old day, as if created long ago
            store.write(List.of(row().id("in-old-partition").ts(NOW.minus(Duration.ofDays(15))).build()));
            assertEquals(1, count("SELECT COUNT(*) FROM ledger_p20261113"));

            retention.run();

            List<LocalDate> expected = new ArrayList<>();
            for (LocalDate d = today.minusDays(1); !d.isAfter(today.plusDays(Retention.DAYS_AHEAD)); d = d.plusDays(1)) expected.add(d);
            assertEquals(expected, retention.partitions(), "yesterday to a week ahead; the expired one dropped");
            assertFalse(ids().contains("in-old-partition"));

            retention.run(); // idempotent
            assertEquals(expected, retention.partitions());
        }

        @Test
        void rowsThatReachedTheDefaultPartitionMoveIntoTheirDay() throws Exception {
            store.write(List.of(row().id("early").ts(NOW).build())); // before any partition exists
            assertEquals(1, count("SELECT COUNT(*) FROM ledger_default"));
            retention.run();
            assertEquals(0, count("SELECT COUNT(*) FROM ledger_default"));
            assertEquals(1, count("SELECT COUNT(*) FROM ledger_p20261128"));
            store.write(List.of(row().id("later").ts(NOW.plusSeconds(60)).build()));
            assertEquals(2, count("SELECT COUNT(*) FROM ledger_p20261128"), "new rows go straight to the day's partition");
            assertTrue(ids().containsAll(List.of("early", "later")));
        }
    }
}
