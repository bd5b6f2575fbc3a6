package dev.frugal.ledger;

import dev.frugal.config.Database;

import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Writes ledger rows — on PostgreSQL one {@code COPY} into {@code ledger}, on H2 the rows packed by team and hour into
 * {@code ledger_pack} ({@link LedgerPack}) — and the matching increments of {@code ledger_daily}, in one transaction,
 * so the rollups always equal the sum of the rows written.
 * Blocking; called by the writer thread only. Stateless apart from the prebuilt SQL.
 */
final class LedgerStore {
    /** The raw ledger's columns, in the table's order; {@link #ROW_TYPES} are their JDBC types. */
    static final String[] ROW_COLUMNS = {"request_id", "ts", "team", "key_id", "endpoint", "requested_model",
            "route", "provider", "deployment", "upstream_model", "status", "error_code", "prompt_tokens",
            "completion_tokens", "cached_tokens", "reasoning_tokens", "cost_micros", "reference_cost_micros",
            "price_version", "unpriced", "estimated", "latency_ms", "ttft_ms", "streamed", "cache_hit",
            "client_disconnected", "attempts", "attempt_log", "route_decision", "served_model", "predicted_quality",
            "cache_saved_micros", "cascade_steps", "cascade_cost_micros", "shadow_model", "shadow_cost_micros", "trace_id"};
    static final int[] ROW_TYPES = {Types.VARCHAR, Types.TIMESTAMP, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.INTEGER, Types.VARCHAR, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.BOOLEAN, Types.BOOLEAN, Types.BIGINT, Types.BIGINT, Types.BOOLEAN, Types.BOOLEAN, Types.BOOLEAN, Types.INTEGER, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.DOUBLE, Types.BIGINT, Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.BIGINT, Types.VARCHAR};
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

    private static final DateTimeFormatter COPY_TS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final String INSERT_PACK = "INSERT INTO ledger_pack (team, usage_hour, ts_min, row_count, data) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final boolean packed;
    private final String copySql;
    private final String upsertRollup;

    LedgerStore(DataSource dataSource, Database.Dialect dialect) {
        this.dataSource = dataSource;
        this.packed = dialect == Database.Dialect.H2;
        this.copySql = "COPY ledger (" + String.join(", ", ROW_COLUMNS) + ") FROM STDIN";
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
                else copyRows(c, rows);
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
                ps.setString(1, e.getKey().team());
                ps.setObject(2, utc(e.getKey().hour()));
                ps.setObject(3, utc(LedgerPack.earliest(pack)));
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

    /**
     * PostgreSQL: the rows in one {@code COPY … FROM STDIN} (text format), which costs the server about half of a
     * batched {@code INSERT} a row (docs/decisions/0039-packed-embedded-ledger.md). A row the server refuses fails
     * the whole copy with its SQL state (class 22 or 23), and the writer then writes the batch row by row.
     */
    private void copyRows(Connection c, List<LedgerRow> rows) throws SQLException {
        StringBuilder text = new StringBuilder(rows.size() * 320);
        for (LedgerRow r : rows) copyLine(text, r);
        byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new SQLException("COPY into the ledger failed: " + e.getMessage(), "08006", e);
        }
    }

    /** One row of {@code COPY}'s text format: tab-separated, {@code \N} for null, in {@link #ROW_COLUMNS}' order. */
    static void copyLine(StringBuilder out, LedgerRow r) {
        text(out, r.requestId()).append('\t');
        out.append(COPY_TS.format(utc(LedgerPack.roundedToMicros(r.ts())))).append('\t');
        text(out, r.team()).append('\t');
        text(out, r.keyId()).append('\t');
        text(out, r.endpoint()).append('\t');
        text(out, r.requestedModel()).append('\t');
        text(out, r.route()).append('\t');
        text(out, r.provider()).append('\t');
        text(out, r.deployment()).append('\t');
        text(out, r.upstreamModel()).append('\t');
        out.append(r.status()).append('\t');
        text(out, r.errorCode()).append('\t');
        out.append(r.promptTokens()).append('\t');
        out.append(r.completionTokens()).append('\t');
        out.append(r.cachedTokens()).append('\t');
        out.append(r.reasoningTokens()).append('\t');
        out.append(r.costMicros()).append('\t');
        out.append(r.referenceCostMicros()).append('\t');
        text(out, r.priceVersion()).append('\t');
        out.append(r.unpriced() ? 't' : 'f').append('\t');
        out.append(r.estimated() ? 't' : 'f').append('\t');
        out.append(r.latencyMs()).append('\t');
        if (r.ttftMs() < 0) out.append("\\N\t"); else out.append(r.ttftMs()).append('\t');
        out.append(r.streamed() ? 't' : 'f').append('\t');
        out.append(r.cacheHit() ? 't' : 'f').append('\t');
        out.append(r.clientDisconnected() ? 't' : 'f').append('\t');
        out.append(r.attempts()).append('\t');
        text(out, r.attemptLog()).append('\t');
        text(out, r.routeDecision()).append('\t');
        text(out, r.servedModel()).append('\t');
        if (Double.isNaN(r.predictedQuality())) out.append("\\N\t"); else out.append(r.predictedQuality()).append('\t');
        out.append(r.cacheSavedMicros()).append('\t');
        out.append(r.cascadeSteps()).append('\t');
        out.append(r.cascadeCostMicros()).append('\t');
        text(out, r.shadowModel()).append('\t');
        if (r.shadowCostMicros() < 0) out.append("\\N\t"); else out.append(r.shadowCostMicros()).append('\t');
        text(out, r.traceId()).append('\n');
    }

    /** A text value of {@code COPY}: null as {@code \N}; backslash, tab, newline and carriage return escaped. */
    private static StringBuilder text(StringBuilder out, String s) {
        if (s == null) return out.append("\\N");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
        return out;
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
