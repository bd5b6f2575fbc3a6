package dev.frugal.ledger;

import dev.frugal.config.Database;
import dev.frugal.core.TimeSource;
import dev.frugal.core.GatewayError;
import dev.frugal.ledger.ReportQuery.Dimension;
import dev.frugal.ledger.ReportQuery.Interval;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Usage reports and spend, read from the ledger: hours from raw rows (exact percentiles), days and
 * months from the daily rollups (percentiles from their latency histogram). The same SQL runs on H2
 * (PostgreSQL mode) and PostgreSQL. Group-by columns come from {@link Dimension}'s allow-list; every
 * value from a request is a bound parameter.
 *
 * <p>Blocking (JDBC): call off the event loop. Thread-safe and stateless.
 */
@Singleton
public class Reports {
    /** The longest span an hourly report may cover. */
    static final Duration MAX_HOURLY_SPAN = Duration.ofDays(31);
    private static final int MAX_TEAM_LENGTH = 256;
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu-MM");
    private static final String[] COUNTERS = {"requests", "errors", "prompt_tokens", "completion_tokens", "cached_tokens",
            "reasoning_tokens", "cost_micros", "reference_cost_micros", "cache_hits", "unpriced", "estimated", "cache_saved_micros"};

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;

    @Inject
    Reports(Database database, @ConfigProperty(name = "frugal.ledger.retention") Duration retention, TimeSource time) {
        this(database.callerDataSource(), retention, time);
    }

    /** For tests and tools: reports over {@code dataSource} (H2 or PostgreSQL, migrated). */
    public Reports(DataSource dataSource, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
    }

    // ---- the query -------------------------------------------------------------------------

    /** Request parameters by name: all values given for one name (an empty list when absent). */
    public interface Params {
        List<String> all(String name);
    }

    /**
     * Validates the report parameters of an HTTP request ({@code from}, {@code to}, {@code group_by},
     * {@code interval}, and {@code team} when {@code teamAllowed}); throws a 400 {@link GatewayError}
     * naming the bad {@code param}. {@code forcedTeam}, when not null, is the only team reported on.
     */
    public ReportQuery parse(Params params, boolean teamAllowed, String forcedTeam) {
        Interval interval = interval(single(params, "interval"));
        String fromText = single(params, "from");
        if (fromText == null) throw GatewayError.missingField("from");
        Instant from = time(fromText, "from", false);
        String toText = single(params, "to");
        Instant to = toText == null ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : time(toText, "to", true);
        if (interval != Interval.HOUR) { // whole days: the rollups' grain
            from = from.truncatedTo(ChronoUnit.DAYS);
            Instant day = to.truncatedTo(ChronoUnit.DAYS);
            to = day.equals(to) ? to : day.plus(1, ChronoUnit.DAYS);
        }
        if (!from.isBefore(to)) throw GatewayError.invalidRequest("'to' must be after 'from'.", "to");
        if (interval == Interval.HOUR) {
            if (Duration.between(from, to).compareTo(MAX_HOURLY_SPAN) > 0) {
                throw GatewayError.invalidRequest("An hourly report covers at most 31 days; use interval=day for longer spans.", "to");
            }
            Instant oldest = clock.instant().minus(retention);
            if (from.isBefore(oldest)) {
                throw GatewayError.invalidRequest("Hourly reports come from raw rows, kept for " + retention.toDays()
                        + " days (frugal.ledger.retention): 'from' must be after " + oldest.truncatedTo(ChronoUnit.SECONDS)
                        + ". Use interval=day or month for older periods.", "from");
            }
        }
        List<Dimension> groupBy = groupBy(params.all("group_by"));
        String team = forcedTeam;
        String teamParam = single(params, "team");
        if (teamParam != null) {
            if (!teamAllowed) throw GatewayError.unsupported("'team' is not accepted here: this report covers your own team.", "team");
            if (teamParam.isEmpty() || teamParam.length() > MAX_TEAM_LENGTH) throw GatewayError.invalidRequest("'team' must be a team name.", "team");
            team = teamParam;
        }
        return new ReportQuery(from, to, interval, groupBy, team);
    }

    private static String single(Params params, String name) {
        List<String> values = params.all(name);
        if (values.isEmpty()) return null;
        if (values.size() > 1) throw GatewayError.invalidRequest("'" + name + "' may be given once.", name);
        return values.get(0).strip();
    }

    private static Interval interval(String text) {
        if (text == null) return Interval.DAY;
        for (Interval i : Interval.values()) if (i.wire().equals(text)) return i;
        throw GatewayError.invalidRequest("'interval' must be hour, day or month.", "interval");
    }

