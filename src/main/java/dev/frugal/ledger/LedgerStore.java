package dev.frugal.ledger;

import dev.frugal.config.Database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Writes ledger rows: one JDBC batch insert into {@code ledger} (on H2: of the rows packed by team and hour into
 * {@code ledger_pack}, {@link LedgerPack}) and the matching increments of {@code ledger_daily}, in one transaction,
 * so the rollups always equal the sum of the rows written.
 * Blocking; called by the writer thread only. Stateless apart from the prebuilt SQL.
 */
final class LedgerStore {
    private static final String[] ROW_COLUMNS = {"request_id", "ts", "team", "key_id", "endpoint", "requested_model",
            "route", "provider", "deployment", "upstream_model", "status", "error_code", "prompt_tokens",
            "completion_tokens", "cached_tokens", "reasoning_tokens", "cost_micros", "reference_cost_micros",
            "price_version", "unpriced", "estimated", "latency_ms", "ttft_ms", "streamed", "cache_hit",
            "client_disconnected", "attempts", "attempt_log", "route_decision", "served_model", "predicted_quality",
            "cache_saved_micros", "cascade_steps", "cascade_cost_micros", "shadow_model", "shadow_cost_micros", "trace_id"};
    static final String[] ROLLUP_KEYS = {"usage_day", "team", "key_id", "model", "provider"};
    /** The counters of {@code ledger_daily}, histogram columns last, in the order {@link Delta#values} gives them. */
    static final List<String> ROLLUP_COUNTERS;

    static {
        List<String> c = new ArrayList<>(List.of("requests", "errors", "prompt_tokens", "completion_tokens",
                "cached_tokens", "reasoning_tokens", "cost_micros", "reference_cost_micros", "cache_hits", "unpriced",
                "estimated", "latency_sum_ms", "cache_saved_micros"));
        c.addAll(LatencyBuckets.COLUMNS);
        ROLLUP_COUNTERS = List.copyOf(c);
    }

    private static final String INSERT_PACK = "INSERT INTO ledger_pack (team, usage_hour, ts_min, row_count, data) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final boolean packed;
    private final String insertRow;
    private final String upsertRollup;

    LedgerStore(DataSource dataSource, Database.Dialect dialect) {
        this.dataSource = dataSource;
        this.packed = dialect == Database.Dialect.H2;
        this.insertRow = "INSERT INTO ledger (" + String.join(", ", ROW_COLUMNS) + ") VALUES ("
                + "?, ".repeat(ROW_COLUMNS.length - 1) + "?)";
        this.upsertRollup = dialect == Database.Dialect.POSTGRESQL ? postgresUpsert() : h2Merge();
    }

