package dev.frugal.ledger;

import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The embedded ledger's raw rows, packed: on H2 the writer stores each batch's rows of one team and one UTC hour as
 * one row of {@code ledger_pack} (V15), a compact binary encoding, instead of one table row each. H2's copy-on-write
 * B-trees and transactions cost a put, an undo entry and a commit rewrite per table row and index; packed, that is
 * once per team and hour of a batch (docs/decisions/0039-packed-embedded-ledger.md). PostgreSQL keeps a table row per
 * request.
 *
 * <p>Rows are read back as the old table through the table function {@link #rows} ({@code ledger_rows(team, from,
 * to)}; nulls: every team, no bound), and the view {@code ledger} is {@code ledger_rows(NULL, NULL, NULL)}: SQL over
 * the ledger on H2 keeps working, and reports pass their bounds so that only the packs of their hours are read.
 *
 * <p>Encoding (version 1): the row count, then each row's fields in {@link LedgerStore}'s column order. Numbers are
 * variable-length (zig-zag); the five booleans and whether a quality was predicted are one byte of flags; the
 * repeated strings (team, models, provider, …) are written once a pack and then referred to by number; the request
 * id and trace id are written as they are; times are microseconds from the pack's hour.
 */
public final class LedgerPack {
    private static final int VERSION = 1;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;

    /** The columns of the raw ledger (the old table's names, order and types): what {@link #rows} returns. */
    private static final Object[][] COLUMNS = {
            {"request_id", Types.VARCHAR}, {"ts", Types.TIMESTAMP}, {"team", Types.VARCHAR}, {"key_id", Types.VARCHAR},
            {"endpoint", Types.VARCHAR}, {"requested_model", Types.VARCHAR}, {"route", Types.VARCHAR},
            {"provider", Types.VARCHAR}, {"deployment", Types.VARCHAR}, {"upstream_model", Types.VARCHAR},
            {"status", Types.INTEGER}, {"error_code", Types.VARCHAR}, {"prompt_tokens", Types.BIGINT},
            {"completion_tokens", Types.BIGINT}, {"cached_tokens", Types.BIGINT}, {"reasoning_tokens", Types.BIGINT},
            {"cost_micros", Types.BIGINT}, {"reference_cost_micros", Types.BIGINT}, {"price_version", Types.VARCHAR},
            {"unpriced", Types.BOOLEAN}, {"estimated", Types.BOOLEAN}, {"latency_ms", Types.BIGINT},
            {"ttft_ms", Types.BIGINT}, {"streamed", Types.BOOLEAN}, {"cache_hit", Types.BOOLEAN},
            {"client_disconnected", Types.BOOLEAN}, {"attempts", Types.INTEGER}, {"attempt_log", Types.VARCHAR},
            {"route_decision", Types.VARCHAR}, {"served_model", Types.VARCHAR}, {"predicted_quality", Types.DOUBLE},
            {"cache_saved_micros", Types.BIGINT}, {"cascade_steps", Types.INTEGER}, {"cascade_cost_micros", Types.BIGINT},
            {"shadow_model", Types.VARCHAR}, {"shadow_cost_micros", Types.BIGINT}, {"trace_id", Types.VARCHAR}};

    private LedgerPack() {
    }

    /** The UTC hour a row is packed under: of its time as stored, so 10:59:59.9999996 is 11:00's. */
    static Instant hourOf(Instant ts) {
        return ofMicros(Math.floorDiv(micros(ts), MICROS_PER_HOUR) * MICROS_PER_HOUR);
    }

