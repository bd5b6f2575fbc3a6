package dev.frugal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.frugal.config.Budget;
import dev.frugal.config.ConfigCompiler;
import dev.frugal.config.Durations;
import dev.frugal.config.InvalidConfigException;
import dev.frugal.config.Limits;
import dev.frugal.config.TeamConfig;
import dev.frugal.core.GatewayError;
import dev.frugal.tenancy.teams.PolicyJson;
import dev.frugal.tenancy.teams.TeamDirectory;
import dev.frugal.wire.Json;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the admin API's request bodies into typed values, with the config file's rules for a
 * team's policy ({@link ConfigCompiler#compileTeam}). Every problem is a 400 naming the field in
 * {@code param}; nothing a client sends becomes a 500. Pure.
 */
final class TeamBodies {
    static final Duration MAX_EXPIRY = Duration.ofDays(3650);
    private static final int MAX_KEY_NAME = 128;
    /** What the config compiler says of a value of the wrong JSON type. */
    private static final Set<String> TYPE_PROBLEMS = Set.of("must be a string", "must be a number", "must be true or false",
            "must be a mapping", "must be a list");

    private TeamBodies() {}

    /** What {@code POST /admin/teams/{team}/keys} asks for. */
    record KeyRequest(String name, Instant expiresAt, Limits limits, List<Budget> budgets) {}

    /** {@code POST /admin/teams}: a new team; its name is required. */
    static TeamConfig newTeam(JsonNode body, Set<String> models) {
        return compile(body, models);
    }

    /** {@code PUT /admin/teams/{team}}: the whole policy; absent fields take their defaults. */
    static TeamConfig replacement(String name, JsonNode body, Set<String> models) {
        ObjectNode o = object(body).deepCopy();
        sameName(o, name);
        o.put("name", name);
        return compile(o, models);
    }

    /**
     * {@code PATCH /admin/teams/{team}}: the fields given replace the current ones ({@code null} resets
     * one to its default). The models are checked only when the body names them, so a team that lists
     * a model removed from the config since can still change its limits.
     */
    static TeamConfig patched(TeamConfig current, JsonNode body, Set<String> models) {
        ObjectNode patch = object(body);
        sameName(patch, current.name());
        ObjectNode merged = PolicyJson.team(current);
        patch.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        return compile(merged, patch.has("models") ? models : null);
    }

    /** {@code POST /admin/teams/{team}/keys}: all fields optional. */
    static KeyRequest key(JsonNode body, Instant now) {
        ObjectNode o = body == null ? Json.object() : object(body);
        allowOnly(o, "name", "expires_at", "expires_in", "limits", "budget");
        String name = null;
        JsonNode n = o.get("name");
        if (n != null && !n.isNull()) {
            if (!n.isTextual()) throw GatewayError.wrongType("name", "a string");
            name = n.asText().strip();
            if (name.length() > MAX_KEY_NAME) throw GatewayError.invalidRequest("'name' must be at most " + MAX_KEY_NAME + " characters.", "name");
            if (name.chars().anyMatch(Character::isISOControl)) throw GatewayError.invalidRequest("'name' must not contain control characters.", "name");
            if (name.isEmpty()) name = null;
        }
        Instant expiresAt = expiry(o, now);
        Limits limits;
        List<Budget> budgets;
        try {
            limits = ConfigCompiler.compileLimits(o.get("limits"), "limits");
            budgets = ConfigCompiler.compileBudgets(o.get("budget"), "budget");
        } catch (InvalidConfigException e) {
            throw invalid(e);
        }
        return new KeyRequest(name, expiresAt, limits, budgets);
    }

    /** {@code POST …/rotate}: {@code grace_period} (a duration such as {@code 24h}), default 24h, at most 30d. */
    static Duration grace(JsonNode body) {
        ObjectNode o = body == null ? Json.object() : object(body);
        allowOnly(o, "grace_period");
        JsonNode g = o.get("grace_period");
        if (g == null || g.isNull()) return TeamDirectory.DEFAULT_GRACE;
        if (!g.isTextual()) throw GatewayError.wrongType("grace_period", "a duration string such as 24h");
        Duration d = Durations.parse(g.asText());
        if (d == null) throw GatewayError.invalidRequest("'grace_period' must be a duration such as 0s, 30m, 24h or 7d.", "grace_period");
        if (d.compareTo(TeamDirectory.MAX_GRACE) > 0) throw GatewayError.invalidRequest("'grace_period' must be at most 30d.", "grace_period");
        return d;
    }

