package dev.frugal.config;

import java.util.Locale;

/**
 * Where a team's or a route's requests may go ({@code data-policy}). A request under
 * {@link #LOCAL_ONLY} — its team's or its route's — goes only to providers marked
 * {@linkplain ProviderConfig#local() local}; other deployments are dropped from its plan.
 */
public enum DataPolicy {
    /** Any configured provider. */
    ANY,
    /** Only providers on the admin's own hardware: the prompt never leaves them. */
    LOCAL_ONLY;

    /** As the config file spells it: {@code any}, {@code local-only}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy spelled {@code id}, or null. */
    public static DataPolicy of(String id) {
        for (DataPolicy p : values()) if (p.id().equals(id)) return p;
        return null;
    }
}
