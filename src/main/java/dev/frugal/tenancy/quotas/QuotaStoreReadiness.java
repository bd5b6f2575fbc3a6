package dev.frugal.tenancy.quotas;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the rate-limit and budget counters can take a burst: at once in one process; in
 * cluster mode once Redis has answered and the connection pool is open ({@link Quotas#readiness}).
 * Reads the state the warm-up left; never waits for Redis.
 */
@Readiness
@Singleton
public class QuotaStoreReadiness implements HealthCheck {
    @Inject Quotas quotas;

    @Override
    public HealthCheckResponse call() {
        Quotas.Readiness r = quotas.readiness();
        return HealthCheckResponse.named("quota-store").status(r.ready()).withData("state", r.state()).build();
    }
}
