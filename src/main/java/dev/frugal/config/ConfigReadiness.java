package dev.frugal.config;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once a valid configuration is in force. */
@Readiness
@Singleton
public class ConfigReadiness implements HealthCheck {
    @Inject ConfigHolder holder;

    @Override
    public HealthCheckResponse call() {
        if (!holder.loaded()) return HealthCheckResponse.down("config");
        FrugalConfig c = holder.get();
        return HealthCheckResponse.named("config").up()
                .withData("models", c.models().size()).withData("providers", c.providers().size()).build();
    }
}
