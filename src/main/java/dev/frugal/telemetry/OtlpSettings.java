package dev.frugal.telemetry;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

import java.util.Map;

/**
 * Traces are off unless an OTLP endpoint is configured (decision 0022), and the standard OpenTelemetry
 * variables work as well as Quarkus's own: {@code OTEL_EXPORTER_OTLP_ENDPOINT} (and its {@code _TRACES_}
 * form, {@code _PROTOCOL}, {@code _HEADERS}) stand in for the {@code quarkus.otel.exporter.otlp.*}
 * settings not set otherwise — Quarkus's exporter reads only its own names — and a generic setting stands in
 * for the traces' own protocol and headers left at their defaults (Quarkus gives {@code traces.protocol} a default
 * of its own; the endpoints it resolves itself, appending {@code /v1/traces} to a generic HTTP one). {@code quarkus.otel.sdk.disabled}
 * (a run-time setting) is true unless one of the endpoints is set, so a gateway without a collector creates
 * no exporter and no tracer on Vert.x; setting it explicitly wins. Registered in {@code META-INF/services}.
 */
public class OtlpSettings implements ConfigSourceInterceptor {
    static final String DISABLED = "quarkus.otel.sdk.disabled";
    private static final String QUARKUS = "quarkus.otel.exporter.otlp.";
    private static final String STANDARD = "otel.exporter.otlp.";
    /** The Quarkus settings the standard variables stand in for, by their common suffix. */
    private static final Map<String, String> MAPPED = Map.of(
            QUARKUS + "endpoint", STANDARD + "endpoint",
            QUARKUS + "traces.endpoint", STANDARD + "traces.endpoint",
            QUARKUS + "protocol", STANDARD + "protocol",
            QUARKUS + "traces.protocol", STANDARD + "traces.protocol",
            QUARKUS + "headers", STANDARD + "headers",
            QUARKUS + "traces.headers", STANDARD + "traces.headers");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (DISABLED.equals(name)) {
            ConfigValue set = explicit(context, name);
            if (set != null) return set;
            boolean endpoint = configured(context, QUARKUS + "endpoint") || configured(context, QUARKUS + "traces.endpoint");
            return ConfigValue.builder().withName(name).withValue(Boolean.toString(!endpoint))
                    .withConfigSourceName("frugal-otlp-settings").withConfigSourceOrdinal(0).build();
        }
        String standard = MAPPED.get(name);
        if (standard == null) return context.proceed(name);
        ConfigValue set = first(context, name, standard);
        if (set == null && name.startsWith(QUARKUS + "traces.") && !name.endsWith("endpoint")) { // else the generic one
            String generic = QUARKUS + name.substring((QUARKUS + "traces.").length());
            set = first(context, generic, MAPPED.get(generic));
        }
        return set != null ? set.withName(name) : context.proceed(name);
    }

    /** The first of the settings that something set, or null. */
    private static ConfigValue first(ConfigSourceInterceptorContext context, String name, String alternative) {
        ConfigValue set = explicit(context, name);
        return set != null ? set : explicit(context, alternative);
    }

    /** Whether {@code name} (a Quarkus exporter setting) has a value other than its default, directly or by its standard name. */
    private static boolean configured(ConfigSourceInterceptorContext context, String name) {
        return explicit(context, name) != null || explicit(context, MAPPED.get(name)) != null;
    }

    /** The value of {@code name} when something set it (not a default), else null. */
    private static ConfigValue explicit(ConfigSourceInterceptorContext context, String name) {
        ConfigValue v = context.proceed(name);
        if (v == null || v.getValue() == null || v.getValue().isBlank()) return null;
        return v.getConfigSourceOrdinal() <= 0 ? null : v; // the defaults' sources have the lowest ordinals
    }
}
