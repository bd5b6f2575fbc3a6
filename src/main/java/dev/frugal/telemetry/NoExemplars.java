package dev.frugal.telemetry;

import io.prometheus.client.exemplars.ExemplarSampler;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The Prometheus registry samples no exemplars. With OpenTelemetry on the class path, Quarkus gives it a sampler
 * that looks the current span up in the OpenTelemetry context on every counter increment and timer record; the
 * gateway never makes its spans current (pipeline.Traces passes them along; Quarkus's Vert.x instrumentation is off),
 * so the lookup never found one, and it took 1.0–1.7 % of the event loops' samples under load (decision 0034).
 * An alternative with a priority, so it replaces Quarkus's producer of the same type.
 */
@Singleton
public class NoExemplars {
    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> exemplarSampler() {
        return Optional.empty();
    }
}
