package dev.frugal.ledger;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness as far as the ledger goes: UP while the writer's queue has room, whether the database
 * answers or not. Requests need no database (keys and teams are authenticated from memory, rows
 * wait in the queue and are retried), so a stalled or lost database must not take every replica
 * out of service at once; only a full queue, where new rows are dropped and requests would go
 * unbilled, turns the replica DOWN, and it comes back once the database took the rows. Reads two
 * counters, never the database: answers at once (docs/decisions/0009-database-stalls.md).
 */
@Readiness
@Singleton
public class LedgerReadiness implements HealthCheck {
    @Inject Ledger ledger;

    @Override
    public HealthCheckResponse call() {
        return status(ledger.pending(), ledger.maxPending());
    }

    static HealthCheckResponse status(int pending, int maxPending) {
        return HealthCheckResponse.named("ledger").status(pending < maxPending)
                .withData("pending", pending).withData("max-pending", maxPending).build();
    }
}
