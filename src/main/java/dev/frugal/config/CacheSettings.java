package dev.frugal.config;

import java.time.Duration;
import java.util.Map;

/**
 * The top-level {@code cache} section: the exact response cache's policy (docs/cache.md).
 * Immutable; resolving a policy allocates only for a team that has an entry of its own.
 *
 * @param defaults the section's own fields
 * @param byName   {@code cache.models}: per model or route name (a route's name keys its own answers)
 * @param byTeam   {@code cache.teams}: per team, over the model's or route's policy
 */
public record CacheSettings(CachePolicy defaults, Map<String, CachePolicy> byName, Map<String, TeamOverride> byTeam) {

    /** A team's own {@code enabled} and {@code ttl}; null fields leave the model's or route's. */
    public record TeamOverride(Boolean enabled, Duration ttl) {}

    /** No {@code cache} section: nothing is cached. */
    public static final CacheSettings OFF = new CacheSettings(CachePolicy.OFF, Map.of(), Map.of());

    public CacheSettings {
        byName = Map.copyOf(byName);
        byTeam = Map.copyOf(byTeam);
    }

    /** The policy for a request of {@code team} to the model or route {@code name}. */
    public CachePolicy policy(String team, String name) {
        CachePolicy p = byName.getOrDefault(name, defaults);
        TeamOverride t = team == null ? null : byTeam.get(team);
        return t == null ? p : p.with(t.enabled(), t.ttl());
    }

    /** Whether any request may be cached under this config. */
    public boolean anyEnabled() {
        if (defaults.enabled()) return true;
        for (CachePolicy p : byName.values()) if (p.enabled()) return true;
        for (TeamOverride t : byTeam.values()) if (Boolean.TRUE.equals(t.enabled())) return true;
        return false;
    }
}
