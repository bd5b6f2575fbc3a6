package dev.frugal.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A validated usage-report query (build it with {@link Reports#parse}). Times are UTC instants;
 * {@code from} is inclusive, {@code to} exclusive. For {@code day} and {@code month} they are whole
 * days (the rollups' grain).
 *
 * @param groupBy the dimensions, in the order asked, without repeats
 * @param team    only this team's rows, or null for every team
 */
public record ReportQuery(Instant from, Instant to, Interval interval, List<Dimension> groupBy, String team) {
    public ReportQuery {
        groupBy = List.copyOf(groupBy);
        if (!from.isBefore(to)) throw new IllegalArgumentException("from must be before to");
    }

    /** The periods a report is cut into. Hours come from raw rows (within the retention), days and months from rollups. */
    public enum Interval {
        HOUR, DAY, MONTH;

        public String wire() { return name().toLowerCase(Locale.ROOT); }
    }

    /**
     * What a report may group by: a fixed allow-list, each mapped to constant column expressions
     * (never text from a request).
     */
    public enum Dimension {
        TEAM("team", "team", "team"),
        MODEL("model", "model", "CASE WHEN upstream_model = '' THEN requested_model ELSE upstream_model END"),
        PROVIDER("provider", "provider", "provider"),
        KEY("key", "key_id", "COALESCE(key_id, '')");

        private final String wire;
        final String rollupColumn;
        final String rawExpression;

        Dimension(String wire, String rollupColumn, String rawExpression) {
            this.wire = wire;
            this.rollupColumn = rollupColumn;
            this.rawExpression = rawExpression;
        }

        /** The name in {@code group_by}. */
        public String wire() { return wire; }

        /** The field (JSON) and column (CSV) name in a report: {@code key_id} for keys (an id, never the key). */
        public String field() { return this == KEY ? "key_id" : wire; }

        /** The dimension named {@code name} in {@code group_by}, or null. */
        public static Dimension of(String name) {
            for (Dimension d : values()) if (d.wire.equals(name)) return d;
            return null;
        }
    }
}
