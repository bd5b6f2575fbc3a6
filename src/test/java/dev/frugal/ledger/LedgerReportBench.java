package dev.frugal.ledger;

import dev.frugal.config.Database;
import dev.frugal.ledger.ReportQuery.Dimension;
import dev.frugal.ledger.ReportQuery.Interval;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Loads 5 million ledger rows (30 days, 20 teams, 200 keys, 10 models, 5 providers) plus their
 * rollups into H2 (a file under target/) or PostgreSQL (schema bench_ledger of database test), then
 * times the report queries through {@link Reports}. Run by bench/ledger-report.sh; not a test.
 *
 * <p>Usage: {@code LedgerReportBench h2|postgresql [rows]}
 */
public final class LedgerReportBench {
    private static final int CHUNK = 500_000;

    public static void main(String[] args) throws Exception {
        Database.Dialect dialect = args[0].equals("h2") ? Database.Dialect.H2 : Database.Dialect.POSTGRESQL;
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000L;
        DataSource ds = dialect == Database.Dialect.H2 ? h2() : postgres();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = today.minusDays(29);
        Instant start = first.atStartOfDay().toInstant(ZoneOffset.UTC);
        long stepMs = Duration.ofDays(30).toMillis() / rows; // rows arrive in time order, like a live ledger

        if (dialect == Database.Dialect.POSTGRESQL) {
            Retention r = new Retention(ds, dialect, Duration.ofDays(90), Clock.systemUTC());
            for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) r.createPartition(d);
            r.run();
        }
        long t0 = System.nanoTime();
        for (long from = 1; from <= rows; from += CHUNK) {
            exec(ds, insertRows(dialect, from, Math.min(rows, from + CHUNK - 1), start, stepMs));
            System.err.printf("loaded %,d rows (%.0f s)%n", Math.min(rows, from + CHUNK - 1), (System.nanoTime() - t0) / 1e9);
        }
        double loadRows = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        exec(ds, rollupsFromRows(table(dialect)));
        if (dialect == Database.Dialect.H2) {
            long t2 = System.nanoTime();
            packLoadedRows(ds);
            System.err.printf("packed the rows (%.0f s)%n", (System.nanoTime() - t2) / 1e9);
        }
        if (dialect == Database.Dialect.POSTGRESQL) exec(ds, "ANALYZE ledger", "ANALYZE ledger_daily");
        else exec(ds, "ANALYZE");
        double loadRollups = (System.nanoTime() - t1) / 1e9;