    /** Microseconds since the epoch, rounded half up as a {@code timestamp} column of H2 and PostgreSQL stores them. */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), (t.getNano() + 500) / 1000);
    }

    /** The instant as the databases store it: {@link #micros}, back as an instant. */
    static Instant roundedToMicros(Instant t) {
        return ofMicros(micros(t));
    }

    private static Instant ofMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    // ---- encoding ----------------------------------------------------------------------------

    /** Packs rows that all fall in the UTC hour {@code hour}. */
    static byte[] encode(Instant hour, List<LedgerRow> rows) {
        Out out = new Out(rows.size() * 96 + 16);
        long base = micros(hour);
        out.varint(VERSION);
        out.varint(rows.size());
        for (LedgerRow r : rows) {
            long at = micros(r.ts()) - base;
            if (at < 0 || at >= MICROS_PER_HOUR) throw new IllegalArgumentException("row " + r.requestId() + " is not in the hour " + hour);
            out.raw(r.requestId());
            out.varint(at);
            out.shared(r.team());
            out.shared(r.keyId());
            out.shared(r.endpoint());
            out.shared(r.requestedModel());
            out.shared(r.route());
            out.shared(r.provider());
            out.shared(r.deployment());
            out.shared(r.upstreamModel());
            out.varint(r.status());
            out.shared(r.errorCode());
            out.varint(r.promptTokens());
            out.varint(r.completionTokens());
            out.varint(r.cachedTokens());
            out.varint(r.reasoningTokens());
            out.varint(r.costMicros());
            out.varint(r.referenceCostMicros());
            out.shared(r.priceVersion());
            boolean quality = !Double.isNaN(r.predictedQuality());
            out.flags((r.unpriced() ? 1 : 0) | (r.estimated() ? 2 : 0) | (r.streamed() ? 4 : 0)
                    | (r.cacheHit() ? 8 : 0) | (r.clientDisconnected() ? 16 : 0) | (quality ? 32 : 0));
            out.varint(r.latencyMs());
            out.varint(r.ttftMs());
            out.varint(r.attempts());
            out.shared(r.attemptLog());
            out.shared(r.routeDecision());
            out.shared(r.servedModel());
            if (quality) out.fixed64(Double.doubleToRawLongBits(r.predictedQuality()));
            out.varint(r.cacheSavedMicros());
            out.varint(r.cascadeSteps());
            out.varint(r.cascadeCostMicros());
            out.shared(r.shadowModel());
            out.varint(r.shadowCostMicros());
            out.raw(r.traceId());
        }
        return out.toArray();
    }

    /** A growable buffer with the pack's string table. */
    private static final class Out {
        byte[] bytes;
        int pos;
        private final Map<String, Integer> strings = new HashMap<>(64);

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        int reserve(int n) {
            if (pos + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, pos + n));
            int at = pos;
            pos += n;
            return at;
        }

        void varint(long v) {
            long z = (v << 1) ^ (v >> 63);
            reserve(10);
            pos -= 10;
            while ((z & ~0x7FL) != 0) {
                bytes[pos++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            bytes[pos++] = (byte) z;
        }

        void flags(int v) {
            int at = reserve(1);
            bytes[at] = (byte) v;
        }

        void fixed64(long v) {
            int at = reserve(8);
            for (int i = 0; i < 8; i++) bytes[at + i] = (byte) (v >>> (8 * i));
        }

        /** A string written as it is: 0 for null, else its UTF-8 length + 1 and its bytes. */
        void raw(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1L);
            int at = reserve(utf8.length); // before reading bytes: reserving may grow it
            System.arraycopy(utf8, 0, bytes, at, utf8.length);
        }

        /** A string of the table: 0 for null, n for the table's n-th, or the next number followed by the string. */
        void shared(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            int next = strings.size() + 1;
            Integer known = strings.putIfAbsent(s, next);
            varint(known == null ? next : known);
            if (known == null) raw(s);
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, pos);
        }
    }

    // ---- decoding ----------------------------------------------------------------------------

    /** Unpacks a pack of the UTC hour {@code hour}, row by row in the order they were packed. */
    static void decode(Instant hour, byte[] data, Consumer<LedgerRow> sink) {
        In in = new In(data);
        long base = micros(hour);
        int version = (int) in.varint();
        if (version != VERSION) throw new IllegalStateException("ledger pack of version " + version + ", this build reads " + VERSION);
        int count = (int) in.varint();
        for (int i = 0; i < count; i++) {
            String requestId = in.raw();
            Instant ts = ofMicros(base + in.varint());
            String team = in.shared();
            String keyId = in.shared();
            String endpoint = in.shared();
            String requestedModel = in.shared();
            String route = in.shared();
            String provider = in.shared();
            String deployment = in.shared();
            String upstreamModel = in.shared();
            int status = (int) in.varint();
            String errorCode = in.shared();
            long prompt = in.varint();
            long completion = in.varint();
            long cached = in.varint();
            long reasoning = in.varint();
            long cost = in.varint();
            long referenceCost = in.varint();
            String priceVersion = in.shared();
            int flags = in.data[in.pos++];
            long latency = in.varint();
            long ttft = in.varint();
            int attempts = (int) in.varint();
            String attemptLog = in.shared();
            String routeDecision = in.shared();
            String servedModel = in.shared();
            double quality = (flags & 32) != 0 ? Double.longBitsToDouble(in.fixed64()) : Double.NaN;
            long cacheSaved = in.varint();
            int cascadeSteps = (int) in.varint();
            long cascadeCost = in.varint();
            String shadowModel = in.shared();
            long shadowCost = in.varint();
            String traceId = in.raw();
            sink.accept(new LedgerRow(requestId, ts, team, keyId, endpoint, requestedModel, route, provider, deployment,
                    upstreamModel, status, errorCode, prompt, completion, cached, reasoning, cost, referenceCost, priceVersion,
                    (flags & 1) != 0, (flags & 2) != 0, latency, ttft, (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0,
                    attempts, attemptLog, routeDecision, servedModel, quality, cacheSaved, cascadeSteps, cascadeCost,
                    shadowModel, shadowCost, traceId));
        }
        if (in.pos != data.length) throw new IllegalStateException("ledger pack has " + (data.length - in.pos) + " bytes after its rows");
    }

    private static final class In {
        final byte[] data;
        int pos;
        private final List<String> strings = new ArrayList<>();

        In(byte[] data) {
            this.data = data;
        }

        long varint() {
            long z = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = data[pos++];
                z |= (long) (b & 0x7F) << shift;
                if (b >= 0) break;
            }
            return (z >>> 1) ^ -(z & 1);
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) v |= (data[pos++] & 0xFFL) << (8 * i);
            return v;
        }

        String raw() {
            int n = (int) varint();
            if (n == 0) return null;
            String s = new String(data, pos, n - 1, StandardCharsets.UTF_8);
            pos += n - 1;
            return s;
        }

        String shared() {
            int n = (int) varint();
            if (n == 0) return null;
            if (n <= strings.size()) return strings.get(n - 1);
            if (n != strings.size() + 1) throw new IllegalStateException("ledger pack refers to string " + n + " before it is defined");
            String s = raw();
            strings.add(s);
            return s;
        }
    }

    // ---- the table function ------------------------------------------------------------------

    /**
     * H2's {@code ledger_rows(team, from, to)}: the raw rows of {@code team} (null: every team) with {@code from <= ts
     * < to} (a null bound: none), as the columns of the old {@code ledger} table. Reads the packs of the hours in the
     * span through their indexes, and the rows written before V15 (kept in {@code ledger_plain} until retention removes
     * them). Rows are unpacked as H2 reads them, one pack at a time.
     */
    public static ResultSet rows(Connection c, String team, LocalDateTime from, LocalDateTime to) throws SQLException {
        SimpleResultSet result;
        if ("jdbc:columnlist:connection".equals(c.getMetaData().getURL())) {
            result = new SimpleResultSet(); // H2 asks for the columns while it prepares a query
        } else {
            result = new SimpleResultSet(new Source(c, team, from, to));
        }
        for (Object[] col : COLUMNS) result.addColumn((String) col[0], (Integer) col[1], 0, 0);
        return result;
    }

    /** The rows of the span: first those before V15, then pack after pack, each unpacked when the previous is read. */
    private static final class Source implements SimpleRowSource {
        private final Connection c;
        private final String team;
        private final LocalDateTime from;
        private final LocalDateTime to;
        private final ArrayDeque<Object[]> ready = new ArrayDeque<>();
        private PreparedStatement packs;
        private ResultSet packRows;

        Source(Connection c, String team, LocalDateTime from, LocalDateTime to) {
            this.c = c;
            this.team = team;
            this.from = from;
            this.to = to;
        }

        @Override
        public Object[] readRow() throws SQLException {
            if (packs == null) open();
            while (ready.isEmpty()) {
                if (!packRows.next()) return null;
                Instant hour = packRows.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
                decode(hour, packRows.getBytes(2), r -> {
                    LocalDateTime ts = LedgerStore.utc(r.ts());
                    if ((from == null || !ts.isBefore(from)) && (to == null || ts.isBefore(to))) ready.add(columns(r, ts));
                });
            }
            return ready.poll();
        }

        private void open() throws SQLException {
            plainRows();
            StringBuilder sql = new StringBuilder("SELECT usage_hour, data FROM ledger_pack WHERE 1 = 1");
            if (team != null) sql.append(" AND team = ?");
            if (from != null) sql.append(" AND usage_hour >= ?");
            if (to != null) sql.append(" AND usage_hour < ?");
            packs = c.prepareStatement(sql.append(" ORDER BY usage_hour, id").toString());
            int i = 1;
            if (team != null) packs.setString(i++, team);
            if (from != null) packs.setObject(i++, from.truncatedTo(ChronoUnit.HOURS));
            if (to != null) packs.setObject(i, to);
            packRows = packs.executeQuery();
        }

        /** The rows of the span written before V15, queued first (that table only shrinks; empty on a new install). */
        private void plainRows() throws SQLException {
            StringBuilder sql = new StringBuilder("SELECT * FROM ledger_plain WHERE 1 = 1");
            if (team != null) sql.append(" AND team = ?");
            if (from != null) sql.append(" AND ts >= ?");
            if (to != null) sql.append(" AND ts < ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (team != null) ps.setString(i++, team);
                if (from != null) ps.setObject(i++, from);
                if (to != null) ps.setObject(i, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object[] row = new Object[COLUMNS.length];
                        for (int k = 0; k < row.length; k++) row[k] = rs.getObject(k + 1);
                        ready.add(row);
                    }
                }
            }
        }

        @Override
        public void close() {
            try {
                if (packs != null) packs.close();
            } catch (SQLException ignored) {
                // H2 closes it with the session
            }
        }

        @Override
        public void reset() throws SQLException {
            close();
            packs = null;
            ready.clear();
        }
    }

    private static Object[] columns(LedgerRow r, LocalDateTime ts) {
        return new Object[]{r.requestId(), ts, r.team(), r.keyId(), r.endpoint(), r.requestedModel(), r.route(), r.provider(),
                r.deployment(), r.upstreamModel(), r.status(), r.errorCode(), r.promptTokens(), r.completionTokens(),
                r.cachedTokens(), r.reasoningTokens(), r.costMicros(), r.referenceCostMicros(), r.priceVersion(), r.unpriced(),
                r.estimated(), r.latencyMs(), r.ttftMs() < 0 ? null : r.ttftMs(), r.streamed(), r.cacheHit(),
                r.clientDisconnected(), r.attempts(), r.attemptLog(), r.routeDecision(), r.servedModel(),
                Double.isNaN(r.predictedQuality()) ? null : r.predictedQuality(), r.cacheSavedMicros(), r.cascadeSteps(),
                r.cascadeCostMicros(), r.shadowModel(), r.shadowCostMicros() < 0 ? null : r.shadowCostMicros(), r.traceId()};
    }
}