    /** Inserts the rows and adds them to the rollups, atomically. On failure nothing is written. */
    void write(List<LedgerRow> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (packed) insertPacks(c, rows);
                else try (PreparedStatement ps = c.prepareStatement(insertRow)) {
                    for (LedgerRow r : rows) {
                        bindRow(ps, r);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(upsertRollup)) {
                    // sorted keys: concurrent writers (replicas) lock rollup rows in the same order, so never deadlock
                    for (Map.Entry<RollupKey, Delta> e : rollup(rows).entrySet()) {
                        bindRollup(ps, e.getKey(), e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** One pack a team and UTC hour of the batch, the rows in the order they came. */
    static void insertPacks(Connection c, List<LedgerRow> rows) throws SQLException {
        Map<PackKey, List<LedgerRow>> packs = new LinkedHashMap<>();
        for (LedgerRow r : rows) packs.computeIfAbsent(new PackKey(r.team(), LedgerPack.hourOf(r.ts())), k -> new ArrayList<>()).add(r);
        try (PreparedStatement ps = c.prepareStatement(INSERT_PACK)) {
            for (Map.Entry<PackKey, List<LedgerRow>> e : packs.entrySet()) {
                List<LedgerRow> pack = e.getValue();
                Instant first = pack.get(0).ts();
                for (LedgerRow r : pack) if (r.ts().isBefore(first)) first = r.ts();
                ps.setString(1, e.getKey().team());
                ps.setObject(2, utc(e.getKey().hour()));
                ps.setObject(3, utc(first));
                ps.setInt(4, pack.size());
                ps.setBytes(5, LedgerPack.encode(e.getKey().hour(), pack));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private record PackKey(String team, Instant hour) {}

    /**
     * The value the ledger stores for an instant: {@code ts} is a {@code timestamp} without zone, in UTC.
     * Bound as {@link LocalDateTime} (never {@code java.sql.Timestamp}, which passes through the JVM's zone
     * and shifts times that fall in its daylight-saving gap).
     */
    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    // ---- rollups ---------------------------------------------------------------------------

    record RollupKey(LocalDate day, String team, String keyId, String model, String provider) {
        static final Comparator<RollupKey> ORDER = Comparator.comparing(RollupKey::day).thenComparing(RollupKey::team)
                .thenComparing(RollupKey::keyId).thenComparing(RollupKey::model).thenComparing(RollupKey::provider);

        static RollupKey of(LedgerRow r) {
            return new RollupKey(LocalDate.ofInstant(r.ts(), ZoneOffset.UTC), r.team(), r.keyId() == null ? "" : r.keyId(),
                    r.reportedModel(), r.provider());
        }
    }

    /** The increments one batch adds to one rollup row. Mutable; local to {@link #rollup}. */
    static final class Delta {
        final long[] values = new long[ROLLUP_COUNTERS.size()];

        void add(LedgerRow r) {
            values[0]++;
            if (r.isError()) values[1]++;
            values[2] += r.promptTokens();
            values[3] += r.completionTokens();
            values[4] += r.cachedTokens();
            values[5] += r.reasoningTokens();
            values[6] += r.costMicros();
            values[7] += r.referenceCostMicros();
            if (r.cacheHit()) values[8]++;
            if (r.unpriced()) values[9]++;
            if (r.estimated()) values[10]++;
            values[11] += r.latencyMs();
            values[12] += r.cacheSavedMicros();
            values[13 + LatencyBuckets.bucket(r.latencyMs())]++;
        }
    }

    static TreeMap<RollupKey, Delta> rollup(List<LedgerRow> rows) {
        TreeMap<RollupKey, Delta> deltas = new TreeMap<>(RollupKey.ORDER);
        for (LedgerRow r : rows) deltas.computeIfAbsent(RollupKey.of(r), k -> new Delta()).add(r);
        return deltas;
    }

    // ---- SQL -------------------------------------------------------------------------------

    private static String postgresUpsert() {
        StringJoiner cols = new StringJoiner(", ");
        StringJoiner sets = new StringJoiner(", ");
        for (String k : ROLLUP_KEYS) cols.add(k);
        for (String v : ROLLUP_COUNTERS) {
            cols.add(v);
            sets.add(v + " = ledger_daily." + v + " + EXCLUDED." + v);
        }
        int n = ROLLUP_KEYS.length + ROLLUP_COUNTERS.size();
        return "INSERT INTO ledger_daily (" + cols + ") VALUES (" + "?, ".repeat(n - 1) + "?) ON CONFLICT ("
                + String.join(", ", ROLLUP_KEYS) + ") DO UPDATE SET " + sets;
    }

    /** H2 has no ON CONFLICT … DO UPDATE; its standard MERGE does the same for the one writer of an embedded file. */
    private static String h2Merge() {
        StringJoiner source = new StringJoiner(", ");
        source.add("CAST(? AS DATE) AS usage_day");
        for (int i = 1; i < ROLLUP_KEYS.length; i++) source.add("CAST(? AS VARCHAR) AS " + ROLLUP_KEYS[i]);
        for (String v : ROLLUP_COUNTERS) source.add("CAST(? AS BIGINT) AS " + v);
        StringJoiner on = new StringJoiner(" AND ");
        for (String k : ROLLUP_KEYS) on.add("d." + k + " = s." + k);
        StringJoiner sets = new StringJoiner(", ");
        StringJoiner cols = new StringJoiner(", ");
        StringJoiner vals = new StringJoiner(", ");
        for (String k : ROLLUP_KEYS) { cols.add(k); vals.add("s." + k); }
        for (String v : ROLLUP_COUNTERS) {
            sets.add(v + " = d." + v + " + s." + v);
            cols.add(v);
            vals.add("s." + v);
        }
        return "MERGE INTO ledger_daily d USING (SELECT " + source + ") s ON " + on
                + " WHEN MATCHED THEN UPDATE SET " + sets + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES (" + vals + ")";
    }

    private static void bindRow(PreparedStatement ps, LedgerRow r) throws SQLException {
        int i = 1;
        ps.setString(i++, r.requestId());
        ps.setObject(i++, utc(r.ts()));
        ps.setString(i++, r.team());
        ps.setString(i++, r.keyId());
        ps.setString(i++, r.endpoint());
        ps.setString(i++, r.requestedModel());
        ps.setString(i++, r.route());
        ps.setString(i++, r.provider());
        ps.setString(i++, r.deployment());
        ps.setString(i++, r.upstreamModel());
        ps.setInt(i++, r.status());
        ps.setString(i++, r.errorCode());
        ps.setLong(i++, r.promptTokens());
        ps.setLong(i++, r.completionTokens());
        ps.setLong(i++, r.cachedTokens());
        ps.setLong(i++, r.reasoningTokens());
        ps.setLong(i++, r.costMicros());
        ps.setLong(i++, r.referenceCostMicros());
        ps.setString(i++, r.priceVersion());
        ps.setBoolean(i++, r.unpriced());
        ps.setBoolean(i++, r.estimated());
        ps.setLong(i++, r.latencyMs());
        if (r.ttftMs() < 0) ps.setNull(i++, Types.BIGINT); else ps.setLong(i++, r.ttftMs());
        ps.setBoolean(i++, r.streamed());
        ps.setBoolean(i++, r.cacheHit());
        ps.setBoolean(i++, r.clientDisconnected());
        ps.setInt(i++, r.attempts());
        ps.setString(i++, r.attemptLog());
        ps.setString(i++, r.routeDecision());
        ps.setString(i++, r.servedModel());
        if (Double.isNaN(r.predictedQuality())) ps.setNull(i++, Types.DOUBLE); else ps.setDouble(i++, r.predictedQuality());
        ps.setLong(i++, r.cacheSavedMicros());
        ps.setInt(i++, r.cascadeSteps());
        ps.setLong(i++, r.cascadeCostMicros());
        ps.setString(i++, r.shadowModel());
        if (r.shadowCostMicros() < 0) ps.setNull(i++, Types.BIGINT); else ps.setLong(i++, r.shadowCostMicros());
        ps.setString(i, r.traceId());
    }

    private static void bindRollup(PreparedStatement ps, RollupKey k, Delta d) throws SQLException {
        int i = 1;
        ps.setObject(i++, k.day());
        ps.setString(i++, k.team());
        ps.setString(i++, k.keyId());
        ps.setString(i++, k.model());
        ps.setString(i++, k.provider());
        for (long v : d.values) ps.setLong(i++, v);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it and the write is retried
        }
    }
}