        Reports reports = new Reports(ds, Duration.ofDays(90), Clock.systemUTC());
        Instant from = start;
        Instant to = today.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant oneDay = today.minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        System.out.printf("%n%s: %,d raw rows (%.0f s to load), %,d rollup rows (%.1f s to build)%n%n", dialect,
                count(ds, "SELECT COUNT(*) FROM ledger"), loadRows, count(ds, "SELECT COUNT(*) FROM ledger_daily"), loadRollups);
        System.out.println("| query | result rows | median ms | min ms |");
        System.out.println("|---|---:|---:|---:|");
        time("day × team, 30 days (rollups)", () -> reports.run(new ReportQuery(from, to, Interval.DAY, List.of(Dimension.TEAM), null)).size());
        time("month × team × model, 30 days (rollups)", () -> reports.run(new ReportQuery(from, to, Interval.MONTH,
                List.of(Dimension.TEAM, Dimension.MODEL), null)).size());
        time("day × key, 30 days, one team (rollups)", () -> reports.run(new ReportQuery(from, to, Interval.DAY,
                List.of(Dimension.KEY), "team-7")).size());
        time("hour × provider, one day (raw rows)", () -> reports.run(new ReportQuery(oneDay, oneDay.plus(Duration.ofDays(1)),
                Interval.HOUR, List.of(Dimension.PROVIDER), null)).size());
        time("hour × model, one day, one team (raw rows)", () -> reports.run(new ReportQuery(oneDay, oneDay.plus(Duration.ofDays(1)),
                Interval.HOUR, List.of(Dimension.MODEL), "team-7")).size());
        time("spend of one team, 30 days (rollups)", () -> {
            reports.spendMicros("team-7", null, first);
            return 1;
        });
        time("spend of one key, 30 days (rollups)", () -> {
            reports.spendMicros("team-7", "key-27", first);
            return 1;
        });
    }

    private static void time(String name, Callable<Integer> query) throws Exception {
        int results = query.call(); // warm-up
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            query.call();
            ms.add((System.nanoTime() - t) / 1e6);
        }
        ms.sort(null);
        System.out.printf("| %s | %d | %.1f | %.1f |%n", name, results, ms.get(2), ms.get(0));
    }

    /** Rows g = from..to: team g%20, key g%200 (so each key has one team), model g/7%10, provider model%5. */
    private static String insertRows(Database.Dialect dialect, long from, long to, Instant start, long stepMs) {
        String source = dialect == Database.Dialect.POSTGRESQL
                ? "generate_series(" + from + "::bigint, " + to + "::bigint) AS s(g)"
                : "SYSTEM_RANGE(" + from + ", " + to + ") AS s(g)";
        String startTs = "TIMESTAMP '" + start.toString().replace("T", " ").replace("Z", "") + "'";
        String ts = dialect == Database.Dialect.POSTGRESQL
                ? startTs + " + make_interval(secs => g * " + stepMs + " / 1000.0)"
                : "DATEADD(MILLISECOND, g * " + stepMs + ", " + startTs + ")";
        String model = "(g / 7 % 10)";
        return "INSERT INTO " + table(dialect) + " (request_id, ts, team, key_id, endpoint, requested_model, route, provider, deployment, "
                + "upstream_model, status, error_code, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, "
                + "cost_micros, reference_cost_micros, price_version, unpriced, estimated, latency_ms, ttft_ms, streamed, "
                + "cache_hit, client_disconnected, attempts, attempt_log) SELECT "
                + "'req_' || g, " + ts + ", 'team-' || (g % 20), 'key-' || (g % 200), 'chat', 'model-' || " + model + ", NULL, "
                + "'provider-' || (" + model + " % 5), 'provider-' || (" + model + " % 5) || '/model-' || " + model + ", "
                + "'model-' || " + model + ", CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END, "
                + "CASE WHEN g % 50 = 0 THEN 'upstream_error' ELSE NULL END, "
                + "100 + g % 2000, 10 + g % 500, CASE WHEN g % 3 = 0 THEN g % 1000 ELSE 0 END, "
                + "CASE WHEN " + model + " % 4 = 0 THEN g % 300 ELSE 0 END, "
                + "CASE WHEN g % 97 = 0 THEN 0 ELSE (100 + g % 2000) * (1 + " + model + ") / 4 + (10 + g % 500) * (1 + " + model + ") END, "
                + "(100 + g % 2000) * 3 + (10 + g % 500) * 12, '2026-11', g % 97 = 0, g % 13 = 0, "
                + "40 + (g * 7919) % 3000 + CASE WHEN g % 100 = 0 THEN 20000 ELSE 0 END, "
                + "CASE WHEN g % 2 = 0 THEN 20 + g % 400 ELSE NULL END, g % 2 = 0, g % 20 = 0, g % 500 = 0, 1, "
                + "'provider-' || (" + model + " % 5) || '/model-' || " + model + " || '=ok' FROM " + source;
    }

    /** The rollups of every raw row, built by SQL (what the writer maintains row by row). */
    static String rollupsFromRows(String table) {
        StringJoiner cols = new StringJoiner(", ");
        for (String k : LedgerStore.ROLLUP_KEYS) cols.add(k);
        for (String v : LedgerStore.ROLLUP_COUNTERS) cols.add(v);
        String keys = "CAST(ts AS date), team, COALESCE(key_id, ''), CASE WHEN upstream_model = '' THEN requested_model ELSE upstream_model END, provider";
        StringJoiner select = new StringJoiner(", ");
        select.add(keys).add("COUNT(*)").add("SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)").add("SUM(prompt_tokens)")
                .add("SUM(completion_tokens)").add("SUM(cached_tokens)").add("SUM(reasoning_tokens)").add("SUM(cost_micros)")
                .add("SUM(reference_cost_micros)").add("SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END)")
                .add("SUM(CASE WHEN unpriced THEN 1 ELSE 0 END)").add("SUM(CASE WHEN estimated THEN 1 ELSE 0 END)")
                .add("SUM(latency_ms)").add("SUM(cache_saved_micros)");
        long previous = -1;
        for (long upper : LatencyBuckets.UPPER) {
            select.add("SUM(CASE WHEN latency_ms > " + previous + " AND latency_ms <= " + upper + " THEN 1 ELSE 0 END)");
            previous = upper;
        }
        select.add("SUM(CASE WHEN latency_ms > " + previous + " THEN 1 ELSE 0 END)");
        return "INSERT INTO ledger_daily (" + cols + ") SELECT " + select + " FROM " + table + " GROUP BY " + keys;
    }

    /** Where SQL loads the rows: on H2 the table of rows from before the packs (V15), packed afterwards as the writer packs them. */
    private static String table(Database.Dialect dialect) {
        return dialect == Database.Dialect.H2 ? "ledger_plain" : "ledger";
    }

    /** Moves the loaded rows of {@code ledger_plain} into packs, 500 rows (the writer's batch) at a time, in time order. */
    private static void packLoadedRows(DataSource ds) throws Exception {
        try (Connection read = ds.getConnection(); Connection write = ds.getConnection(); Statement s = read.createStatement()) {
            write.setAutoCommit(false);
            List<LedgerRow> batch = new ArrayList<>(500);
            try (ResultSet rs = s.executeQuery("SELECT * FROM ledger_plain ORDER BY ts")) {
                while (rs.next()) {
                    long ttft = rs.getLong("ttft_ms");
                    if (rs.wasNull()) ttft = -1;
                    batch.add(new LedgerRow(rs.getString("request_id"), rs.getObject("ts", java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            rs.getString("team"), rs.getString("key_id"), rs.getString("endpoint"), rs.getString("requested_model"),
                            rs.getString("route"), rs.getString("provider"), rs.getString("deployment"), rs.getString("upstream_model"),
                            rs.getInt("status"), rs.getString("error_code"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                            rs.getLong("cached_tokens"), rs.getLong("reasoning_tokens"), rs.getLong("cost_micros"),
                            rs.getLong("reference_cost_micros"), rs.getString("price_version"), rs.getBoolean("unpriced"),
                            rs.getBoolean("estimated"), rs.getLong("latency_ms"), ttft, rs.getBoolean("streamed"), rs.getBoolean("cache_hit"),
                            rs.getBoolean("client_disconnected"), rs.getInt("attempts"), rs.getString("attempt_log"), null, null,
                            Double.NaN, 0, 0, 0, null, -1, null));
                    if (batch.size() == 500) {
                        LedgerStore.insertPacks(write, batch);
                        write.commit();
                        batch.clear();
                    }
                }
            }
            LedgerStore.insertPacks(write, batch);
            write.commit();
        }
        exec(ds, "TRUNCATE TABLE ledger_plain");
    }

    private static DataSource h2() throws Exception {
        Path dir = Path.of("target", "bench-ledger").toAbsolutePath();
        if (Files.exists(dir)) try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("frugal") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        ds.setUser("sa");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/h2").load().migrate();
        return ds;
    }

    private static DataSource postgres() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:5432/test");
        ds.setUser("postgres");
        exec(ds, "DROP SCHEMA IF EXISTS bench_ledger CASCADE");
        ds.setCurrentSchema("bench_ledger");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/postgresql").schemas("bench_ledger")
                .createSchemas(true).load().migrate();
        return ds;
    }

    private static void exec(DataSource ds, String... sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
