package dev.frugal.config;

import java.time.Duration;

/**
 * How the exact response cache treats the requests of one team to one model or route: the
 * top-level {@code cache} section, with the model's (or route's) entry of {@code cache.models}
 * over it, and the team's entry of {@code cache.teams} over that ({@link CacheSettings#policy}).
 * Immutable.
 *
 * @param enabled           look answers up and store them
 * @param ttl               how long a stored answer is served
 * @param scope             who shares a stored answer
 * @param deterministicOnly only requests with {@code temperature: 0} or a {@code seed} are cached
 * @param storeLength       answers cut by their output limit ({@code finish_reason: length}) are stored too
 * @param hitCostPpm        the part of the original answer's cost that a hit is billed, in millionths:
 *                          0 is free, 1 000 000 the full price
 * @param semantic          the semantic cache after an exact miss ({@code cache.semantic})
 */
public record CachePolicy(boolean enabled, Duration ttl, Scope scope, boolean deterministicOnly, boolean storeLength,
                          long hitCostPpm, SemanticPolicy semantic) {

    /** Who shares a stored answer. */
    public enum Scope {
        /** The team that sent the request (the default): no answer ever crosses teams. */
        TEAM,
        /** The API key that sent the request: not even other keys of the same team. */
        KEY,
        /** Every team that may call the model or route; only where an admin opts in, per model or route. */
        GLOBAL
    }

    /** The defaults of the section: no caching. */
    public static final CachePolicy OFF = new CachePolicy(Defaults.CACHE_ENABLED, Defaults.CACHE_TTL, Scope.TEAM,
            Defaults.CACHE_DETERMINISTIC_ONLY, Defaults.CACHE_STORE_LENGTH, Defaults.CACHE_HIT_COST_PPM, SemanticPolicy.OFF);

    /** What a hit on an answer that cost {@code costMicros} is billed: {@link #hitCostPpm} of it, rounded down. Exact, no overflow. */
    public long billedMicros(long costMicros) {
        if (hitCostPpm == 0 || costMicros <= 0) return 0;
        return costMicros / 1_000_000 * hitCostPpm + costMicros % 1_000_000 * hitCostPpm / 1_000_000;
    }

    CachePolicy with(Boolean enabled, Duration ttl) {
        return new CachePolicy(enabled == null ? this.enabled : enabled, ttl == null ? this.ttl : ttl, scope,
                deterministicOnly, storeLength, hitCostPpm, semantic);
    }
}
