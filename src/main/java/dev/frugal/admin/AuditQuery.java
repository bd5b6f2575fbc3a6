package dev.frugal.admin;

import dev.frugal.config.ConfigCompiler;
import dev.frugal.core.GatewayError;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What {@code GET /admin/audit} asks for: records at or after {@code from} and before {@code to}
 * (either may be null: unbounded), of one {@code team} and one {@code action} (null: any), at most
 * {@code limit}, newest first. {@link #parse} turns query parameters into one, or a 400 naming the
 * bad {@code param}. Pure.
 */
record AuditQuery(Instant from, Instant to, String team, String action, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> PARAMS = Set.of("from", "to", "team", "action", "limit");
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

    /**
     * @param names  the query's parameter names
     * @param values every value given for a name (an empty list when absent)
     */
    static AuditQuery parse(Set<String> names, Function<String, List<String>> values) {
        for (String name : names) {
            if (!PARAMS.contains(name)) {
                throw GatewayError.invalidRequest("Unknown parameter '" + name + "': use from, to, team, action, limit.", name);
            }
        }
        Instant from = time(single(values, "from"), "from", false);
        Instant to = time(single(values, "to"), "to", true);
        if (from != null && to != null && !from.isBefore(to)) throw GatewayError.invalidRequest("'to' must be after 'from'.", "to");
        String team = single(values, "team");
        if (team != null && !ConfigCompiler.isName(team)) throw GatewayError.invalidRequest("'team' must be a team name.", "team");
        String action = single(values, "action");
        if (action != null && (action.length() > 64 || !ACTION.matcher(action).matches())) {
            throw GatewayError.invalidRequest("'action' must be an action name such as team.update or key.revoke.", "action");
        }
        String limitText = single(values, "limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) throw GatewayError.invalidRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ".", "limit");
        }
        return new AuditQuery(from, to, team, action, limit);
    }

    private static String single(Function<String, List<String>> values, String name) {
        List<String> all = values.apply(name);
        if (all.isEmpty()) return null;
        if (all.size() > 1) throw GatewayError.invalidRequest("'" + name + "' may be given once.", name);
        return all.get(0).strip();
    }

    /**
     * A date-time with an offset ({@code 2026-03-01T12:00:00Z}) or a date ({@code 2026-03-01}: its start
     * in UTC; as {@code to}, the whole day is included), or null when not given.
     */
    private static Instant time(String text, String param, boolean wholeDay) {
        if (text == null) return null;
        Instant t;
        try {
            if (text.indexOf('T') < 0) {
                LocalDate d = LocalDate.parse(text);
                t = (wholeDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                t = OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeException e) {
            throw GatewayError.invalidRequest("'" + param + "' must be an ISO 8601 date (2026-03-01) or date-time with an offset "
                    + "(2026-03-01T12:00:00Z).", param);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) throw GatewayError.invalidRequest("'" + param + "' must be between 1970 and 9999.", param);
        return t;
    }
}
