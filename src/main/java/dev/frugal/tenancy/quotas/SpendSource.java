package dev.frugal.tenancy.quotas;

import io.vertx.core.Future;

import java.time.LocalDate;

/**
 * The spend already recorded, from which budget counters start when they are first needed (after
 * a restart, or when a new period begins). Implemented over the ledger's daily rollups; {@link
 * InMemorySpendSource} is the default until one exists and serves tests.
 * <p>
 * Called once per (subject, period) by each process, never on the hot path of a seeded counter. It
 * may run its query anywhere (a worker thread): {@link Quotas} returns to the caller's event loop.
 */
public interface SpendSource {
    /**
     * The micro-USD spent from {@code periodStart} (a UTC day, inclusive) until now.
     *
     * @param team           the team
     * @param keyIdOrNull    a key id for that key's own spend, or null for the whole team's
     */
    Future<Long> spentMicros(String team, String keyIdOrNull, LocalDate periodStart);
}
