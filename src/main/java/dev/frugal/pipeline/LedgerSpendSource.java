package dev.frugal.pipeline;

import dev.frugal.config.Database;
import dev.frugal.core.GatewayError;
import dev.frugal.ledger.Ledger;
import dev.frugal.ledger.Reports;
import dev.frugal.tenancy.quotas.SpendSource;
import io.vertx.core.Future;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.LocalDate;

/**
 * Budget counters start from what the ledger already holds for the period, so a restart (or a new
 * replica) does not forget the spend. Runs once per (team or key, period), on a thread of the
 * database's calls ({@link Database#calls()}): rows still queued in this process are written first,
 * then the daily rollups are summed.
 *
 * <p>A request waits for this, so it is bounded by {@code frugal.db.timeout}: when the database
 * stalls, or this process's rows cannot be written in that time (the sum would miss them), the
 * spend is unknown and the quotas treat it as a store failure ({@code frugal.quotas.on-store-failure}).
 */
@Singleton
public class LedgerSpendSource implements SpendSource {
    @Inject Database database;
    @Inject Ledger ledger;
    @Inject Reports reports;

    @Override
    public Future<Long> spentMicros(String team, String keyIdOrNull, LocalDate periodStart) {
        Duration timeout = database.calls().timeout();
        return database.calls().run(() -> {
            if (!ledger.flush(timeout)) {
                throw new IllegalStateException("this process's ledger rows could not be written within " + timeout.toMillis() + " ms");
            }
            return reports.spendMicros(team, keyIdOrNull, periodStart);
        }).recover(e -> Future.failedFuture(e instanceof GatewayError g
                // a store failure for the quotas (closed or open, as configured), not an answer of its own
                ? new IllegalStateException("the spend cannot be read: " + g.getMessage()) : e));
    }
}
