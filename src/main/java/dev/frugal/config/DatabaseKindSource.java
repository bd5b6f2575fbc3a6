package dev.frugal.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Supplies {@code frugal.db.kind}: {@code postgresql} when {@code FRUGAL_DB_URL} is set, else
 * {@code h2}. A low ordinal, so {@code frugal.db.kind} set anywhere else (environment, properties,
 * a test profile) wins. Registered in {@code META-INF/services}.
 */
public class DatabaseKindSource implements ConfigSource {
    static final String NAME = "frugal.db.kind";

    @Override public Set<String> getPropertyNames() { return Set.of(NAME); }

    @Override public Map<String, String> getProperties() { return Map.of(NAME, kind()); }

    @Override public String getValue(String propertyName) { return NAME.equals(propertyName) ? kind() : null; }

    @Override public String getName() { return "frugal-database-kind"; }

    @Override public int getOrdinal() { return 10; }

    private static String kind() {
        String url = System.getenv("FRUGAL_DB_URL");
        return url != null && !url.isBlank() ? "postgresql" : "h2";
    }
}
