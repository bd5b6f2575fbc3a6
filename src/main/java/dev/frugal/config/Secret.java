package dev.frugal.config;

/** A credential read from config. Its text never appears in {@code toString}, logs or errors. */
public final class Secret {
    private final String value;

    public Secret(String value) { this.value = value; }

    /** The raw credential, for the one place that sends it upstream. */
    public String reveal() { return value; }

    @Override public boolean equals(Object o) { return o instanceof Secret s && s.value.equals(value); }
    @Override public int hashCode() { return value.hashCode(); }
    @Override public String toString() { return "***"; }
}
