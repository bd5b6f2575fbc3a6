package dev.frugal.routing;

import java.util.Locale;

/** Why a candidate deployment was left out of a plan. The decision's compact form shows its {@link #code()}. */
public enum DropReason {
    /** A route's candidate names no model of the config snapshot. */
    UNKNOWN_MODEL,
    /** The deployment's provider is not in the config snapshot. */
    UNKNOWN_PROVIDER,
    /** The provider cannot serve the request's operation (e.g. embeddings on a chat-only provider). */
    UNSUPPORTED_OPERATION,
    /** No price is known for the deployment, and {@code pricing.reject-unpriced} refuses such deployments. */
    UNPRICED;

    private final String code = name().toLowerCase(Locale.ROOT);

    /** The reason in snake case, e.g. {@code unsupported_operation}. */
    public String code() {
        return code;
    }
}
