package dev.frugal.routing;

import java.util.Locale;

/**
 * Why a candidate deployment was left out of a plan. The decision's compact form shows its {@link #code()}.
 * Declared in the order the filters run: when nothing is left, the request is refused for the reason of
 * the candidate that got furthest ({@link Shortlist#refusal()}), the one closest to being served.
 */
public enum DropReason {
    /** A route's candidate names no model of the config snapshot. */
    UNKNOWN_MODEL,
    /**
     * A rule sent the request to a route its team may not call by name, and the team may not call this
     * candidate either: a rule never widens what a team may use.
     */
    TEAM_ACCESS,
    /** The deployment's provider is not in the config snapshot. */
    UNKNOWN_PROVIDER,
    /** The provider cannot serve the request's operation (e.g. embeddings on a chat-only provider). */
    UNSUPPORTED_OPERATION,
    /** The team's or the route's data policy is {@code local-only} and the provider is not local. */
    DATA_POLICY,
    /** The request needs what the model cannot do (tools, images, JSON output), as the config or the catalog says. */
    CAPABILITY,
    /** The estimated prompt plus the requested output exceed the model's context window. */
    CONTEXT_WINDOW,
    /** No price is known for the deployment, and {@code pricing.reject-unpriced} refuses such deployments. */
    UNPRICED,
    /** The deployment cannot be called now: its circuit is open, it is cooling down after a 429, or its provider fails its health probes. */
    UNHEALTHY;

    private final String code = name().toLowerCase(Locale.ROOT);

    /** The reason in snake case, e.g. {@code unsupported_operation}. */
    public String code() {
        return code;
    }
}