    /** A JSON body, or null when there is none; 400 when it is not JSON. */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return Json.parse(text);
        } catch (IOException e) {
            throw GatewayError.malformedJson("The body is not valid JSON.");
        }
    }

    private static Instant expiry(ObjectNode o, Instant now) {
        JsonNode at = o.get("expires_at");
        JsonNode in = o.get("expires_in");
        boolean hasAt = at != null && !at.isNull();
        boolean hasIn = in != null && !in.isNull();
        if (hasAt && hasIn) throw GatewayError.invalidRequest("Give 'expires_at' or 'expires_in', not both.", "expires_in");
        Instant expiresAt = null;
        if (hasIn) {
            if (!in.isTextual()) throw GatewayError.wrongType("expires_in", "a duration string such as 90d");
            Duration d = Durations.parse(in.asText());
            if (d == null || d.isZero()) throw GatewayError.invalidRequest("'expires_in' must be a duration such as 90d or 12h.", "expires_in");
            if (d.compareTo(MAX_EXPIRY) > 0) throw GatewayError.invalidRequest("'expires_in' must be at most 3650d.", "expires_in");
            expiresAt = now.plus(d);
        }
        if (hasAt) {
            if (!at.isTextual()) throw GatewayError.wrongType("expires_at", "an ISO 8601 date-time string");
            expiresAt = instant(at.asText());
            if (!expiresAt.isAfter(now)) throw GatewayError.invalidRequest("'expires_at' must be in the future.", "expires_at");
            if (expiresAt.isAfter(now.plus(MAX_EXPIRY))) throw GatewayError.invalidRequest("'expires_at' must be within 3650 days.", "expires_at");
        }
        return expiresAt;
    }

    /** {@code 2026-01-31T12:00:00Z}, with any offset, or a date ({@code 2026-01-31}: its start, UTC). */
    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException notADateTime) {
            try {
                return LocalDate.parse(text.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw GatewayError.invalidRequest("'expires_at' must be an ISO 8601 date-time such as 2026-01-31T00:00:00Z.", "expires_at");
            }
        }
    }

    private static TeamConfig compile(JsonNode body, Set<String> models) {
        try {
            return ConfigCompiler.compileTeam(object(body), models);
        } catch (InvalidConfigException e) {
            throw invalid(e);
        }
    }

    private static ObjectNode object(JsonNode body) {
        if (body == null) throw GatewayError.invalidRequest("A JSON object body is required.", null);
        if (!(body instanceof ObjectNode o)) throw GatewayError.invalidRequest("The body must be a JSON object.", null);
        return o;
    }

    private static void sameName(ObjectNode body, String name) {
        JsonNode n = body.get("name");
        if (n != null && !n.isNull() && !name.equals(n.asText())) {
            throw GatewayError.invalidRequest("A team cannot be renamed: 'name' must be '" + name + "' or left out.", "name");
        }
    }

    private static void allowOnly(ObjectNode o, String... fields) {
        Set<String> allowed = Set.of(fields);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) throw GatewayError.invalidRequest("Unknown field '" + f + "'.", f);
        }
    }

    /**
     * The compiler's problems as one 400: the first bad field as {@code param}, every problem in the
     * message; code {@code invalid_type} when that field has the wrong JSON type (the compiler's type
     * messages), {@code invalid_value} otherwise.
     */
    static GatewayError invalid(InvalidConfigException e) {
        String first = e.problems().get(0);
        int colon = first.indexOf(": ");
        String param = colon > 0 ? first.substring(0, colon) : null;
        if ("(root)".equals(param)) param = null;
        String problem = colon > 0 ? first.substring(colon + 2) : first;
        String code = TYPE_PROBLEMS.contains(problem) ? "invalid_type" : "invalid_value";
        return new GatewayError(400, "invalid_request_error", code, param, "Invalid request: " + String.join("; ", e.problems()) + ".");
    }
}
