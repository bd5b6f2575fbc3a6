package dev.frugal.pipeline;

import dev.frugal.ledger.Ledger;
import dev.frugal.ledger.Reports;
import dev.frugal.tenancy.quotas.SpendSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.LocalDate;

/**
 * Budget counters start from what the ledger already holds for the period, so a restart (or a new
 * replica) does not forget the spend. Runs once per (team or key, period), on a worker thread:
 * rows still queued in this process are written first, then the daily rollups are summed.
 */
@ApplicationScoped
public class LedgerSpendSource implements SpendSource {
    @Inject Vertx vertx;
    @Inject Ledger ledger;
    @Inject Reports reports;

    @Override
    public Future<Long> spentMicros(String team, String keyIdOrNull, LocalDate periodStart) {
        return vertx.executeBlocking(() -> {
            ledger.flush(Duration.ofSeconds(5));
            return reports.spendMicros(team, keyIdOrNull, periodStart);
        }, false);
    }
}
