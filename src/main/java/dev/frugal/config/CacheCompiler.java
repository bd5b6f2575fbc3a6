package dev.frugal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level {@code cache} section: the exact response cache's policy, per model or route
 * ({@code cache.models}) and per team ({@code cache.teams}). {@code scope: global} is accepted
 * only per model or route: sharing answers across teams is an admin's explicit choice for one name.
 */
final class CacheCompiler {
    private static final String[] POLICY_FIELDS = {"enabled", "ttl", "scope", "deterministic-only", "store-length", "hit-cost", "semantic"};
    private static final Duration MIN_TTL = Duration.ofSeconds(1);
    private static final Duration MAX_TTL = Duration.ofDays(365);

    private final ConfigReader r;

    CacheCompiler(ConfigReader r) { this.r = r; }

    /** @param names the model and route names an entry of {@code cache.models} may name, or null to accept any (discovery) */
    CacheSettings compile(JsonNode n, Set<String> names) {
        if (ConfigReader.isAbsent(n)) return CacheSettings.OFF;
        if (!r.isMap(n, "cache")) return CacheSettings.OFF;
        String[] fields = new String[POLICY_FIELDS.length + 2];
        System.arraycopy(POLICY_FIELDS, 0, fields, 0, POLICY_FIELDS.length);
        fields[POLICY_FIELDS.length] = "models";
        fields[POLICY_FIELDS.length + 1] = "teams";
        r.allowOnly(n, "cache", fields);
        CachePolicy defaults = policy(n, "cache", CachePolicy.OFF, false);
        Map<String, CachePolicy> byName = new LinkedHashMap<>();
        eachEntry(n.get("models"), "cache.models", (name, e, p) -> {
            if (names != null && !names.contains(name)) {
                r.error(p, "unknown model or route '" + name + "'" + ConfigReader.suggest(name, names));
                return;
            }
            r.allowOnly(e, p, POLICY_FIELDS);
            byName.put(name, policy(e, p, defaults, true));
        });
        Map<String, CacheSettings.TeamOverride> byTeam = new LinkedHashMap<>();
        eachEntry(n.get("teams"), "cache.teams", (name, e, p) -> {
            r.allowOnly(e, p, "enabled", "ttl");
            Boolean enabled = e.get("enabled") == null ? null : r.bool(e.get("enabled"), p + ".enabled", defaults.enabled());
            byTeam.put(name, new CacheSettings.TeamOverride(enabled, ttl(e.get("ttl"), p + ".ttl", null)));
        });
        return new CacheSettings(defaults, byName, byTeam);
    }

    private CachePolicy policy(JsonNode n, String p, CachePolicy base, boolean globalAllowed) {
        boolean enabled = r.bool(n.get("enabled"), p + ".enabled", base.enabled());
        Duration ttl = ttl(n.get("ttl"), p + ".ttl", base.ttl());
        CachePolicy.Scope scope = r.oneOf(n.get("scope"), p + ".scope", CachePolicy.Scope.class, base.scope());
        if (scope == null) scope = base.scope();
        if (scope == CachePolicy.Scope.GLOBAL && !globalAllowed) {
            r.error(p + ".scope", "'global' shares answers across teams: set it for one model or route, under cache.models.<name>.scope");
            scope = base.scope();
        }
        boolean deterministicOnly = r.bool(n.get("deterministic-only"), p + ".deterministic-only", base.deterministicOnly());
        boolean storeLength = r.bool(n.get("store-length"), p + ".store-length", base.storeLength());
        long hitCost = hitCostPpm(n.get("hit-cost"), p + ".hit-cost", base.hitCostPpm());
        return new CachePolicy(enabled, ttl, scope, deterministicOnly, storeLength, hitCost, semantic(n.get("semantic"), p + ".semantic", base.semantic()));
    }

    /** {@code semantic: {…}}: unset fields are the base's (the section's, for a model or route). */
    private SemanticPolicy semantic(JsonNode n, String p, SemanticPolicy base) {
        if (ConfigReader.isAbsent(n) || !r.isMap(n, p)) return base;
        r.allowOnly(n, p, "enabled", "max-false-hit-rate", "min-similarity", "window", "verify-rate", "wait", "per-entry-proof");
        boolean enabled = r.bool(n.get("enabled"), p + ".enabled", base.enabled());
        double rate = r.number(n.get("max-false-hit-rate"), p + ".max-false-hit-rate", base.maxFalseHitRate(), 0.0001, 0.5);
        double min = r.number(n.get("min-similarity"), p + ".min-similarity", base.minSimilarity(), 0.5, 1);
        double window = r.number(n.get("window"), p + ".window", base.window(), 0.005, 0.5);
        double verify = r.number(n.get("verify-rate"), p + ".verify-rate", base.verifyRate(), 0, 1);
        Duration wait = r.duration(n.get("wait"), p + ".wait", base.embedWait());
        if (wait.isNegative() || wait.isZero() || wait.compareTo(Duration.ofSeconds(10)) > 0) {
            r.error(p + ".wait", "must be between 1ms and 10s");
            wait = base.embedWait();
        }
        boolean proof = r.bool(n.get("per-entry-proof"), p + ".per-entry-proof", base.perEntryProof());
        return new SemanticPolicy(enabled, rate, min, window, verify, wait, proof);
    }

    private Duration ttl(JsonNode n, String path, Duration fallback) {
        if (ConfigReader.isAbsent(n)) return fallback;
        Duration d = r.duration(n, path, null);
        if (d == null) return fallback; // reported
        if (d.compareTo(MIN_TTL) < 0 || d.compareTo(MAX_TTL) > 0) {
            r.error(path, "must be between 1s and 365d");
            return fallback;
        }
        return d;
    }

    /** A fraction from 0 to 1 with at most 6 decimals, as millionths. */
    private long hitCostPpm(JsonNode n, String path, long fallback) {
        if (n == null || n.isNull()) return fallback;
        double v = r.number(n, path, -1, 0, 1);
        if (v < 0) return fallback;
        try {
            return new BigDecimal(n.asText().trim()).movePointRight(6).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            r.error(path, "at most 6 decimals");
            return fallback;
        }
    }

    private interface Entry {
        void accept(String name, JsonNode value, String path);
    }

    /** Each {@code name: {…}} of an optional mapping; a bad name or a value that is not a mapping is reported and skipped. */
    private void eachEntry(JsonNode map, String path, Entry each) {
        if (ConfigReader.isAbsent(map) || !r.isMap(map, path)) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            if (!ConfigReader.isName(e.getKey())) {
                r.error(p, "'" + e.getKey() + "' is not a valid name");
                continue;
            }
            if (r.isMap(e.getValue(), p)) each.accept(e.getKey(), e.getValue(), p);
        }
    }
}
