package dev.frugal.ledger;

import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;

/**
 * The embedded ledger's raw rows as a table: H2's table function {@code ledger_rows(team, from, to)} (V15), over the
 * packs of {@link LedgerPack} and the rows written before them. The view {@code ledger} is {@code ledger_rows(NULL,
 * NULL, NULL)}, so SQL over the ledger on H2 keeps working; reports pass their bounds so that only the packs of their
 * hours are read. Called by H2, on the connection of the query that uses it.
 */
public final class LedgerRowsFunction {
    private LedgerRowsFunction() {
    }

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
        for (int i = 0; i < LedgerStore.ROW_COLUMNS.length; i++) result.addColumn(LedgerStore.ROW_COLUMNS[i], LedgerStore.ROW_TYPES[i], 0, 0);
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
                LedgerPack.decode(hour, packRows.getBytes(2), r -> {
                    LocalDateTime ts = LedgerStore.utc(r.ts());
                    if ((from == null || !ts.isBefore(from)) && (to == null || ts.isBefore(to))) ready.add(columns(r, ts));
                });
            }
            return ready.poll();
        }

        private void open() throws SQLException {
            plainRows();
            // a pack holds its hour's rows: from the hour of the span's start; readRow drops the rows outside the span
            packs = span("SELECT usage_hour, data FROM ledger_pack", "usage_hour",
                    from == null ? null : from.truncatedTo(ChronoUnit.HOURS), " ORDER BY usage_hour, id");
            packRows = packs.executeQuery();
        }

        /** The rows of the span written before V15, queued first (that table only shrinks; empty on a new install). */
        private void plainRows() throws SQLException {
            try (PreparedStatement ps = span("SELECT * FROM ledger_plain", "ts", from, ""); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[LedgerStore.ROW_COLUMNS.length];
                    for (int k = 0; k < row.length; k++) row[k] = rs.getObject(k + 1);
                    ready.add(row);
                }
            }
        }

        /** {@code select} of the team's rows (every team's without one) whose {@code time} is in [start, to), bound. */
        private PreparedStatement span(String select, String time, LocalDateTime start, String orderBy) throws SQLException {
            StringBuilder sql = new StringBuilder(select).append(" WHERE 1 = 1");
            if (team != null) sql.append(" AND team = ?");
            if (start != null) sql.append(" AND ").append(time).append(" >= ?");
            if (to != null) sql.append(" AND ").append(time).append(" < ?");
            PreparedStatement ps = c.prepareStatement(sql.append(orderBy).toString());
            int i = 1;
            if (team != null) ps.setString(i++, team);
            if (start != null) ps.setObject(i++, start);
            if (to != null) ps.setObject(i, to);
            return ps;
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
