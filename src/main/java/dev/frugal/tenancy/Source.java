package dev.frugal.tenancy;

import java.util.Locale;

/** Who owns a stored team or key: the config file or the admin API. */
public enum Source {
    /** Declared in {@code frugal.yaml}; the file overwrites it on every start and reload. */
    CONFIG,
    /** Created through the admin API; the file never touches it. */
    API;

    /** The value stored in the database and shown by the admin API. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static Source of(String id) { return valueOf(id.toUpperCase(Locale.ROOT)); }
}
