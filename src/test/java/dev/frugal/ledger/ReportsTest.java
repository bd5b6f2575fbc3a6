package dev.frugal.ledger;

import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.core.Money;
import dev.frugal.ledger.ReportQuery.Dimension;
import dev.frugal.ledger.ReportQuery.Interval;
import dev.frugal.testsupport.RequiresPostgres;
import dev.frugal.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.frugal.ledger.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports and spend over known rows, on H2 and PostgreSQL: sums, savings, percentiles (exact from raw
 * rows, within the histogram's resolution from rollups), every group-by, every interval, the team
 * filter; parameters validated, injection attempts harmless.
 */
class ReportsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    /** Parameters as an HTTP query gives them. */
    static Reports.Params params(String... nameValue) {
        Map<String, List<String>> m = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.computeIfAbsent(nameValue[i], k -> new ArrayList<>()).add(nameValue[i + 1]);
        return name -> m.getOrDefault(name, List.of());
    }

    @Nested
    class OnH2 extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.H2; }

        /**
         * V15: the embedded ledger's raw rows are packed a team and hour of a batch, and an hourly report reads only
         * the packs of its span (and team): a pack outside it is never opened, as a broken one shows.
         */
        @Test
        void rawRowsArePackedAndAReportReadsOnlyThePacksOfItsHours() throws Exception {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT team, usage_hour, row_count FROM ledger_pack ORDER BY team, usage_hour")) {
                    List<String> packs = new ArrayList<>();
                    while (rs.next()) packs.add(rs.getString(1) + " " + rs.getObject(2, java.time.LocalDateTime.class) + " " + rs.getInt(3));
                    assertEquals(List.of("alpha 2026-11-27T10:00 2", "alpha 2026-11-27T11:00 1", "alpha 2026-11-28T09:00 1",
                            "beta 2026-10-31T23:00 1", "beta 2026-11-28T09:00 1"), packs);
                }
                assertEquals(6, count(s, "SELECT COUNT(*) FROM ledger"), "the view has every row");
                s.executeUpdate("UPDATE ledger_pack SET data = X'00' WHERE team = 'alpha' AND usage_hour = TIMESTAMP '2026-11-28 09:00:00'");
                assertEquals(List.of("2026-11-27T10:00:00Z|alpha|2|0|300|60|10|5|3000|5500|2500|1|0|0|150|195"),
                        lines(query("from", "2026-11-27T10:00:00Z", "to", "2026-11-27T11:00:00Z", "interval", "hour", "group_by", "team")));
                assertEquals(List.of("2026-11-28T09:00:00Z|beta|1|0|1|1|0|0|7|9|2|0|0|0|50|50"),
                        lines(reports.parse(params("from", "2026-11-28T09:00:00Z", "to", "2026-11-28T10:00:00Z", "interval", "hour",
                                "team", "beta", "group_by", "team"), true, null)), "another team's pack of the same hour is not read");
                assertThrows(java.sql.SQLException.class, () -> lines(query("from", "2026-11-28T09:00:00Z", "to",
                        "2026-11-28T10:00:00Z", "interval", "hour")), "the broken pack is in this span");
            }
        }

        private static long count(Statement s, String sql) throws Exception {
            try (ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Nested
    @RequiresPostgres
    class OnPostgres extends Cases {
        @Override Database.Dialect dialect() { return Database.Dialect.POSTGRESQL; }
    }

    abstract static class Cases {
        DataSource ds;
        LedgerStore store;
        Reports reports;

        abstract Database.Dialect dialect();

        @BeforeEach
        void setUp() throws Exception {
            ds = TestDatabases.fresh(dialect());
            store = new LedgerStore(ds, dialect());
            reports = new Reports(ds, Duration.ofDays(90), CLOCK);
            store.write(List.of(
                    row().team("alpha").key("key1").model("m1").provider("openai").ts("2026-11-27T10:15:00Z").latency(100)
                            .tokens(100, 20, 10, 5).cost(1000, 3000).build(),
                    row().team("alpha").key("key1").model("m1").provider("openai").ts("2026-11-27T10:45:00Z").latency(200)
                            .tokens(200, 40, 0, 0).cost(2000, 2500).cacheHit(1_500).build(),
                    row().team("alpha").key("key1").model("m1").provider("openai").ts("2026-11-27T11:05:00Z").latency(300)
                            .tokens(0, 0, 0, 0).status(502).unpriced().cost(0, 0).build(),
                    row().team("alpha").key("key2").model("m2").provider("anthropic").ts("2026-11-28T09:00:00Z").latency(1000)
                            .tokens(50, 5, 0, 1).cost(500, 400).estimated().build(),
                    row().team("beta").key(null).model("m1").provider("openai").ts("2026-11-28T09:30:00Z").latency(50)
                            .tokens(1, 1, 0, 0).cost(7, 9).build(),
                    row().team("beta").key(null).model("m1").provider("openai").ts("2026-10-31T23:59:59Z").latency(60)
                            .tokens(1, 1, 0, 0).cost(1_000_000, 2_000_000).build()));
        }

        ReportQuery query(String... nameValue) {
            return reports.parse(params(nameValue), true, null);
        }

        /** period|group…|requests|errors|prompt|completion|cached|reasoning|cost|reference|savings|cache hits|unpriced|estimated|p50|p95 */
        List<String> lines(ReportQuery q) throws Exception {
            List<String> out = new ArrayList<>();
            for (ReportRow r : reports.run(q)) {
                List<String> f = new ArrayList<>();
                f.add(r.period());
                f.addAll(r.group());
                for (long v : new long[]{r.requests(), r.errors(), r.promptTokens(), r.completionTokens(), r.cachedTokens(),
                        r.reasoningTokens(), r.costMicros(), r.referenceCostMicros(), r.savingsMicros(), r.cacheHits(),
                        r.unpricedRequests(), r.estimatedRequests()}) f.add(Long.toString(v));
                f.add(Long.toString(r.p50LatencyMs()));
                f.add(Long.toString(r.p95LatencyMs()));
                out.add(String.join("|", f));
            }
            return out;
        }

        @Test
        void theShadowComparisonSumsThePricedRowsOfEachRouteWithinTheSpanAndTeam() throws Exception {
            store.write(List.of(
                    row().team("alpha").shadow("auto", "cheap", 300).cost(1_000, 0).ts("2026-11-27T10:00:00Z").build(),
                    row().team("alpha").shadow("auto", "cheap", 200).cost(900, 0).ts("2026-11-27T11:00:00Z").build(),
                    row().team("alpha").shadow("auto", "unpriced-one", -1).cost(5_000, 0).ts("2026-11-27T12:00:00Z").build(),
                    row().team("beta").shadow("auto", "cheap", 10).cost(20, 0).ts("2026-11-27T12:00:00Z").build(),
                    row().team("alpha").shadow("smart", "strong", 4_000).cost(1_500, 0).ts("2026-11-28T09:00:00Z").build(),
                    row().team("alpha").shadow("auto", "cheap", 1).cost(1, 0).ts("2026-11-29T09:00:00Z").build())); // after the span
            assertEquals(List.of(new Reports.ShadowRow("auto", 3, 2, 1_900, 500), new Reports.ShadowRow("smart", 1, 1, 1_500, 4_000)),
                    reports.shadow(reports.parse(params("from", "2026-11-27", "to", "2026-11-28", "team", "alpha"), true, null)),
                    "the unpriced shadow counts as a request, but neither sum has it; beta and the 29th are out");
            assertEquals(4, reports.shadow(query("from", "2026-11-27", "to", "2026-11-28")).get(0).requests(), "every team");
        }

        @Test
        void dailyByTeam() throws Exception {
            assertEquals(List.of(
                    "2026-10-31|beta|1|0|1|1|0|0|1000000|2000000|1000000|0|0|0|63|74",
                    "2026-11-27|alpha|3|1|300|60|10|5|3000|5500|2500|1|1|0|175|285",
                    "2026-11-28|alpha|1|0|50|5|0|1|500|400|-100|0|0|1|875|988",
                    "2026-11-28|beta|1|0|1|1|0|0|7|9|2|0|0|0|40|49"),
                    lines(query("from", "2026-10-01", "to", "2026-11-28", "interval", "day", "group_by", "team")));
        }

        @Test
        void monthlyTotalsAndMonthlyByTeamAndModel() throws Exception {
            assertEquals(List.of(
                    "2026-10|1|0|1|1|0|0|1000000|2000000|1000000|0|0|0|63|74",
                    "2026-11|5|1|351|66|10|6|3507|5909|2402|1|1|1|175|938"),
                    lines(query("from", "2026-10-01", "to", "2026-11-30", "interval", "month")));
            assertEquals(List.of(
                    "2026-10|beta|m1|1|0|1|1|0|0|1000000|2000000|1000000|0|0|0|63|74",
                    "2026-11|alpha|m1|3|1|300|60|10|5|3000|5500|2500|1|1|0|175|285",
                    "2026-11|alpha|m2|1|0|50|5|0|1|500|400|-100|0|0|1|875|988",
                    "2026-11|beta|m1|1|0|1|1|0|0|7|9|2|0|0|0|40|49"),
                    lines(query("from", "2026-10-01", "to", "2026-11-30", "interval", "month", "group_by", "team,model")));
        }

        @Test
        void hourlyFromRawRowsWithExactPercentiles() throws Exception {
            assertEquals(List.of(
                    "2026-11-27T10:00:00Z|m1|openai|2|0|300|60|10|5|3000|5500|2500|1|0|0|150|195",
                    "2026-11-27T11:00:00Z|m1|openai|1|1|0|0|0|0|0|0|0|0|1|0|300|300",
                    "2026-11-28T09:00:00Z|m1|openai|1|0|1|1|0|0|7|9|2|0|0|0|50|50",
                    "2026-11-28T09:00:00Z|m2|anthropic|1|0|50|5|0|1|500|400|-100|0|0|1|1000|1000"),
                    lines(query("from", "2026-11-27T00:00:00Z", "to", "2026-11-28T12:00:00Z", "interval", "hour",
                            "group_by", "model,provider")));
        }

        @Test
        void cacheSavingsPerTeamFromRollupsAndFromRawRows() throws Exception {
            List<ReportRow> daily = reports.run(query("from", "2026-11-27", "to", "2026-11-28", "group_by", "team"));
            assertEquals(List.of("2026-11-27 alpha 1 1500", "2026-11-28 alpha 0 0", "2026-11-28 beta 0 0"),
                    daily.stream().map(r -> r.period() + " " + r.group().get(0) + " " + r.cacheHits() + " " + r.cacheSavedMicros()).toList());
            List<ReportRow> hourly = reports.run(query("from", "2026-11-27T10:00:00Z", "to", "2026-11-27T11:00:00Z",
                    "interval", "hour", "group_by", "team"));
            assertEquals(1_500, hourly.get(0).cacheSavedMicros());
        }

        @Test
        void groupByKeyAndProviderAndTheTeamFilter() throws Exception {
            assertEquals(List.of(
                    "2026-11-27|key1|openai|3|1|300|60|10|5|3000|5500|2500|1|1|0|175|285",
                    "2026-11-28|key2|anthropic|1|0|50|5|0|1|500|400|-100|0|0|1|875|988"),
                    lines(query("from", "2026-11-27", "to", "2026-11-28", "group_by", "key, provider", "team", "alpha")));
            List<ReportRow> beta = reports.run(query("from", "2026-11-01", "to", "2026-11-28", "group_by", "key", "team", "beta"));
            assertEquals(1, beta.size());
            assertEquals("", beta.get(0).group().get(0), "a request without a key id");
            assertEquals(List.of(), reports.run(query("from", "2026-11-01", "team", "nobody")));
        }

        @Test
        void aForcedTeamIsTheOnlyTeamReported() throws Exception {
            ReportQuery q = reports.parse(params("from", "2026-10-01", "group_by", "team"), false, "beta");
            assertEquals(List.of("beta", "beta"), reports.run(q).stream().map(r -> r.group().get(0)).toList());
            GatewayError e = assertThrows(GatewayError.class, () -> reports.parse(params("from", "2026-10-01", "team", "alpha"), false, "beta"));
            assertEquals("team", e.param());
        }

        @Test
        void rollupPercentilesAreWithinTheHistogramsResolution() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            long[] latencies = new long[1000];
            for (int i = 0; i < latencies.length; i++) {
                latencies[i] = 5 + (i * 7919L) % 4000; // a spread over 5..4004 ms in scrambled order
                rows.add(row().id("p" + i).team("gamma").ts(Instant.parse("2026-11-20T08:00:00Z").plusSeconds(i)).latency(latencies[i]).build());
            }
            store.write(rows);
            Arrays.sort(latencies);
            ReportRow day = reports.run(query("from", "2026-11-20", "to", "2026-11-20", "team", "gamma")).get(0);
            assertWithinBucket(latencies[499], day.p50LatencyMs());
            assertWithinBucket(latencies[949], day.p95LatencyMs());
            ReportRow hour = reports.run(query("from", "2026-11-20T08:00:00Z", "to", "2026-11-20T09:00:00Z", "interval", "hour",
                    "team", "gamma")).get(0);
            assertEquals(Math.round(continuous(latencies, 0.5)), hour.p50LatencyMs(), "exact from raw rows");
            assertEquals(Math.round(continuous(latencies, 0.95)), hour.p95LatencyMs(), "exact from raw rows");
        }

        /** SQL's percentile_cont: linear between the two closest ranks. */
        private static double continuous(long[] sorted, double q) {
            double at = q * (sorted.length - 1);
            int lo = (int) Math.floor(at);
            int hi = (int) Math.ceil(at);
            return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
        }

        private static void assertWithinBucket(long exact, long approx) {
            int b = LatencyBuckets.bucket(exact);
            long width = LatencyBuckets.UPPER[b] - (b == 0 ? 0 : LatencyBuckets.UPPER[b - 1]);
            assertTrue(Math.abs(exact - approx) <= width, "exact " + exact + " vs " + approx + " (bucket width " + width + ")");
        }

        @Test
        void moneyIsExact() throws Exception {
            List<LedgerRow> rows = new ArrayList<>();
            for (int i = 0; i < 3; i++) rows.add(row().id("m" + i).team("delta").ts("2026-11-21T00:00:00Z").cost(333_333, 1_000_001).build());
            store.write(rows);
            ReportRow r = reports.run(query("from", "2026-11-21", "to", "2026-11-21", "team", "delta")).get(0);
            assertEquals("0.999999", Money.usd(r.costMicros()).toPlainString());
            assertEquals("3.000003", Money.usd(r.referenceCostMicros()).toPlainString());
            assertEquals("2.000004", Money.usd(r.savingsMicros()).toPlainString());
        }

        @Test
        void spendFromRollups() throws Exception {
            assertEquals(3500, reports.spendMicros("alpha", null, LocalDate.parse("2026-11-27")));
            assertEquals(3000, reports.spendMicros("alpha", "key1", LocalDate.parse("2026-11-01")));
            assertEquals(500, reports.spendMicros("alpha", null, LocalDate.parse("2026-11-28")));
            assertEquals(1_000_007, reports.spendMicros("beta", null, LocalDate.parse("2026-10-01")));
            assertEquals(0, reports.spendMicros("nobody", null, LocalDate.parse("2026-01-01")));
            assertEquals(0, reports.spendMicros("alpha' OR '1'='1", "x' OR '1'='1", LocalDate.parse("2026-01-01")));
        }

        @Test
        void injectionAttemptsInEveryParameterAreRefusedOrHarmless() throws Exception {
            String evil = "2026-11-01'; DROP TABLE ledger_daily; --";
            for (String name : List.of("from", "to", "interval", "group_by")) {
                List<String> p = new ArrayList<>(List.of("from", "2026-11-01", "to", "2026-11-28"));
                int at = p.indexOf(name);
                if (at >= 0) p.set(at + 1, evil); else { p.add(name); p.add(evil); }
                GatewayError e = assertThrows(GatewayError.class, () -> query(p.toArray(String[]::new)), name);
                assertEquals(400, e.status());
                assertEquals(name, e.param());
            }
            assertThrows(GatewayError.class, () -> query("from", "2026-11-01", "group_by", "team) FROM ledger; --"));
            assertThrows(GatewayError.class, () -> query("from", "2026-11-01", "group_by", "1"));
            // a team is a bound value: the attempt matches no team and changes nothing
            assertEquals(List.of(), reports.run(query("from", "2026-10-01", "team", "x' OR '1'='1")));
            assertEquals(List.of(), reports.run(query("from", "2026-10-01", "team", "alpha'; DROP TABLE ledger_daily; --")));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ledger_daily")) {
                rs.next();
                assertTrue(rs.getLong(1) > 0);
            }
        }
    }

    // ---- validation (no database needed) ----------------------------------------------------

    final Reports parser = new Reports(null, Duration.ofDays(90), CLOCK);

    GatewayError bad(String... nameValue) {
        GatewayError e = assertThrows(GatewayError.class, () -> parser.parse(params(nameValue), true, null));
        assertEquals(400, e.status());
        return e;
    }

    @Test
    void parametersAreValidated() {
        assertEquals("from", bad().param());
        assertEquals("from", bad("from", "yesterday").param());
        assertEquals("from", bad("from", "2026-13-01").param());
        assertEquals("to", bad("from", "2026-11-02", "to", "2026-11-01T00:00:00Z").param());
        assertEquals("to", bad("from", "2026-11-01", "to", "2026-12-02", "interval", "hour").param(), "hourly: at most 31 days");
        assertEquals("from", bad("from", "2026-08-01", "to", "2026-08-02", "interval", "hour").param(), "hourly: within the retention");
        assertEquals("interval", bad("from", "2026-11-01", "interval", "week").param());
        assertEquals("interval", bad("from", "2026-11-01", "interval", "DAY; --").param());
        assertEquals("group_by", bad("from", "2026-11-01", "group_by", "team,team").param());
        assertEquals("group_by", bad("from", "2026-11-01", "group_by", "team,,model").param());
        assertEquals("group_by", bad("from", "2026-11-01", "group_by", "deployment").param());
        assertEquals("from", bad("from", "2026-11-01", "from", "2026-11-02").param());
        assertEquals("from", bad("from", "0001-01-01").param());
        assertEquals("team", bad("from", "2026-11-01", "team", "").param());
    }

    @Test
    void timesAndDefaults() {
        ReportQuery q = parser.parse(params("from", "2026-11-01"), true, null);
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), q.from());
        assertEquals(Instant.parse("2026-11-29T00:00:00Z"), q.to(), "to defaults to the end of today");
        assertEquals(Interval.DAY, q.interval());
        assertEquals(List.of(), q.groupBy());
        q = parser.parse(params("from", "2026-11-01T10:30:00+02:00", "to", "2026-11-03T10:00:00", "group_by", "provider,team"), true, null);
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), q.from(), "days are whole days");
        assertEquals(Instant.parse("2026-11-04T00:00:00Z"), q.to());
        assertEquals(List.of(Dimension.PROVIDER, Dimension.TEAM), q.groupBy());
        q = parser.parse(params("from", "2026-11-27T10:30:00+02:00", "to", "2026-11-28", "interval", "hour"), true, null);
        assertEquals(Instant.parse("2026-11-27T08:30:00Z"), q.from());
        assertEquals(Instant.parse("2026-11-29T00:00:00Z"), q.to(), "a date as 'to' includes that day");
    }
}