    private static List<Dimension> groupBy(List<String> values) {
        Set<Dimension> dims = new LinkedHashSet<>();
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String name = part.strip();
                if (name.isEmpty() && values.size() == 1 && value.isBlank()) continue; // group_by= means no grouping
                Dimension d = Dimension.of(name);
                if (d == null) throw GatewayError.invalidRequest("'group_by' takes a comma-separated list of team, model, provider, key.", "group_by");
                if (!dims.add(d)) throw GatewayError.invalidRequest("'group_by' names '" + name + "' twice.", "group_by");
            }
        }
        return List.copyOf(dims);
    }

    /**
     * An ISO date ({@code 2026-11-01}: the day's start; as {@code to}, the whole day is included) or
     * date-time ({@code 2026-11-01T10:00:00Z}, an offset, or none for UTC).
     */
    private static Instant time(String text, String param, boolean endOfDateIncluded) {
        Instant t;
        try {
            if (text.length() == 10) {
                LocalDate d = LocalDate.parse(text);
                t = (endOfDateIncluded ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                t = OffsetDateTime.parse(text).toInstant();
            } else {
                t = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw GatewayError.invalidRequest("'" + param + "' must be an ISO date (2026-11-01) or date-time (2026-11-01T10:00:00Z).", param);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) throw GatewayError.invalidRequest("'" + param + "' must be between 1970 and 9999.", param);
        return t;
    }

    // ---- running it ------------------------------------------------------------------------

    /** Runs the query: one row per period and group, ordered by period then group. */
    public List<ReportRow> run(ReportQuery q) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (q.interval() == Interval.HOUR) {
                RawRows raw = RawRows.of(c, q);
                if (raw.none()) return new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(rawSql(q, raw))) {
                    raw.bind(ps, q);
                    return rows(ps, q);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(rollupSql(q))) {
                ps.setObject(1, LocalDate.ofInstant(q.from(), ZoneOffset.UTC));
                ps.setObject(2, LocalDate.ofInstant(q.to(), ZoneOffset.UTC));
                if (q.team() != null) ps.setString(3, q.team());
                return rows(ps, q);
            }
        }
    }

    private static List<ReportRow> rows(PreparedStatement ps, ReportQuery q) throws SQLException {
        List<ReportRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) rows.add(row(q, rs));
        }
        return rows;
    }

    /**
     * Where a query of raw rows reads them. On H2, from the table function {@code ledger_rows(team, from, to)}
     * ({@link LedgerRowsFunction}): the packs of the span's hours, of its team or all. On PostgreSQL, from {@code ledger}, team
     * by team: the team asked for, or every team with rollups in the span (written in the same transaction as the
     * rows), joined as a list of values, one lookup of {@code (team, ts)} each — with {@code team IN (…)} of several
     * teams a plan may bound only the team in the index and read each team's whole history.
     */
    record RawRows(boolean packed, List<String> teams) {
        static RawRows of(Connection c, ReportQuery q) throws SQLException {
            if ("H2".equals(c.getMetaData().getDatabaseProductName())) return new RawRows(true, List.of());
            if (q.team() != null) return new RawRows(false, List.of(q.team()));
            LocalDate from = LocalDate.ofInstant(q.from(), ZoneOffset.UTC);
            return new RawRows(false, teamsWithRollups(c, from, LocalDate.ofInstant(q.to(), ZoneOffset.UTC)));
        }

        /** Whether no team has rows in the span, so there is nothing to read. */
        boolean none() {
            return !packed && teams.isEmpty();
        }

        /** The FROM clause: the rows as {@code ledger}, in the query's team and {@code [from, to)}, bound by {@link #bind}. */
        String from() {
            if (packed) return " FROM ledger_rows(?, ?, ?) AS ledger";
            return " FROM (VALUES " + "(?), ".repeat(teams.size() - 1) + "(?)) AS t(t_team) JOIN ledger ON ledger.team = t.t_team"
                    + " AND ledger.ts >= ? AND ledger.ts < ?";
        }

        void bind(PreparedStatement ps, ReportQuery q) throws SQLException {
            int i = 1;
            if (packed) ps.setString(i++, q.team());
            else for (String team : teams) ps.setString(i++, team);
            ps.setObject(i++, LedgerStore.utc(q.from()));
            ps.setObject(i, LedgerStore.utc(q.to()));
        }
    }

    /** The teams with rollups from {@code fromDay} to {@code toDay}, both included (null: from the first), sorted. */
    static List<String> teamsWithRollups(Connection c, LocalDate fromDay, LocalDate toDay) throws SQLException {
        String sql = "SELECT DISTINCT team FROM ledger_daily WHERE usage_day <= ?" + (fromDay == null ? "" : " AND usage_day >= ?")
                + " ORDER BY team";
        List<String> teams = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, toDay);
            if (fromDay != null) ps.setObject(2, fromDay);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) teams.add(rs.getString(1));
            }
        }
        return teams;
    }

    /**
     * What the routes' shadow policies would have cost against what was spent, per route, over the query's span
     * and team (its interval and grouping do not apply), from raw rows: within the retention. Only rows whose
     * shadow choice had a price are summed on both sides, so the two sums compare the same requests.
     */
    public List<ShadowRow> shadow(ReportQuery q) throws SQLException {
        List<ShadowRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            RawRows raw = RawRows.of(c, q);
            if (raw.none()) return rows;
            String sql = "SELECT route, COUNT(*), SUM(CASE WHEN shadow_cost_micros IS NULL THEN 0 ELSE 1 END),"
                    + " SUM(CASE WHEN shadow_cost_micros IS NULL THEN 0 ELSE cost_micros END), COALESCE(SUM(shadow_cost_micros), 0)"
                    + raw.from() + " WHERE shadow_model IS NOT NULL AND route IS NOT NULL GROUP BY route ORDER BY route";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                raw.bind(ps, q);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rows.add(new ShadowRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
        }
        return rows;
    }

    /**
     * One route's shadow comparison.
     *
     * @param requests         requests to the route with a shadow choice recorded
     * @param priced           of those, the ones whose shadow choice had a price
     * @param costMicros       what those priced ones cost
     * @param shadowCostMicros what their usage would have cost on the shadow's choice
     */
    public record ShadowRow(String route, long requests, long priced, long costMicros, long shadowCostMicros) {}

    /**
     * What {@code team} (or only its key {@code keyIdOrNull}) spent from the start of {@code fromDayInclusive}
     * (UTC) on, in micro-USD, from the rollups: rows still waiting in the writer's queue are not in it yet.
     */
    public long spendMicros(String team, String keyIdOrNull, LocalDate fromDayInclusive) throws SQLException {
        String sql = "SELECT COALESCE(SUM(cost_micros), 0) FROM ledger_daily WHERE team = ? AND usage_day >= ?"
                + (keyIdOrNull == null ? "" : " AND key_id = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, team);
            ps.setObject(2, fromDayInclusive);
            if (keyIdOrNull != null) ps.setString(3, keyIdOrNull);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String rollupSql(ReportQuery q) {
        String period = q.interval() == Interval.DAY ? "usage_day" : "CAST(date_trunc('month', CAST(usage_day AS timestamp)) AS date)";
        StringJoiner select = new StringJoiner(", ");
        StringJoiner group = new StringJoiner(", ");
        select.add(period + " AS period");
        group.add(period);
        for (Dimension d : q.groupBy()) {
            select.add(d.rollupColumn);
            group.add(d.rollupColumn);
        }
        for (String c : COUNTERS) select.add("SUM(" + c + ")");
        for (String c : LatencyBuckets.COLUMNS) select.add("SUM(" + c + ")");
        return "SELECT " + select + " FROM ledger_daily WHERE usage_day >= ? AND usage_day < ?" + (q.team() == null ? "" : " AND team = ?")
                + " GROUP BY " + group + " ORDER BY " + group;
    }

    static String rawSql(ReportQuery q, RawRows raw) {
        String period = "date_trunc('hour', ts)";
        StringJoiner select = new StringJoiner(", ");
        StringJoiner group = new StringJoiner(", ");
        select.add(period + " AS period");
        group.add(period);
        for (Dimension d : q.groupBy()) {
            select.add(d.rawExpression);
            group.add(d.rawExpression);
        }
        select.add("COUNT(*)").add("SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)")
                .add("SUM(prompt_tokens)").add("SUM(completion_tokens)").add("SUM(cached_tokens)").add("SUM(reasoning_tokens)")
                .add("SUM(cost_micros)").add("SUM(reference_cost_micros)")
                .add("SUM(CASE WHEN cache_hit THEN 1 ELSE 0 END)").add("SUM(CASE WHEN unpriced THEN 1 ELSE 0 END)")
                .add("SUM(CASE WHEN estimated THEN 1 ELSE 0 END)").add("SUM(cache_saved_micros)")
                .add("percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)")
                .add("percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)");
        return "SELECT " + select + raw.from() + " GROUP BY " + group + " ORDER BY " + group;
    }

    private static ReportRow row(ReportQuery q, ResultSet rs) throws SQLException {
        int i = 1;
        String period = switch (q.interval()) {
            case HOUR -> rs.getObject(i++, LocalDateTime.class).toInstant(ZoneOffset.UTC).toString();
            case DAY -> rs.getObject(i++, LocalDate.class).toString();
            case MONTH -> rs.getObject(i++, LocalDate.class).format(MONTH);
        };
        List<String> group = new ArrayList<>(q.groupBy().size());
        for (int g = 0; g < q.groupBy().size(); g++) group.add(rs.getString(i++));
        long[] v = new long[COUNTERS.length];
        for (int k = 0; k < v.length; k++) v[k] = rs.getLong(i++);
        long p50;
        long p95;
        if (q.interval() == Interval.HOUR) {
            p50 = Math.round(rs.getDouble(i++));
            p95 = Math.round(rs.getDouble(i));
        } else {
            long[] buckets = new long[LatencyBuckets.COUNT];
            for (int b = 0; b < buckets.length; b++) buckets[b] = rs.getLong(i++);
            p50 = LatencyBuckets.percentile(buckets, 0.5);
            p95 = LatencyBuckets.percentile(buckets, 0.95);
        }
        return new ReportRow(period, group, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], p50, p95);
    }
}
